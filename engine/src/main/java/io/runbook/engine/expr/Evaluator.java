package io.runbook.engine.expr;

import io.runbook.engine.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Evaluates a syntax tree over plain values (String, Long, Double, Boolean, Instant, Duration, List, Map, null).
 * Pure and bounded: no I/O, no reflection, strings capped at {@link #MAX_STRING} characters, regular
 * expressions capped in the work they may do.
 */
final class Evaluator {
  static final int MAX_STRING = 1 << 20;
  private static final long MAX_REGEX_STEPS = 1_000_000;

  private final String src;
  private final Map<String, Object> scope;

  private Evaluator(String src, Map<String, Object> scope) {
    this.src = src;
    this.scope = scope;
  }

  static Object eval(String src, Ast ast, Map<String, Object> scope) { return new Evaluator(src, scope).value(ast, false); }

  private ExprException error(String message, int at) { return new ExprException(message, src, at); }

  /** {@code lenient}: reading a field of null or a missing key gives null (inside has() and default()). */
  private Object value(Ast ast, boolean lenient) {
    if (ast instanceof Ast.Literal l) return l.value();
    if (ast instanceof Ast.ListLiteral l) {
      List<Object> out = new ArrayList<>(l.items().size());
      for (Ast item : l.items()) out.add(value(item, false));
      return out;
    }
    if (ast instanceof Ast.Ident id) {
      if (!scope.containsKey(id.name())) {
        if (lenient) return null;
        throw error("unknown name '" + id.name() + "'", id.at());
      }
      return scope.get(id.name());
    }
    if (ast instanceof Ast.Select s) return field(value(s.target(), lenient), s.field(), s, lenient);
    if (ast instanceof Ast.Index ix) return index(ix, lenient);
    if (ast instanceof Ast.Unary u) return unary(u);
    if (ast instanceof Ast.Binary b) return binary(b);
    if (ast instanceof Ast.Conditional c) {
      return bool(value(c.condition(), false), c.condition()) ? value(c.then(), lenient) : value(c.otherwise(), lenient);
    }
    return call((Ast.Call) ast);
  }

  private Object field(Object target, String name, Ast.Select s, boolean lenient) {
    if (target instanceof Map<?, ?> m) {
      if (m.containsKey(name)) return m.get(name);
      if (lenient) return null;
      throw error("'" + Printer.print(s.target()) + "' has no field '" + name + "'", s.at());
    }
    if (target == null) {
      if (lenient) return null;
      throw error("'" + Printer.print(s.target()) + "' is null (guard with has(...) or default(..., ...))", s.at());
    }
    throw error("cannot read field '" + name + "' of a " + kind(target), s.at());
  }

  private Object index(Ast.Index ix, boolean lenient) {
    Object target = value(ix.target(), lenient);
    Object key = value(ix.index(), false);
    if (target == null && lenient) return null;
    if (target instanceof List<?> list) {
      if (!(key instanceof Long i)) throw error("a list index must be an int, not " + kind(key), ix.index().at());
      if (i < 0 || i >= list.size()) {
        if (lenient) return null;
        throw error("index " + i + " is out of range (the list has " + list.size() + " items)", ix.index().at());
      }
      return list.get(i.intValue());
    }
    if (target instanceof Map<?, ?> m) {
      if (!(key instanceof String k)) throw error("a map key must be a string, not " + kind(key), ix.index().at());
      if (!m.containsKey(k)) {
        if (lenient) return null;
        throw error("'" + Printer.print(ix.target()) + "' has no key '" + k + "'", ix.index().at());
      }
      return m.get(k);
    }
    if (target == null) throw error("'" + Printer.print(ix.target()) + "' is null", ix.at());
    throw error("cannot index a " + kind(target), ix.at());
  }

  private Object unary(Ast.Unary u) {
    Object v = value(u.operand(), false);
    if (u.op().equals("!")) return !bool(v, u.operand());
    if (v instanceof Long l) {
      if (l == Long.MIN_VALUE) throw error("integer overflow", u.at());
      return -l;
    }
    if (v instanceof Double d) return -d;
    if (v instanceof Duration d) return d.negated();
    throw error("'-' needs a number or a duration, not " + kind(v), u.at());
  }

  private boolean bool(Object v, Ast where) {
    if (v instanceof Boolean b) return b;
    throw error("'" + Printer.print(where) + "' must be a bool, not " + kind(v), where.at());
  }

  private Object binary(Ast.Binary b) {
    String op = b.op();
    if (op.equals("&&")) return bool(value(b.left(), false), b.left()) && bool(value(b.right(), false), b.right());
    if (op.equals("||")) return bool(value(b.left(), false), b.left()) || bool(value(b.right(), false), b.right());
    Object l = value(b.left(), false);
    Object r = value(b.right(), false);
    try {
      switch (op) {
        case "==": return equal(l, r);
        case "!=": return !equal(l, r);
        case "in": return in(l, r, b);
        case "<": return compare(l, r, b) < 0;
        case "<=": return compare(l, r, b) <= 0;
        case ">": return compare(l, r, b) > 0;
        case ">=": return compare(l, r, b) >= 0;
        default: return arithmetic(op, l, r, b);
      }
    } catch (ArithmeticException e) {
      throw error(e.getMessage() == null ? "arithmetic error" : e.getMessage(), b.at());
    }
  }

  private Object arithmetic(String op, Object l, Object r, Ast.Binary b) {
    if (l instanceof Long x && r instanceof Long y) {
      switch (op) {
        case "+": return Math.addExact(x, y);
        case "-": return Math.subtractExact(x, y);
        case "*": return Math.multiplyExact(x, y);
        case "/": if (y == 0) throw error("division by zero", b.at()); return x / y;
        default: if (y == 0) throw error("division by zero", b.at()); return x % y;
      }
    }
    if (l instanceof Number x && r instanceof Number y) {
      double p = x.doubleValue();
      double q = y.doubleValue();
      switch (op) {
        case "+": return p + q;
        case "-": return p - q;
        case "*": return p * q;
        case "/": return p / q;
        default: return p % q;
      }
    }
    if (op.equals("+")) {
      if (l instanceof String x && r instanceof String y) return capped(x + y, b);
      if (l instanceof Instant t && r instanceof Duration d) return t.plus(d);
      if (l instanceof Duration d && r instanceof Instant t) return t.plus(d);
      if (l instanceof Duration x && r instanceof Duration y) return x.plus(y);
      if (l instanceof List<?> x && r instanceof List<?> y) {
        List<Object> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
      }
    }
    if (op.equals("-")) {
      if (l instanceof Instant t && r instanceof Duration d) return t.minus(d);
      if (l instanceof Instant x && r instanceof Instant y) return Duration.between(y, x);
      if (l instanceof Duration x && r instanceof Duration y) return x.minus(y);
    }
    throw error("'" + op + "' cannot combine " + kind(l) + " and " + kind(r), b.at());
  }

  private String capped(String s, Ast where) {
    if (s.length() > MAX_STRING) throw error("string longer than " + MAX_STRING + " characters", where.at());
    return s;
  }

  static boolean equal(Object l, Object r) {
    if (l instanceof Number x && r instanceof Number y && (l instanceof Double || r instanceof Double)) {
      return x.doubleValue() == y.doubleValue();
    }
    return Objects.equals(l, r);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private int compare(Object l, Object r, Ast.Binary b) {
    if (l instanceof Long x && r instanceof Long y) return Long.compare(x, y);
    if (l instanceof Number x && r instanceof Number y) return Double.compare(x.doubleValue(), y.doubleValue());
    if (l instanceof Comparable && l != null && r != null && l.getClass() == r.getClass()
        && (l instanceof String || l instanceof Instant || l instanceof Duration)) {
      return ((Comparable) l).compareTo(r);
    }
    throw error("'" + b.op() + "' cannot compare " + kind(l) + " with " + kind(r), b.at());
  }

  private boolean in(Object l, Object r, Ast.Binary b) {
    if (r instanceof Collection<?> c) {
      for (Object o : c) if (equal(l, o)) return true;
      return false;
    }
    if (r instanceof Map<?, ?> m) return m.containsKey(l);
    throw error("'in' needs a list or a map on its right, not " + kind(r), b.at());
  }

  private Object call(Ast.Call c) {
    List<Ast> args = c.args();
    String fn = c.function();
    if (c.receiver() != null) {
      Object recv = value(c.receiver(), false);
      Object arg = value(args.get(0), false);
      if (fn.equals("contains") && recv instanceof List<?> list) {
        for (Object o : list) if (equal(arg, o)) return true;
        return false;
      }
      if (!(recv instanceof String s)) throw error(fn + "() works on a string, not " + kind(recv), c.at());
      if (!(arg instanceof String a)) throw error(fn + "() needs a string argument, not " + kind(arg), args.get(0).at());
      switch (fn) {
        case "startsWith": return s.startsWith(a);
        case "endsWith": return s.endsWith(a);
        case "contains": return s.contains(a);
        case "matches": return matches(s, a, args.get(0));
        default: throw error("unknown method '" + fn + "'", c.at());
      }
    }
    switch (fn) {
      case "has": {
        Ast.Select sel = (Ast.Select) args.get(0);
        Object target = value(sel.target(), true);
        return target instanceof Map<?, ?> m && m.get(sel.field()) != null;
      }
      case "default": {
        Object v = value(args.get(0), true);
        return v != null ? v : value(args.get(1), false);
      }
      default: break;
    }
    List<Object> vals = new ArrayList<>(args.size());
    for (Ast a : args) vals.add(value(a, false));
    Object v = vals.isEmpty() ? null : vals.get(0);
    int at = args.isEmpty() ? c.at() : args.get(0).at();
    switch (fn) {
      case "size":
        if (v instanceof String s) return (long) s.codePointCount(0, s.length());
        if (v instanceof Collection<?> col) return (long) col.size();
        if (v instanceof Map<?, ?> m) return (long) m.size();
        throw error("size() needs a string, list or map, not " + kind(v), at);
      case "string":
        return capped(text(v), c);
      case "int":
        if (v instanceof Long) return v;
        if (v instanceof Double d) return d.longValue();
        if (v instanceof String s) {
          try { return Long.parseLong(s.trim()); } catch (NumberFormatException e) { throw error("'" + s + "' is not an int", at); }
        }
        if (v instanceof Duration d) return d.getSeconds();
        if (v instanceof Instant t) return t.getEpochSecond();
        throw error("int() cannot convert a " + kind(v), at);
      case "duration":
        if (v instanceof Duration) return v;
        if (!(v instanceof String s)) throw error("duration() needs a string, not " + kind(v), at);
        try { return Durations.parse(s); } catch (RuntimeException e) { throw error(e.getMessage(), at); }
      case "timestamp":
        if (v instanceof Instant) return v;
        if (!(v instanceof String s)) throw error("timestamp() needs a string, not " + kind(v), at);
        try { return parseTimestamp(s); } catch (RuntimeException e) { throw error(e.getMessage(), at); }
      case "join": {
        if (!(v instanceof Collection<?> col)) throw error("join() needs a list, not " + kind(v), at);
        if (!(vals.get(1) instanceof String sep)) throw error("the separator of join() must be a string", args.get(1).at());
        return capped(col.stream().map(Evaluator::text).collect(Collectors.joining(sep)), c);
      }
      default:
        throw error("unknown function '" + fn + "'", c.at());
    }
  }

  private boolean matches(String s, String regex, Ast where) {
    Pattern p;
    try { p = Pattern.compile(regex); } catch (PatternSyntaxException e) {
      throw error("invalid regular expression: " + e.getDescription(), where.at());
    }
    try {
      return p.matcher(new BoundedChars(s, new long[] {MAX_REGEX_STEPS})).find();
    } catch (IllegalStateException e) {
      throw error("regular expression '" + regex + "' does too much work on this text", where.at());
    }
  }

  /** The text form used by string(), join() and templates. */
  static String text(Object v) {
    if (v == null) return "null";
    if (v instanceof Duration d) return Durations.format(d);
    if (v instanceof Collection<?> c) return c.stream().map(Evaluator::text).collect(Collectors.joining(", ", "[", "]"));
    return v.toString();
  }

  static Instant parseTimestamp(String s) {
    try { return OffsetDateTime.parse(s.trim()).toInstant(); } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + s + "' is not a timestamp; write ISO-8601 with an offset, "
          + "e.g. 2026-11-25T14:30:00Z or 2026-11-25T15:30:00+01:00");
    }
  }

  static String kind(Object v) {
    if (v == null) return "null";
    if (v instanceof String) return "string";
    if (v instanceof Long || v instanceof Integer) return "int";
    if (v instanceof Double) return "double";
    if (v instanceof Boolean) return "bool";
    if (v instanceof Instant) return "timestamp";
    if (v instanceof Duration) return "duration";
    if (v instanceof List<?>) return "list";
    if (v instanceof Map<?, ?>) return "map";
    return v.getClass().getSimpleName();
  }

  /** A CharSequence that stops a regular expression after a fixed amount of work (catastrophic backtracking). */
  private record BoundedChars(CharSequence inner, long[] budget) implements CharSequence {
    @Override
    public char charAt(int index) {
      if (--budget[0] < 0) throw new IllegalStateException("regex budget exhausted");
      return inner.charAt(index);
    }

    @Override
    public int length() { return inner.length(); }

    @Override
    public CharSequence subSequence(int start, int end) { return new BoundedChars(inner.subSequence(start, end), budget); }

    @Override
    public String toString() { return inner.toString(); }
  }
}

package io.runbook.engine.expr;

import io.runbook.engine.util.Durations;
import io.runbook.engine.util.Spelling;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Computes the static type of an expression against the variables in scope; the first problem is thrown. */
final class TypeChecker {
  private final String src;
  private final Type.RecordOf scope;

  private TypeChecker(String src, Type.RecordOf scope) {
    this.src = src;
    this.scope = scope;
  }

  static Type check(String src, Ast ast, Type.RecordOf scope) { return new TypeChecker(src, scope).type(ast); }

  private ExprException error(String message, int at) { return new ExprException(message, src, at); }

  private Type type(Ast ast) {
    if (ast instanceof Ast.Literal l) return literal(l.value());
    if (ast instanceof Ast.ListLiteral l) {
      Type element = null;
      for (Ast item : l.items()) element = element == null ? type(item) : unify(element, type(item));
      return new Type.ListOf(element == null ? Type.DYN : element);
    }
    if (ast instanceof Ast.Ident id) return field(scope, id.name(), "", id.at());
    if (ast instanceof Ast.Select s) return select(s);
    if (ast instanceof Ast.Index ix) return index(ix);
    if (ast instanceof Ast.Unary u) return unary(u);
    if (ast instanceof Ast.Binary b) return binary(b);
    if (ast instanceof Ast.Conditional c) {
      expect(c.condition(), Type.BOOL, "the condition before '?'");
      return unify(type(c.then()), type(c.otherwise()));
    }
    return call((Ast.Call) ast);
  }

  static Type literal(Object v) {
    if (v == null) return Type.NULL;
    if (v instanceof Long) return Type.INT;
    if (v instanceof Double) return Type.DOUBLE;
    if (v instanceof Boolean) return Type.BOOL;
    return Type.STRING;
  }

  private void expect(Ast ast, Type wanted, String what) {
    Type t = type(ast);
    if (!Type.assignable(t, wanted)) throw error(what + " must be " + wanted + ", not " + t, ast.at());
  }

  private Type field(Type.RecordOf record, String name, String path, int at) {
    Type t = record.fields().get(name);
    if (t != null) return t;
    String why = record.unavailable().get(name);
    if (why != null) throw error(why, at);
    String where = path.isEmpty() ? "unknown name '" + name + "'" : "'" + path + "' has no field '" + name + "'";
    String hint = Spelling.hint(name, record.fields().keySet());
    int dash = name.indexOf('-');
    if (dash > 0 && record.fields().containsKey(name.substring(0, dash))) {
      hint = " (to subtract, put spaces around '-': " + name.substring(0, dash) + " - " + name.substring(dash + 1) + ")";
    }
    if (hint.isEmpty() && !record.fields().isEmpty() && record.fields().size() <= 12) {
      hint = "; known: " + String.join(", ", record.fields().keySet());
    }
    if (hint.isEmpty() && record.fields().isEmpty()) {
      hint = record.name().equals("params") ? "; the runbook declares no parameters (add them under params:)"
          : record.name().equals("steps") ? "; no step has run before this one" : "; it has no fields";
    }
    throw error(where + hint, at);
  }

  private Type select(Ast.Select s) {
    Type target = type(s.target());
    String path = Printer.print(s.target());
    if (target instanceof Type.RecordOf r) return field(r, s.field(), path, s.at());
    if (target instanceof Type.MapOf m) return m.value();
    if (target == Type.DYN) return Type.DYN;
    if (target == Type.NULL) throw error("'" + path + "' is always null", s.at());
    throw error("cannot read field '" + s.field() + "' of '" + path + "' (a " + target + ")", s.at());
  }

  private Type index(Ast.Index ix) {
    Type target = type(ix.target());
    Type key = type(ix.index());
    String path = Printer.print(ix.target());
    if (target instanceof Type.ListOf l) {
      if (!Type.assignable(key, Type.INT)) throw error("a list index must be an int, not " + key, ix.index().at());
      return l.element();
    }
    if (target instanceof Type.MapOf m) {
      if (!Type.assignable(key, Type.STRING)) throw error("a map key must be a string, not " + key, ix.index().at());
      return m.value();
    }
    if (target instanceof Type.RecordOf r) {
      if (ix.index() instanceof Ast.Literal lit && lit.value() instanceof String name) {
        return field(r, name, path, ix.index().at());
      }
      if (!Type.assignable(key, Type.STRING)) throw error("a field name must be a string, not " + key, ix.index().at());
      // A key known only at run time: the fields' common type (all hosts are Hosts), else dyn.
      Type common = null;
      for (Type f : r.fields().values()) common = common == null ? f : unify(common, f);
      return common == null ? Type.DYN : common;
    }
    if (target == Type.DYN) return Type.DYN;
    throw error("cannot index '" + path + "' (a " + target + ")", ix.at());
  }

  private Type unary(Ast.Unary u) {
    Type t = type(u.operand());
    if (u.op().equals("!")) {
      if (!Type.assignable(t, Type.BOOL)) throw error("'!' needs a bool, not " + t, u.at());
      return Type.BOOL;
    }
    if (t == Type.INT || t == Type.DOUBLE || t == Type.DURATION || t == Type.DYN) return t;
    throw error("'-' needs a number or a duration, not " + t, u.at());
  }

  private static boolean numeric(Type t) { return t == Type.INT || t == Type.DOUBLE; }

  private Type binary(Ast.Binary b) {
    String op = b.op();
    if (op.equals("&&") || op.equals("||")) {
      expect(b.left(), Type.BOOL, "the left side of '" + op + "'");
      expect(b.right(), Type.BOOL, "the right side of '" + op + "'");
      return Type.BOOL;
    }
    Type l = type(b.left());
    Type r = type(b.right());
    boolean dyn = l == Type.DYN || r == Type.DYN;
    switch (op) {
      case "+" -> {
        if (dyn) return Type.DYN;
        if (numeric(l) && numeric(r)) return l == Type.INT && r == Type.INT ? Type.INT : Type.DOUBLE;
        if (l == Type.STRING && r == Type.STRING) return Type.STRING;
        if (l == Type.TIMESTAMP && r == Type.DURATION || l == Type.DURATION && r == Type.TIMESTAMP) return Type.TIMESTAMP;
        if (l == Type.DURATION && r == Type.DURATION) return Type.DURATION;
        if (l instanceof Type.ListOf && r instanceof Type.ListOf) return unify(l, r);
        if (l == Type.STRING || r == Type.STRING) {
          throw error("cannot add " + l + " and " + r + " (convert with string(...) first)", b.at());
        }
      }
      case "-" -> {
        if (dyn) return Type.DYN;
        if (numeric(l) && numeric(r)) return l == Type.INT && r == Type.INT ? Type.INT : Type.DOUBLE;
        if (l == Type.TIMESTAMP && r == Type.DURATION) return Type.TIMESTAMP;
        if (l == Type.TIMESTAMP && r == Type.TIMESTAMP) return Type.DURATION;
        if (l == Type.DURATION && r == Type.DURATION) return Type.DURATION;
      }
      case "*", "/", "%" -> {
        if (dyn) return Type.DYN;
        if (numeric(l) && numeric(r)) return l == Type.INT && r == Type.INT ? Type.INT : Type.DOUBLE;
      }
      case "<", "<=", ">", ">=" -> {
        if (dyn || numeric(l) && numeric(r)) return Type.BOOL;
        if (l == r && (l == Type.STRING || l == Type.TIMESTAMP || l == Type.DURATION)) return Type.BOOL;
      }
      case "==", "!=" -> {
        if (Type.assignable(l, r) || Type.assignable(r, l)) return Type.BOOL;
        throw error("comparing " + l + " with " + r + " is always " + (op.equals("==") ? "false" : "true"), b.at());
      }
      case "in" -> {
        if (r == Type.DYN) return Type.BOOL;
        if (r instanceof Type.ListOf list) {
          if (Type.assignable(l, list.element()) || Type.assignable(list.element(), l)) return Type.BOOL;
          throw error("'" + l + "' can never be in a " + r, b.at());
        }
        if (r instanceof Type.MapOf || r instanceof Type.RecordOf) {
          if (Type.assignable(l, Type.STRING)) return Type.BOOL;
          throw error("map keys are strings, not " + l, b.at());
        }
        throw error("'in' needs a list or a map on its right, not " + r, b.at());
      }
      default -> { }
    }
    throw error("'" + op + "' cannot combine " + l + " and " + r, b.at());
  }

  /** The type of a value that is either {@code a} or {@code b}. */
  static Type unify(Type a, Type b) {
    if (a.equals(b)) return a;
    if (a == Type.NULL) return b;
    if (b == Type.NULL) return a;
    if (numeric(a) && numeric(b)) return Type.DOUBLE;
    if (a instanceof Type.ListOf x && b instanceof Type.ListOf y) return new Type.ListOf(unify(x.element(), y.element()));
    if (a instanceof Type.MapOf x && b instanceof Type.MapOf y) return new Type.MapOf(unify(x.value(), y.value()));
    return Type.DYN;
  }

  private static final Set<String> METHODS = Set.of("startsWith", "endsWith", "contains", "matches");
  private static final List<String> FUNCTIONS = List.of("size", "string", "int", "duration", "timestamp", "join",
      "has", "default");

  private Type call(Ast.Call c) {
    String fn = c.function();
    List<Ast> args = c.args();
    if (c.receiver() != null) {
      if (!METHODS.contains(fn)) {
        throw error("unknown method '" + fn + "'" + Spelling.hint(fn, METHODS) + "; methods: startsWith, endsWith, "
            + "contains, matches", c.at());
      }
      arity(c, 1);
      Type recv = type(c.receiver());
      if (fn.equals("contains") && recv instanceof Type.ListOf) {
        type(args.get(0));
        return Type.BOOL;
      }
      if (!Type.assignable(recv, Type.STRING)) throw error(fn + "() works on a string, not " + recv, c.at());
      expect(args.get(0), Type.STRING, "the argument of " + fn + "()");
      if (fn.equals("matches")) regexLiteral(args.get(0));
      return Type.BOOL;
    }
    switch (fn) {
      case "size" -> {
        arity(c, 1);
        Type t = type(args.get(0));
        if (t == Type.STRING || t == Type.DYN || t instanceof Type.ListOf || t instanceof Type.MapOf) return Type.INT;
        throw error("size() needs a string, list or map, not " + t, args.get(0).at());
      }
      case "string" -> { arity(c, 1); type(args.get(0)); return Type.STRING; }
      case "int" -> {
        arity(c, 1);
        Type t = type(args.get(0));
        if (t == Type.BOOL || t == Type.NULL || t instanceof Type.ListOf || t instanceof Type.MapOf
            || t instanceof Type.RecordOf) {
          throw error("int() cannot convert a " + t, args.get(0).at());
        }
        if (t == Type.STRING && args.get(0) instanceof Ast.Literal lit) {
          try { Long.parseLong(((String) lit.value()).trim()); } catch (NumberFormatException e) {
            throw error("'" + lit.value() + "' is not an int", lit.at());
          }
        }
        return Type.INT;
      }
      case "duration" -> {
        arity(c, 1);
        expect(args.get(0), Type.STRING, "the argument of duration()");
        if (args.get(0) instanceof Ast.Literal lit) {
          try { Durations.parse((String) lit.value()); } catch (RuntimeException e) { throw error(e.getMessage(), lit.at()); }
        }
        return Type.DURATION;
      }
      case "timestamp" -> {
        arity(c, 1);
        expect(args.get(0), Type.STRING, "the argument of timestamp()");
        if (args.get(0) instanceof Ast.Literal lit) {
          try { Evaluator.parseTimestamp((String) lit.value()); } catch (RuntimeException e) {
            throw error(e.getMessage(), lit.at());
          }
        }
        return Type.TIMESTAMP;
      }
      case "join" -> {
        arity(c, 2);
        Type list = type(args.get(0));
        if (!(list instanceof Type.ListOf) && list != Type.DYN) throw error("join() needs a list, not " + list, args.get(0).at());
        expect(args.get(1), Type.STRING, "the separator of join()");
        return Type.STRING;
      }
      case "has" -> {
        arity(c, 1);
        if (!(args.get(0) instanceof Ast.Select)) {
          throw error("has() takes a field, e.g. has(steps.pick.snapshot)", args.get(0).at());
        }
        type(args.get(0));
        return Type.BOOL;
      }
      case "default" -> {
        arity(c, 2);
        Type a = type(args.get(0));
        Type b = type(args.get(1));
        Type u = unify(a, b);
        if (u == Type.DYN && a != Type.DYN && b != Type.DYN) {
          throw error("default() needs a fallback of the same type as its value (" + a + "), not " + b, args.get(1).at());
        }
        return u;
      }
      default -> throw error("unknown function '" + fn + "'" + Spelling.hint(fn, FUNCTIONS) + "; functions: "
          + String.join(", ", FUNCTIONS), c.at());
    }
  }

  private void regexLiteral(Ast arg) {
    if (arg instanceof Ast.Literal lit && lit.value() instanceof String re) {
      try { Pattern.compile(re); } catch (PatternSyntaxException e) {
        throw error("invalid regular expression: " + e.getDescription(), lit.at());
      }
    }
  }

  private void arity(Ast.Call c, int n) {
    if (c.args().size() != n) {
      throw error(c.function() + "() takes " + n + " argument" + (n == 1 ? "" : "s") + ", not " + c.args().size(), c.at());
    }
  }
}

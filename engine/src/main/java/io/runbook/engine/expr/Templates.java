package io.runbook.engine.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry point to expressions: texts holding {@code ${{ expr }}} templates, and bare expressions.
 *
 * <p>A string that is exactly one template yields the expression's typed value; a string with text around or
 * between templates yields a string; a string without templates is a literal. {@code with:} values and
 * {@code on:} are templates ({@link #render}); {@code when:}, {@code require.that} and {@code foreach} are
 * expressions, written bare or as one template ({@link #evaluate}).
 */
public final class Templates {
  private static final String OPEN = "${{";
  private static final String CLOSE = "}}";
  private static final int CACHE_LIMIT = 10_000;
  private static final Map<String, List<Part>> CACHE = new ConcurrentHashMap<>();

  private Templates() {}

  /** A piece of a template: literal text, or an expression starting at {@code offset} in the template. */
  private record Part(String text, Ast expr, String exprSource, int offset) {}

  /** Whether the text holds at least one {@code ${{ }}} template. */
  public static boolean hasTemplate(String text) { return text != null && text.contains(OPEN); }

  /** Renders a raw {@code with:} tree: strings are templates, maps and lists are rendered recursively. */
  public static Object render(Object raw, Map<String, Object> scope) {
    if (raw instanceof String s) return renderString(s, scope);
    if (raw instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), render(e.getValue(), scope));
      return out;
    }
    if (raw instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) out.add(render(o, scope));
      return out;
    }
    return raw;
  }

  /** Evaluates a condition, a foreach list or any value written as a bare expression or as one template. */
  public static Object evaluate(String exprOrTemplate, Map<String, Object> scope) {
    if (hasTemplate(exprOrTemplate)) return renderString(exprOrTemplate, scope);
    Ast ast = parseBare(exprOrTemplate);
    return Evaluator.eval(exprOrTemplate, ast, scope);
  }

  /**
   * The static type of a template text ({@code bare} false: text without templates is a string literal) or of an
   * expression ({@code bare} true). Throws {@link ExprException} with the offset of the offending token.
   */
  public static Type typeOf(String text, Type.RecordOf scope, boolean bare) {
    if (bare && !hasTemplate(text)) return TypeChecker.check(text, parseBare(text), scope);
    List<Part> parts = parts(text);
    if (parts.size() == 1 && parts.get(0).expr() != null) return check(text, parts.get(0), scope);
    for (Part p : parts) if (p.expr() != null) check(text, p, scope);
    return Type.STRING;
  }

  /** The outcome of checking a text: its type (null when it has errors) and one error per faulty expression. */
  public record Checked(Type type, List<ExprException> errors) {}

  /** Like {@link #typeOf}, but checks every template of the text and reports each faulty one. */
  public static Checked check(String text, Type.RecordOf scope, boolean bare) {
    List<Part> parts;
    try {
      if (bare && !hasTemplate(text)) return new Checked(typeOf(text, scope, true), List.of());
      parts = parts(text);
    } catch (ExprException e) {
      return new Checked(null, List.of(e));
    }
    List<ExprException> errors = new ArrayList<>();
    Type single = null;
    for (Part p : parts) {
      if (p.expr() == null) continue;
      try {
        single = check(text, p, scope);
      } catch (ExprException e) {
        errors.add(e);
      }
    }
    if (!errors.isEmpty()) return new Checked(null, List.copyOf(errors));
    return new Checked(parts.size() == 1 && parts.get(0).expr() != null ? single : Type.STRING, List.of());
  }

  /** Parses every expression in a text (syntax only). */
  public static void checkSyntax(String text, boolean bare) {
    if (bare && !hasTemplate(text)) parseBare(text);
    else parts(text);
  }

  private static Type check(String text, Part p, Type.RecordOf scope) {
    try {
      return TypeChecker.check(p.exprSource(), p.expr(), scope);
    } catch (ExprException e) {
      throw e.within(text, p.offset());
    }
  }

  private static Object renderString(String text, Map<String, Object> scope) {
    if (!hasTemplate(text)) return text;
    List<Part> parts = parts(text);
    if (parts.size() == 1 && parts.get(0).expr() != null) return eval(text, parts.get(0), scope);
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      b.append(p.expr() == null ? p.text() : Evaluator.text(eval(text, p, scope)));
      if (b.length() > Evaluator.MAX_STRING) {
        throw new ExprException("rendered text is longer than " + Evaluator.MAX_STRING + " characters", text, p.offset());
      }
    }
    return b.toString();
  }

  private static Object eval(String text, Part p, Map<String, Object> scope) {
    try {
      return Evaluator.eval(p.exprSource(), p.expr(), scope);
    } catch (ExprException e) {
      throw e.within(text, p.offset());
    }
  }

  private static Ast parseBare(String text) {
    String trimmed = text.strip();
    int lead = text.indexOf(trimmed.isEmpty() ? text : trimmed);
    try {
      return ExprParser.parse(trimmed);
    } catch (ExprException e) {
      throw e.within(text, Math.max(lead, 0));
    }
  }

  /** Splits a text into literal parts and parsed expressions; a surrounding blank is ignored for a lone template. */
  private static List<Part> parts(String text) {
    List<Part> cached = CACHE.get(text);
    if (cached != null) return cached;
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int open = text.indexOf(OPEN, i);
      if (open < 0) { parts.add(new Part(text.substring(i), null, null, i)); break; }
      if (open > i) parts.add(new Part(text.substring(i, open), null, null, i));
      int start = open + OPEN.length();
      int close = findClose(text, start);
      if (close < 0) throw new ExprException("'${{' is not closed with '}}'", text, open);
      String inner = text.substring(start, close);
      String trimmed = inner.strip();
      int lead = trimmed.isEmpty() ? 0 : inner.indexOf(trimmed);
      if (trimmed.isEmpty()) throw new ExprException("empty expression in '${{ }}'", text, open);
      Ast ast;
      try {
        ast = ExprParser.parse(trimmed);
      } catch (ExprException e) {
        throw e.within(text, start + lead);
      }
      parts.add(new Part(null, ast, trimmed, start + lead));
      i = close + CLOSE.length();
    }
    // "  ${{ x }}  " is still one typed value: blank text around a lone template is dropped.
    List<Part> exprs = parts.stream().filter(p -> p.expr() != null).toList();
    if (exprs.size() == 1 && parts.stream().allMatch(p -> p.expr() != null || p.text().isBlank())) parts = exprs;
    parts = List.copyOf(parts);
    if (CACHE.size() > CACHE_LIMIT) CACHE.clear();
    CACHE.put(text, parts);
    return parts;
  }

  /** The index of the "}}" closing a template, skipping quoted strings inside the expression. */
  private static int findClose(String text, int from) {
    char quote = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') i++;
        else if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (text.startsWith(CLOSE, i)) {
        return i;
      }
    }
    return -1;
  }
}

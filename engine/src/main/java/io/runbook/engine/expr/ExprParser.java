package io.runbook.engine.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the expression language. Precedence, lowest first: {@code ?:}, {@code ||},
 * {@code &&}, comparisons and {@code in}, {@code + -}, {@code * / %}, unary {@code ! -}, then member access,
 * index and calls. Identifiers may hold '-' between letters or digits ({@code steps.new-disk}); subtraction
 * needs spaces.
 */
final class ExprParser {
  static final int MAX_LENGTH = 4096;
  static final int MAX_DEPTH = 50;

  private final String src;
  private final List<Token> tokens;
  private int pos;
  private int depth;

  private record Token(Kind kind, String text, Object value, int at) {}

  private enum Kind { INT, DOUBLE, STRING, IDENT, OP, END }

  private ExprParser(String src) {
    this.src = src;
    this.tokens = lex(src);
  }

  static Ast parse(String src) {
    if (src.length() > MAX_LENGTH) {
      throw new ExprException("expression is longer than " + MAX_LENGTH + " characters", src, 0);
    }
    ExprParser p = new ExprParser(src);
    if (p.peek().kind == Kind.END) throw new ExprException("empty expression", src, 0);
    Ast ast = p.conditional();
    Token t = p.peek();
    if (t.kind != Kind.END) throw p.error("unexpected '" + t.text + "'", t.at);
    return ast;
  }

  private ExprException error(String message, int at) { return new ExprException(message, src, at); }

  private Token peek() { return tokens.get(pos); }

  private boolean isOp(String op) {
    Token t = peek();
    return t.kind == Kind.OP && t.text.equals(op);
  }

  private boolean accept(String op) {
    if (isOp(op)) { pos++; return true; }
    return false;
  }

  private Token expect(String op) {
    Token t = peek();
    if (!isOp(op)) {
      throw error("expected '" + op + "' but found " + (t.kind == Kind.END ? "the end" : "'" + t.text + "'"), t.at);
    }
    pos++;
    return t;
  }

  private void enter(int at) {
    if (++depth > MAX_DEPTH) throw error("expression is nested more than " + MAX_DEPTH + " levels deep", at);
  }

  private Ast conditional() {
    enter(peek().at);
    Ast c = or();
    if (isOp("?")) {
      int at = peek().at;
      pos++;
      Ast a = conditional();
      expect(":");
      Ast b = conditional();
      c = new Ast.Conditional(c, a, b, at);
    }
    depth--;
    return c;
  }

  private Ast or() {
    Ast l = and();
    while (isOp("||")) { int at = peek().at; pos++; l = new Ast.Binary("||", l, and(), at); }
    return l;
  }

  private Ast and() {
    Ast l = relation();
    while (isOp("&&")) { int at = peek().at; pos++; l = new Ast.Binary("&&", l, relation(), at); }
    return l;
  }

  private Ast relation() {
    Ast l = additive();
    while (true) {
      Token t = peek();
      boolean rel = t.kind == Kind.OP && List.of("<", "<=", ">", ">=", "==", "!=").contains(t.text);
      boolean in = t.kind == Kind.IDENT && t.text.equals("in");
      if (!rel && !in) return l;
      pos++;
      l = new Ast.Binary(t.text, l, additive(), t.at);
    }
  }

  private Ast additive() {
    Ast l = multiplicative();
    while (isOp("+") || isOp("-")) { Token t = tokens.get(pos++); l = new Ast.Binary(t.text, l, multiplicative(), t.at); }
    return l;
  }

  private Ast multiplicative() {
    Ast l = unary();
    while (isOp("*") || isOp("/") || isOp("%")) { Token t = tokens.get(pos++); l = new Ast.Binary(t.text, l, unary(), t.at); }
    return l;
  }

  private Ast unary() {
    if (isOp("!") || isOp("-")) {
      Token t = tokens.get(pos++);
      enter(t.at);
      Ast operand = unary();
      depth--;
      if (t.text.equals("-") && operand instanceof Ast.Literal lit && lit.value() instanceof Number n) {
        return new Ast.Literal(n instanceof Long l ? (Object) (-l) : (Object) (-n.doubleValue()), t.at);
      }
      return new Ast.Unary(t.text, operand, t.at);
    }
    return postfix(primary());
  }

  private Ast postfix(Ast target) {
    while (true) {
      if (isOp(".")) {
        pos++;
        Token name = peek();
        if (name.kind != Kind.IDENT) throw error("expected a field name after '.'", name.at);
        pos++;
        if (isOp("(")) {
          pos++;
          target = new Ast.Call(target, name.text, arguments(), name.at);
        } else {
          target = new Ast.Select(target, name.text, name.at);
        }
      } else if (isOp("[")) {
        int at = peek().at;
        pos++;
        Ast index = conditional();
        expect("]");
        target = new Ast.Index(target, index, at);
      } else {
        return target;
      }
    }
  }

  private List<Ast> arguments() {
    List<Ast> args = new ArrayList<>();
    if (accept(")")) return args;
    do { args.add(conditional()); } while (accept(","));
    expect(")");
    return args;
  }

  private Ast primary() {
    Token t = peek();
    switch (t.kind) {
      case INT, DOUBLE, STRING -> { pos++; return new Ast.Literal(t.value, t.at); }
      case IDENT -> {
        pos++;
        switch (t.text) {
          case "true": return new Ast.Literal(Boolean.TRUE, t.at);
          case "false": return new Ast.Literal(Boolean.FALSE, t.at);
          case "null": return new Ast.Literal(null, t.at);
          case "in": throw error("unexpected 'in'", t.at);
          default: break;
        }
        if (isOp("(")) { pos++; return new Ast.Call(null, t.text, arguments(), t.at); }
        return new Ast.Ident(t.text, t.at);
      }
      case OP -> {
        if (t.text.equals("(")) {
          pos++;
          Ast inner = conditional();
          expect(")");
          return inner;
        }
        if (t.text.equals("[")) {
          pos++;
          List<Ast> items = new ArrayList<>();
          if (!accept("]")) {
            do { items.add(conditional()); } while (accept(","));
            expect("]");
          }
          return new Ast.ListLiteral(items, t.at);
        }
        throw error("unexpected '" + t.text + "'", t.at);
      }
      default -> throw error("expression ends too early", t.at);
    }
  }

  private static final List<String> OPS = List.of("&&", "||", "<=", ">=", "==", "!=", "<", ">", "!", "+", "-", "*",
      "/", "%", "?", ":", ".", ",", "(", ")", "[", "]");

  private static List<Token> lex(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) { i++; continue; }
      int start = i;
      if (Character.isDigit(c)) {
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        boolean dbl = false;
        if (i + 1 < s.length() && s.charAt(i) == '.' && Character.isDigit(s.charAt(i + 1))) {
          dbl = true;
          i++;
          while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
          int j = i + 1;
          if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) j++;
          if (j < s.length() && Character.isDigit(s.charAt(j))) {
            dbl = true;
            i = j;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
          }
        }
        String text = s.substring(start, i);
        if (i < s.length() && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')) {
          throw new ExprException("malformed number '" + text + s.charAt(i) + "'", s, start);
        }
        try {
          out.add(dbl ? new Token(Kind.DOUBLE, text, Double.parseDouble(text), start)
              : new Token(Kind.INT, text, Long.parseLong(text), start));
        } catch (NumberFormatException e) {
          throw new ExprException("number '" + text + "' is too large", s, start);
        }
      } else if (Character.isLetter(c) || c == '_') {
        i++;
        while (i < s.length()) {
          char d = s.charAt(i);
          if (Character.isLetterOrDigit(d) || d == '_') {
            i++;
          } else if (d == '-' && i + 1 < s.length() && (Character.isLetterOrDigit(s.charAt(i + 1)) || s.charAt(i + 1) == '_')) {
            i += 2; // a '-' glued between letters/digits belongs to the name: steps.new-disk
          } else {
            break;
          }
        }
        out.add(new Token(Kind.IDENT, s.substring(start, i), null, start));
      } else if (c == '\'' || c == '"') {
        StringBuilder b = new StringBuilder();
        i++;
        boolean closed = false;
        while (i < s.length()) {
          char d = s.charAt(i);
          if (d == c) { closed = true; i++; break; }
          if (d == '\\') {
            if (i + 1 >= s.length()) break;
            char e = s.charAt(i + 1);
            switch (e) {
              case 'n' -> b.append('\n');
              case 't' -> b.append('\t');
              case 'r' -> b.append('\r');
              case '\\', '\'', '"' -> b.append(e);
              default -> throw new ExprException("unknown escape '\\" + e + "' in a string", s, i);
            }
            i += 2;
          } else {
            b.append(d);
            i++;
          }
        }
        if (!closed) throw new ExprException("string is not closed (missing " + c + ")", s, start);
        out.add(new Token(Kind.STRING, s.substring(start, i), b.toString(), start));
      } else {
        String op = null;
        for (String o : OPS) {
          if (s.startsWith(o, i)) { op = o; break; }
        }
        if (op == null) {
          String hint = c == '=' ? " (write == to compare)" : c == '&' ? " (write &&)" : c == '|' ? " (write ||)" : "";
          throw new ExprException("unexpected character '" + c + "'" + hint, s, i);
        }
        out.add(new Token(Kind.OP, op, null, i));
        i += op.length();
      }
    }
    out.add(new Token(Kind.END, "", null, s.length()));
    return out;
  }
}

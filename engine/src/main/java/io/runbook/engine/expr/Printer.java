package io.runbook.engine.expr;

import java.util.stream.Collectors;

/** Prints a syntax tree back as source text, for messages that name a path like {@code steps.pick}. */
final class Printer {
  private Printer() {}

  static String print(Ast ast) {
    if (ast instanceof Ast.Literal l) {
      return l.value() instanceof String s ? "'" + s.replace("'", "\\'") + "'" : String.valueOf(l.value());
    }
    if (ast instanceof Ast.ListLiteral l) {
      return l.items().stream().map(Printer::print).collect(Collectors.joining(", ", "[", "]"));
    }
    if (ast instanceof Ast.Ident i) return i.name();
    if (ast instanceof Ast.Select s) return print(s.target()) + "." + s.field();
    if (ast instanceof Ast.Index i) return print(i.target()) + "[" + print(i.index()) + "]";
    if (ast instanceof Ast.Unary u) return u.op() + print(u.operand());
    if (ast instanceof Ast.Binary b) return print(b.left()) + " " + b.op() + " " + print(b.right());
    if (ast instanceof Ast.Conditional c) {
      return print(c.condition()) + " ? " + print(c.then()) + " : " + print(c.otherwise());
    }
    Ast.Call c = (Ast.Call) ast;
    return (c.receiver() == null ? "" : print(c.receiver()) + ".") + c.function()
        + c.args().stream().map(Printer::print).collect(Collectors.joining(", ", "(", ")"));
  }
}

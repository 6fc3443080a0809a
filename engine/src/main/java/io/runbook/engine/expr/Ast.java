package io.runbook.engine.expr;

import java.util.List;

/** The syntax tree of an expression; {@code at} is the offset of the node's token in the expression text. */
sealed interface Ast {
  int at();

  record Literal(Object value, int at) implements Ast {}

  record ListLiteral(List<Ast> items, int at) implements Ast {}

  record Ident(String name, int at) implements Ast {}

  /** {@code target.field}; {@code at} points at the field name. */
  record Select(Ast target, String field, int at) implements Ast {}

  record Index(Ast target, Ast index, int at) implements Ast {}

  /** A function call {@code f(args)} ({@code receiver} null) or a method call {@code receiver.f(args)}. */
  record Call(Ast receiver, String function, List<Ast> args, int at) implements Ast {}

  record Unary(String op, Ast operand, int at) implements Ast {}

  record Binary(String op, Ast left, Ast right, int at) implements Ast {}

  record Conditional(Ast condition, Ast then, Ast otherwise, int at) implements Ast {}
}

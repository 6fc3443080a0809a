package io.runbook.engine.expr;

/**
 * An expression or template is malformed, ill-typed, or failed to evaluate. {@link #offset()} is the position of
 * the offending token inside the source text given to {@link Templates} (-1 when unknown), so the validator can
 * point at the exact column inside a YAML scalar.
 */
public class ExprException extends RuntimeException {
  private final String source;
  private final int offset;
  private final String reason;

  public ExprException(String reason, String source, int offset) {
    super("in '" + source + "': " + reason);
    this.reason = reason;
    this.source = source;
    this.offset = offset;
  }

  /** The problem without the expression text. */
  public String reason() { return reason; }

  /** The expression or template text the problem is in. */
  public String source() { return source; }

  /** Offset of the offending token in {@link #source()}, or -1. */
  public int offset() { return offset; }

  /** The same problem, re-anchored in an enclosing text that starts {@code shift} characters earlier. */
  ExprException within(String outer, int shift) {
    return new ExprException(reason, outer, offset < 0 ? -1 : offset + shift);
  }
}

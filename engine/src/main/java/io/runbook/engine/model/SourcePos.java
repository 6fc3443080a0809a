package io.runbook.engine.model;

/** A place in a source file, 1-based, printed as {@code file:line:col}. */
public record SourcePos(String file, int line, int col) {
  public static final SourcePos UNKNOWN = new SourcePos("<unknown>", 0, 0);

  @Override
  public String toString() { return file + ":" + line + ":" + col; }
}

package io.runbook.engine.model;

/**
 * A place in a source file, 1-based, printed as {@code file:line:col}. Line 0 is no line: a whole file (it cannot be
 * read), or a source that is not a file ({@link #COMMAND_LINE}); it prints as the source alone.
 */
public record SourcePos(String file, int line, int col) {
  public static final SourcePos UNKNOWN = new SourcePos("<unknown>", 0, 0);
  /** Where -p values come from, and where a required parameter nobody gave is missing. */
  public static final SourcePos COMMAND_LINE = new SourcePos("command line", 0, 0);

  @Override
  public String toString() { return line <= 0 ? file : file + ":" + line + ":" + col; }
}

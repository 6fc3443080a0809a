package io.runbook.steps.binlog;

/** A binlog file cannot be used as they are (corrupt, encrypted, compressed, a gap, a GTID not found); the message says what to do. */
public final class BinlogException extends Exception {
  private final String hint;

  public BinlogException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() { return hint; }
}

package io.runbook.engine.spi;

/** Where a step reports what it is doing. Everything written here is redacted before it reaches console, log or journal. */
public interface StepLog {
  void info(String message);
  void warn(String message);
  /** One line of a command's live output (stdout or stderr). */
  void output(String line);
  /** A progress line for a long operation (replaces the previous one on a terminal). */
  void progress(String message);

  /** A log that drops everything; for tests of pure logic. */
  StepLog NONE = new StepLog() {
    public void info(String m) {}
    public void warn(String m) {}
    public void output(String l) {}
    public void progress(String m) {}
  };
}

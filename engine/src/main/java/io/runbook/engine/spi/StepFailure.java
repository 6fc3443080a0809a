package io.runbook.engine.spi;

/**
 * A step failed in a way the operator can act on. The message says what failed and where;
 * {@code hint} says what to try next. Only retryable failures are retried by {@code retry:}.
 */
public class StepFailure extends Exception {
  private final boolean retryable;
  private final String hint;

  public StepFailure(String message, boolean retryable, String hint, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.hint = hint;
  }

  public StepFailure(String message) { this(message, false, null, null); }

  public static StepFailure fatal(String message) { return new StepFailure(message, false, null, null); }
  public static StepFailure fatal(String message, String hint) { return new StepFailure(message, false, hint, null); }
  public static StepFailure retryable(String message) { return new StepFailure(message, true, null, null); }
  public static StepFailure retryable(String message, Throwable cause) { return new StepFailure(message, true, null, cause); }

  public boolean retryable() { return retryable; }
  public String hint() { return hint; }
}

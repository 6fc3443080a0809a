package io.runbook.engine.run;

/** The run cannot go on: why (status and message) and what the operator can do next (hint). */
public final class RunStopped extends Exception {
  private final RunStatus status;
  private final String hint;

  public RunStopped(RunStatus status, String message, String hint) {
    super(message, null, false, false);
    this.status = status;
    this.hint = hint;
  }

  public RunStatus status() { return status; }

  public String hint() { return hint; }
}

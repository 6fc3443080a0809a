package io.runbook.engine.run;

/** How a run ended, and the process exit code that says so. */
public enum RunStatus {
  SUCCEEDED(0),
  /** A step failed. */
  FAILED(1),
  /** The runbook, inventory or parameters are invalid, or the run was refused before anything ran. */
  INVALID(2),
  /** A precondition ({@code require}) was false. */
  PRECONDITION_FALSE(3),
  /** Waiting for an operator's decision: an approval, or an in-doubt step after a crash. */
  WAITING(4),
  /** Stopped by Ctrl-C (or SIGTERM); the journal is closed and the run can be resumed. */
  INTERRUPTED(130);

  private final int exitCode;

  RunStatus(int exitCode) { this.exitCode = exitCode; }

  public int exitCode() { return exitCode; }

  /** The name written in the journal: succeeded, failed, ... */
  public String label() { return name().toLowerCase().replace('_', '-'); }
}

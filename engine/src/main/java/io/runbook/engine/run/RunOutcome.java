package io.runbook.engine.run;

import java.nio.file.Path;

/** The end of a run: its id and folder (null when refused before it started), status, and what to do next. */
public record RunOutcome(String runId, Path runDir, RunStatus status, String message, String hint) {
  public int exitCode() { return status.exitCode(); }

  public static RunOutcome refused(String message, String hint) {
    return new RunOutcome(null, null, RunStatus.INVALID, message, hint);
  }
}

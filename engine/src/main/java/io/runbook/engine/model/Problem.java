package io.runbook.engine.model;

/** One validation problem: where it is and what to do about it. */
public record Problem(SourcePos pos, String message) {
  @Override
  public String toString() { return pos + ": " + message; }
}

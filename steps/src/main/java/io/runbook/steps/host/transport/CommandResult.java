package io.runbook.steps.host.transport;

/** How a command ended: exit code and its captured output (each capped; {@code truncated} says so). */
public record CommandResult(int exitCode, String stdout, String stderr, boolean truncated) {
  public boolean ok() { return exitCode == 0; }
}

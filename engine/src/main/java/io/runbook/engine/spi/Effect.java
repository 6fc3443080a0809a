package io.runbook.engine.spi;

/** What a step does to the world; plan mode only executes {@link #READS} steps. */
public enum Effect {
  /** Only looks: safe to run during a dry-run plan. */
  READS,
  /** Changes state that can be changed back. */
  CHANGES,
  /** Removes data, history or a running service: asks for confirmation unless --yes. */
  DESTROYS
}

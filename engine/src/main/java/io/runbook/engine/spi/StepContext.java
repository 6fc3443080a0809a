package io.runbook.engine.spi;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.secret.SecretRef;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** What a running step may use: the inventory, its target host, secrets, the log, per-run shared clients. */
public interface StepContext {
  /** Whether the step is running for real or being planned (dry-run). */
  enum Mode { RUN, PLAN }

  String runId();

  Instant runStartedAt();

  /** The id of the step being run, with foreach items as {@code id[2]}. */
  String stepId();

  Mode mode();

  /** The inventory of this run; {@link Inventory#EMPTY} when the runbook needs none. */
  Inventory inventory();

  /** The host named in {@code on:}, if any. */
  Optional<Host> target();

  /** The target host, or a failure naming the step that lacks {@code on:}. */
  default Host requireTarget() throws StepFailure {
    return target().orElseThrow(() -> StepFailure.fatal("step " + stepId() + " needs a host: add `on: <host>`"));
  }

  /** An inventory host by name, or a failure naming the unknown host and the known ones. */
  Host host(String name) throws StepFailure;

  /** Resolves a secret reference; the value is registered so it is redacted from every output from now on. */
  String secret(SecretRef ref) throws StepFailure;

  /**
   * Whether {@code text} holds a secret this run resolved, or a piece of one: for a message built from text that a
   * server echoes back (a statement cut short in a SQL error), to withhold that text rather than show a piece.
   */
  default boolean holdsSecret(String text) { return false; }

  StepLog log();

  /**
   * A client shared by all steps of this run under {@code key} (an SSH session, a JDBC pool, a cloud client),
   * opened on first use and closed when the run ends.
   */
  <T extends AutoCloseable> T shared(String key, Supplier<T> open);

  /** This run's folder (journal, log, scratch files). */
  Path runDir();

  /** The operator passed --yes: destructive steps have been confirmed. */
  boolean confirmed();

  /** When the step's {@code timeout:} runs out, if it has one. Long waits must stop by then. */
  Optional<Instant> deadline();

  /**
   * Asks the operator a question on the terminal and returns the typed line; empty when the run has no
   * terminal (then a gate throws {@link AwaitingOperator}).
   */
  default Optional<String> ask(String prompt) { return Optional.empty(); }

  /** The operator approved this step ahead of time ({@code runbook resume RUN --approve STEP}). */
  default boolean approved() { return false; }
}

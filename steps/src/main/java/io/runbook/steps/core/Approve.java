package io.runbook.steps.core;

import io.runbook.engine.spi.AwaitingOperator;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.time.Instant;
import java.util.Optional;

/**
 * An operator gate: shows a message and waits for the operator to type the confirmation word. A run without
 * a terminal stops here (exit 4) and is continued by {@code runbook resume RUN --approve STEP}; a run started
 * (or resumed) with {@code --yes} passes the gate, the message still logged.
 */
@Doc("Wait for an operator to approve (type a word on the terminal, resume --approve, or --yes in advance)")
public final class Approve implements StepType<Approve.Input, Approve.Output> {
  public record Input(
      @Doc("What the operator is approving, and what to check first") String message,
      @Doc(value = "The word to type", defaultValue = "approve") Optional<String> word) {}

  @Doc("Who approved, and when")
  public record Output(
      @Doc("How it was approved: terminal or resume, with the user name") String approvedBy,
      @Doc("When") Instant at) {}

  @Override public String name() { return "core.approve"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  // Not READS: a dry-run must not stop to ask. Asking twice is harmless, so it is idempotent.
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return Plan.waitFor("operator", "approval: " + in.message() + " (type " + word(in) + ")");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    String user = System.getProperty("user.name", "?");
    if (ctx.approved()) {
      ctx.log().info("approved with resume --approve: " + in.message());
      return new Output("resume by " + user, Instant.now());
    }
    if (ctx.confirmed()) {
      // --yes is the operator approving in advance everything the run asks (confirmations and gates alike).
      ctx.log().info("approved in advance with --yes: " + in.message());
      return new Output("--yes by " + user, Instant.now());
    }
    ctx.log().info("approval needed: " + in.message());
    Optional<String> typed = ctx.ask("Type '" + word(in) + "' to approve " + ctx.stepId() + ": ");
    if (typed.isEmpty()) {
      throw new AwaitingOperator("step " + ctx.stepId() + " waits for approval: " + in.message(),
          "when approved: runbook resume " + ctx.runId() + " --approve " + ctx.stepId());
    }
    if (!typed.get().equals(word(in))) {
      throw StepFailure.fatal("step " + ctx.stepId() + " was not approved (the operator typed something else)",
          "resume the run to be asked again: runbook resume " + ctx.runId());
    }
    return new Output("terminal by " + user, Instant.now());
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) { return Reconciled.notDone(); }

  private static String word(Input in) { return in.word().orElse("approve"); }
}

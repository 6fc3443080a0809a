package io.runbook.steps.core;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.Optional;

/** Fails the run with a message when a condition is false (a check in the middle of a runbook). */
@Doc("Fail with a message when a condition is false")
public final class Assert implements StepType<Assert.Input, Assert.Output> {
  public record Input(
      @Doc("The condition, usually an expression: ${{ steps.check.exitCode == 0 }}") boolean that,
      @Doc("What is wrong when the condition is false") Optional<String> message) {}

  @Doc("Nothing: the step only checks")
  public record Output() {}

  @Override public String name() { return "core.assert"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return Plan.note("check: " + in.message().orElse("condition") + " (currently " + in.that() + ")");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    if (!in.that()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": assertion failed: " + in.message().orElse("the condition is false"));
    }
    return new Output();
  }
}

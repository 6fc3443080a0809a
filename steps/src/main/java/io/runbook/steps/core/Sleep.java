package io.runbook.steps.core;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import java.time.Duration;

/** Waits for a while (e.g. to let a replica catch up before a check). Interrupted by Ctrl-C and by its timeout. */
@Doc("Wait for a duration")
public final class Sleep implements StepType<Sleep.Input, Sleep.Output> {
  public record Input(@Doc("How long to wait, e.g. 500ms, 30s, 5m") Duration duration) {}

  @Doc("Nothing: the step only waits")
  public record Output() {}

  @Override public String name() { return "core.sleep"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }

  @Override
  public Plan plan(Input in, StepContext ctx) { return Plan.waitFor("local", "sleep " + Durations.format(in.duration())); }

  @Override
  public Output run(Input in, StepContext ctx) throws InterruptedException {
    Thread.sleep(Math.max(0, in.duration().toMillis()));
    return new Output();
  }
}

package io.runbook.steps.core;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import java.util.Optional;

/** Writes a message to the run's log (console and run.log), redacted like everything else. */
@Doc("Write a message to the run log")
public final class Log implements StepType<Log.Input, Log.Output> {
  /** How loud a message is. */
  public enum Level { INFO, WARN }

  public record Input(
      @Doc("The message; may hold ${{ }} expressions") String message,
      @Doc(value = "INFO or WARN", defaultValue = "INFO") Optional<Level> level) {}

  @Doc("Nothing: the step only writes")
  public record Output() {}

  @Override public String name() { return "core.log"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }

  @Override
  public Plan plan(Input in, StepContext ctx) { return Plan.note("log: " + in.message()); }

  @Override
  public Output run(Input in, StepContext ctx) {
    if (in.level().orElse(Level.INFO) == Level.WARN) ctx.log().warn(in.message());
    else ctx.log().info(in.message());
    return new Output();
  }
}

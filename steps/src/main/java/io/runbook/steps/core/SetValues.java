package io.runbook.steps.core;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names values computed from expressions, so later steps can refer to them as {@code steps.<id>.values.<name>}. */
@Doc("Name values computed from expressions; later steps read steps.<id>.values.<name>")
public final class SetValues implements StepType<SetValues.Input, SetValues.Output> {
  public record Input(@Doc("Names and their values; values may be ${{ }} expressions") Map<String, Object> values) {}

  @Doc("The named values")
  public record Output(@Doc("The values by name") Map<String, Object> values) {}

  @Override public String name() { return "core.set"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }

  @Override
  public Plan plan(Input in, StepContext ctx) { return Plan.note("set " + String.join(", ", in.values().keySet())); }

  @Override
  public Output predict(Input in, StepContext ctx) { return new Output(new LinkedHashMap<>(in.values())); }

  @Override
  public Output run(Input in, StepContext ctx) { return new Output(new LinkedHashMap<>(in.values())); }
}

package io.runbook.engine.testtypes;

import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import java.util.List;
import java.util.Optional;

/** Test-only: writes a message; the registry of all test types lives here. */
@Doc("Write a message")
public final class Note implements StepType<Note.Input, Note.Output> {
  public record Input(@Doc("the message") String message, @Doc("tags") Optional<List<String>> tags,
                      @Doc("repeat") Optional<Integer> times) {}

  public record Output(String printed, int length) {}

  public String name() { return "test.note"; }
  public Class<Input> inputType() { return Input.class; }
  public Class<Output> outputType() { return Output.class; }
  public Effect effect() { return Effect.READS; }
  public Plan plan(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }
  public Output run(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }

  /** All test step types. */
  public static StepRegistry registry() {
    return StepRegistry.ofTypes(new Note(), new FindSnapshot(), new AttachDisk(), new DbState(), new CheckLogin(), new Touch());
  }
}

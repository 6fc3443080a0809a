package io.runbook.engine.testtypes;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Test-only: finds the newest snapshot of a disk at or before a time. */
@Doc("Find the newest snapshot of a disk at or before a time")
public final class FindSnapshot implements StepType<FindSnapshot.Input, FindSnapshot.Output> {
  public record Input(@Doc("disk name") String disk, @Doc("newest at or before") Instant atOrBefore,
                      @Doc("resource group") Optional<String> resourceGroup, @Doc("max age") Optional<java.time.Duration> maxAge) {}

  public record Output(String snapshot, Instant createdAt, long sizeGb, List<String> tags, Optional<String> note) {}

  public String name() { return "test.snapshot.find"; }
  public Class<Input> inputType() { return Input.class; }
  public Class<Output> outputType() { return Output.class; }
  public Effect effect() { return Effect.READS; }
  public boolean needsCloud() { return true; }
  public Plan plan(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }
  public Output run(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }
}

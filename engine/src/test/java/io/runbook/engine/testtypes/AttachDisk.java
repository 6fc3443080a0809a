package io.runbook.engine.testtypes;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import java.util.Optional;

/** Test-only: attaches a disk to the host's VM at a LUN. */
@Doc("Attach a disk to a VM")
public final class AttachDisk implements StepType<AttachDisk.Input, AttachDisk.Output> {
  public record Input(@Doc("disk name") String disk, @Doc("LUN") int lun,
                      @Doc("detach what is there first") Optional<Boolean> replaceExisting) {}

  public record Output(String device, int lun) {}

  public String name() { return "test.vm.attach-disk"; }
  public Class<Input> inputType() { return Input.class; }
  public Class<Output> outputType() { return Output.class; }
  public Effect effect() { return Effect.CHANGES; }
  public boolean needsHost() { return true; }
  public Plan plan(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }
  public Output run(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }
}

package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.AttachedDisk;
import io.runbook.steps.cloud.CloudProvider.Vm;
import java.util.Optional;

/**
 * Detaches the disk at a LUN of the {@code on:} host's VM (the disk itself is kept). With {@code expectDisk} it
 * refuses, before any change, when another disk sits at that LUN (a part run on its own, an estate changed by hand):
 * a LUN says where, not which disk. An empty LUN stays fine either way, so a resumed run whose detach happened goes on.
 */
@Doc("Detach the disk at a LUN of the host's VM; the disk is kept and its id output")
public final class DetachDisk implements StepType<DetachDisk.Input, DetachDisk.Output> {

  @Doc("Which LUN")
  public record Input(
      @Doc("LUN to empty") int lun,
      @Doc("The disk (name or id) meant to be at that LUN: any other disk there is refused before anything changes;"
          + " an empty LUN is still fine (already detached)") Optional<String> expectDisk) {}

  @Doc("What was detached")
  public record Output(
      @Doc("VM name") String vm,
      @Doc("LUN") int lun,
      @Doc("Name of the detached disk, or null when the LUN was already empty") String disk,
      @Doc("Resource id of the detached disk, or null") String diskId) {}

  @Override public String name() { return "cloud.vm.detach-disk"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }
  @Override public boolean needsCloud() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      String vm = ctx.requireTarget().vmName();
      CloudPlanner p = CloudProviders.planner(ctx);
      Plan plan = p.getVm(vm);
      if (in.expectDisk().isPresent()) {
        plan = plan.then(Plan.note("refuses unless the disk at LUN " + in.lun() + " of VM " + vm + " is "
            + in.expectDisk().get() + " (an empty LUN is fine: already detached)"));
      }
      return plan.then(p.detachDisk(vm, in.expectDisk().orElse(null), in.lun()));
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    CloudProvider cloud = CloudProviders.open(ctx);
    Vm vm = cloud.vm(ctx.requireTarget().vmName());
    Optional<AttachedDisk> at = vm.atLun(in.lun());
    if (at.isEmpty()) {
      ctx.log().warn("LUN " + in.lun() + " of VM " + vm.name() + " is already empty; nothing to detach");
      return new Output(vm.name(), in.lun(), null, null);
    }
    if (in.expectDisk().isPresent() && !ExpectedDisk.holds(at.get(), in.expectDisk().get())) {
      throw ExpectedDisk.refusal(ctx, vm, at.get(), in.expectDisk().get());
    }
    cloud.detachDisk(vm, at.get(), ctx);
    return new Output(vm.name(), in.lun(), at.get().diskName(), at.get().diskId());
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      Vm vm = CloudProviders.open(ctx).vm(ctx.requireTarget().vmName());
      if (vm.atLun(in.lun()).isPresent()) return Reconciled.notDone();
      return new Reconciled<>(Reconciled.Status.DONE, new Output(vm.name(), in.lun(), null, null),
          "LUN " + in.lun() + " is empty; which disk was detached is not known after the crash");
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }
}

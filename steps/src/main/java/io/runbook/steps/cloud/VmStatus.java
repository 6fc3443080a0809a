package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.AttachedDisk;
import io.runbook.steps.cloud.CloudProvider.Vm;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@code on:} host's VM: power state, placement and data disks by LUN. With {@code lun} it also names the
 * disk at that LUN, so a runbook can compare it with the inventory's (expressions cannot search a list). With
 * {@code expectDisk} it also refuses another disk there: a check in the step, not a {@code require:} on its outputs,
 * because a resume re-reads a failed step but restores a finished one's outputs from the journal.
 */
@Doc("Read the host's VM: power state, region, zone and data disks by LUN")
public final class VmStatus implements StepType<VmStatus.Input, VmStatus.Output> {

  @Doc("The VM is the `on:` host's")
  public record Input(
      @Doc("A LUN to report on: the disk attached there is output as lunDisk and lunDiskId") Optional<Integer> lun,
      @Doc("With lun: the disk (name or id) meant to be at that LUN; the step fails when another disk is there (an"
          + " empty LUN passes), so a runbook refuses before it changes anything. A failed step reads again on resume")
          Optional<String> expectDisk) {}

  @Doc("A data disk slot")
  public record DataDisk(@Doc("LUN") int lun, @Doc("Disk name") String disk, @Doc("Disk resource id") String diskId) {}

  @Doc("The VM")
  public record Output(
      @Doc("VM name") String vm,
      @Doc("VM resource id") String vmId,
      @Doc("running, stopped, deallocated, starting, stopping, deallocating or unknown") String powerState,
      @Doc("Whether it is running") boolean running,
      @Doc("Provisioning state") String provisioningState,
      @Doc("Region") String location,
      @Doc("Availability zone, or null") String zone,
      @Doc("Data disks by LUN") List<DataDisk> dataDisks,
      @Doc("Name of the disk attached at `lun`, or null (no `lun` given, or nothing attached there)") String lunDisk,
      @Doc("Resource id of that disk, or null") String lunDiskId) {

    static Output of(Vm vm, Optional<Integer> lun) {
      Optional<AttachedDisk> at = lun.flatMap(vm::atLun);
      return new Output(vm.name(), vm.id(), vm.powerState(), "running".equals(vm.powerState()), vm.provisioningState(),
          vm.location(), vm.zone(), vm.dataDisks().stream().map(d -> new DataDisk(d.lun(), d.diskName(), d.diskId())).toList(),
          at.map(AttachedDisk::diskName).orElse(null), at.map(AttachedDisk::diskId).orElse(null));
    }
  }

  @Override public String name() { return "cloud.vm.status"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }
  @Override public boolean needsCloud() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      String vm = ctx.requireTarget().vmName();
      Plan plan = CloudProviders.planner(ctx).getVm(vm);
      if (in.expectDisk().isEmpty()) return plan;
      return plan.then(Plan.note("fails unless the disk at LUN " + in.lun().map(String::valueOf).orElse("?") + " of VM "
          + vm + " is " + in.expectDisk().get() + " (an empty LUN passes)"));
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    if (in.expectDisk().isPresent() && in.lun().isEmpty()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": expectDisk needs lun (which LUN it is expected at)",
          "add `lun:` to the step's with:");
    }
    Vm vm = CloudProviders.open(ctx).vm(ctx.requireTarget().vmName());
    Optional<AttachedDisk> at = in.lun().flatMap(vm::atLun);
    if (at.isPresent() && in.expectDisk().isPresent() && !ExpectedDisk.holds(at.get(), in.expectDisk().get())) {
      throw ExpectedDisk.refusal(ctx, vm, at.get(), in.expectDisk().get());
    }
    return Output.of(vm, in.lun());
  }
}

package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.AttachedDisk;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.Vm;
import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Attaches a disk to the {@code on:} host's VM at a LUN, host caching off. With {@code replaceExisting} it first
 * detaches whatever sits at that LUN and outputs its id, so the runbook can keep or delete it.
 */
@Doc("Attach a disk to the host's VM at a LUN (caching None); replaceExisting swaps out the disk there")
public final class AttachDisk implements StepType<AttachDisk.Input, AttachDisk.Output> {

  @Doc("Which disk, where")
  public record Input(
      @Doc("Disk name or id") String disk,
      @Doc("LUN to attach it at") int lun,
      @Doc(value = "Detach the disk at that LUN first", defaultValue = "false") Optional<Boolean> replaceExisting) {}

  @Doc("What is attached now")
  public record Output(
      @Doc("VM name") String vm,
      @Doc("Disk name") String disk,
      @Doc("Disk resource id") String diskId,
      @Doc("LUN") int lun,
      @Doc("Name of the disk this step detached from that LUN (in this attempt or an earlier one of the run), or null")
          String replacedDisk,
      @Doc("Resource id of that disk, or null") String replacedDiskId) {}

  @Override public String name() { return "cloud.vm.attach-disk"; }
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
      Plan plan = p.getVm(vm).then(p.getDisk(in.disk()));
      if (in.replaceExisting().orElse(false)) {
        // Which disk sits at the LUN is read at run time; the inventory's disk at that LUN is the expected one.
        Host h = ctx.requireTarget();
        String expected = Stream.of(h.dataDisk(), h.backupDisk()).flatMap(Optional::stream)
            .filter(d -> d.lun() == in.lun()).map(DiskSpec::name).findFirst().orElse(null);
        plan = plan.then(p.detachDisk(vm, expected, in.lun()));
      }
      return plan.then(p.attachDisk(vm, in.disk(), in.lun()));
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    CloudProvider cloud = CloudProviders.open(ctx);
    Vm vm = cloud.vm(ctx.requireTarget().vmName());
    Disk disk = cloud.findDisk(in.disk()).orElseThrow(() -> StepFailure.fatal(
        "step " + ctx.stepId() + ": disk " + in.disk() + " not found", "check the disk name and cloud.resourceGroup"));
    Optional<AttachedDisk> atLun = vm.atLun(in.lun());
    // what an earlier attempt of this step detached (the LUN no longer says), so the outputs name it on a retry too
    Optional<String[]> detachedBefore = detachedEarlier(ctx);
    if (atLun.isPresent() && disk.id().equalsIgnoreCase(atLun.get().diskId())) {
      ctx.log().info("disk " + disk.name() + " is already at LUN " + in.lun() + " of VM " + vm.name());
      return new Output(vm.name(), disk.name(), disk.id(), in.lun(), detachedBefore.map(n -> n[0]).orElse(null),
          detachedBefore.map(n -> n[1]).orElse(null));
    }
    if (disk.attached()) {
      boolean here = disk.attachedTo().equalsIgnoreCase(vm.id());
      throw StepFailure.fatal("step " + ctx.stepId() + ": disk " + disk.name() + " is attached to "
              + (here ? "this VM at another LUN" : "another VM: " + disk.attachedTo()) + "; refusing to attach it to "
              + vm.name() + " at LUN " + in.lun(),
          "detach it there first (cloud.vm.detach-disk on that host) if it really should move");
    }
    if (disk.zone() != null && vm.zone() != null && !disk.zone().equals(vm.zone())) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": disk " + disk.name() + " is in zone " + disk.zone() + " but VM "
              + vm.name() + " is in zone " + vm.zone() + "; a zonal disk attaches only to a VM in its zone",
          "make the disk next to this VM (cloud.disk.from-snapshot with `on:` this host)");
    }
    String replaced = detachedBefore.map(n -> n[0]).orElse(null);
    String replacedId = detachedBefore.map(n -> n[1]).orElse(null);
    if (atLun.isPresent()) {
      if (!in.replaceExisting().orElse(false)) {
        throw StepFailure.fatal("step " + ctx.stepId() + ": LUN " + in.lun() + " of VM " + vm.name() + " holds disk "
            + atLun.get().diskName(), "set `replaceExisting: true` to detach it first, or use another LUN");
      }
      ctx.log().info("detaching " + atLun.get().diskName() + " from LUN " + in.lun() + " of VM " + vm.name());
      replacedNote(ctx).write(atLun.get().diskName() + " " + atLun.get().diskId());
      vm = cloud.detachDisk(vm, atLun.get(), ctx);
      replaced = atLun.get().diskName();
      replacedId = atLun.get().diskId();
    }
    cloud.attachDisk(vm, disk, in.lun(), ctx);
    return new Output(vm.name(), disk.name(), disk.id(), in.lun(), replaced, replacedId);
  }

  /** Where this step notes the disk it is about to detach: "name id". */
  private static StepNote replacedNote(StepContext ctx) { return StepNote.of(ctx, "replaced", "disk"); }

  /** Name and id of the disk an earlier attempt of this step of this run detached from the LUN, if any. */
  private static Optional<String[]> detachedEarlier(StepContext ctx) {
    return replacedNote(ctx).read().map(n -> n.split(" ", 2)).filter(n -> n.length == 2);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      CloudProvider cloud = CloudProviders.open(ctx);
      Vm vm = cloud.vm(ctx.requireTarget().vmName());
      Optional<Disk> disk = cloud.findDisk(in.disk());
      Optional<AttachedDisk> atLun = vm.atLun(in.lun());
      if (disk.isPresent() && atLun.isPresent() && disk.get().id().equalsIgnoreCase(atLun.get().diskId())) {
        Optional<String[]> detached = detachedEarlier(ctx);
        return Reconciled.done(new Output(vm.name(), disk.get().name(), disk.get().id(), in.lun(),
            detached.map(n -> n[0]).orElse(null), detached.map(n -> n[1]).orElse(null)));
      }
      return Reconciled.notDone();
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }
}

package io.runbook.steps.cloud;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.steps.cloud.CloudProvider.Vm;
import java.util.Optional;

/** Creates a managed disk from a snapshot, in the region and zone of the {@code on:} host's VM. Idempotent by name. */
@Doc("Create a managed disk from a snapshot next to the host's VM (same region and zone), tagged with the run")
public final class CreateDiskFromSnapshot implements StepType<CreateDiskFromSnapshot.Input, CreateDiskFromSnapshot.Output> {

  @Doc("Which snapshot, and the new disk")
  public record Input(
      @Doc("Snapshot name or id") String snapshot,
      @Doc("Name of the new disk") String name,
      @Doc(value = "Disk SKU", defaultValue = "the host's dataDisk.sku, else Premium_LRS") Optional<String> sku) {}

  @Doc("The new disk")
  public record Output(
      @Doc("Disk name") String disk,
      @Doc("Disk resource id") String diskId,
      @Doc("Region") String location,
      @Doc("Availability zone, or null") String zone,
      @Doc("SKU") String sku,
      @Doc("Resource id of the snapshot it was made from") String snapshotId) {}

  @Override public String name() { return "cloud.disk.from-snapshot"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }
  @Override public boolean needsCloud() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      ResourceNames.require("disk", in.name(), ctx);
      Optional<Host> host = ctx.target();
      String vm = host.map(Host::vmName).orElse("<on: host>");
      String location = ctx.inventory().cloud().location().orElse("<region of VM " + vm + ">");
      String zone = host.flatMap(Host::zone).orElse(null);
      NewDisk disk = new NewDisk(in.name(), location, zone, TargetDisks.sku(in.sku(), ctx), RunTags.of(ctx));
      return CloudProviders.planner(ctx).getVm(vm)
          .then(CloudProviders.planner(ctx).createDiskFromSnapshot(in.snapshot(), disk))
          .then(Plan.note("disk " + in.name() + " is placed in the region and zone VM " + vm + " reports at run time"));
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output predict(Input in, StepContext ctx) {
    try {
      CloudPlanner p = CloudProviders.planner(ctx);
      return new Output(in.name(), p.diskId(in.name()), ctx.inventory().cloud().location().orElse(null),
          ctx.target().flatMap(Host::zone).orElse(null), TargetDisks.sku(in.sku(), ctx), p.snapshotId(in.snapshot()));
    } catch (StepFailure f) {
      return null;
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    ResourceNames.require("disk", in.name(), ctx);
    CloudProvider cloud = CloudProviders.open(ctx);
    Snapshot snap = cloud.findSnapshot(in.snapshot()).orElseThrow(() -> StepFailure.fatal(
        "step " + ctx.stepId() + ": snapshot " + in.snapshot() + " not found",
        "check the name (cloud.snapshot.list shows a disk's snapshots) and cloud.snapshotResourceGroup"));
    Optional<Disk> existing = cloud.findDisk(in.name());
    if (existing.isPresent()) {
      Disk d = existing.get();
      if (!RunTags.madeByThisRun(d.tags(), ctx)) {
        throw StepFailure.fatal("step " + ctx.stepId() + ": a disk named " + in.name() + " already exists ("
            + d.id() + ") and was not made by this run", "choose another `name:` or delete that disk first");
      }
      d = Provisioning.settled(ctx, "disk " + in.name() + " made by an earlier attempt", d, Disk::state,
          () -> cloud.findDisk(in.name()).orElse(null));
      if (d != null && Provisioning.made(d.state())) {
        ctx.log().info("disk " + in.name() + " was already made by this run; not making another");
        return output(d, snap);
      }
      // Azure retries a failed creation on a PUT of the same disk; it stays one disk.
      ctx.log().warn("disk " + in.name() + " made by an earlier attempt of this run is "
          + (d == null ? "gone" : d.state()) + "; making it again");
    }
    Vm vm = cloud.vm(ctx.requireTarget().vmName());
    NewDisk disk = new NewDisk(in.name(), vm.location(), vm.zone(), TargetDisks.sku(in.sku(), ctx), RunTags.of(ctx));
    return output(cloud.createDiskFromSnapshot(snap, disk, ctx), snap);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      CloudProvider cloud = CloudProviders.open(ctx);
      Optional<Disk> d = cloud.findDisk(in.name());
      if (d.isEmpty()) return Reconciled.notDone();
      if (!RunTags.madeByThisRun(d.get().tags(), ctx)) {
        return Reconciled.unknown("disk " + in.name() + " exists but was not made by this run");
      }
      if (!"Succeeded".equals(d.get().state())) return Reconciled.unknown("disk " + in.name() + " is " + d.get().state());
      Snapshot snap = cloud.findSnapshot(in.snapshot()).orElse(null);
      return Reconciled.done(output(d.get(), snap));
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

  private static Output output(Disk d, Snapshot s) {
    return new Output(d.name(), d.id(), d.location(), d.zone(), d.sku(), s == null ? null : s.id());
  }
}

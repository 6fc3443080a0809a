package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import java.time.Instant;
import java.util.Optional;

/** Takes an incremental snapshot of a disk, named from the run id so that a retry or a resume never takes a second. */
@Doc("Take an incremental snapshot of a managed disk (name derived from the run id; idempotent)")
public final class CreateSnapshot implements StepType<CreateSnapshot.Input, CreateSnapshot.Output> {

  @Doc("What to snapshot")
  public record Input(
      @Doc(value = "Disk name or id", defaultValue = "the data disk of the `on:` host") Optional<String> disk,
      @Doc(value = "Snapshot name", defaultValue = "<disk>-<run id>") Optional<String> name) {}

  @Doc("The snapshot")
  public record Output(
      @Doc("Snapshot name") String snapshot,
      @Doc("Snapshot resource id") String snapshotId,
      @Doc("Resource id of the disk it copies") String sourceDiskId,
      @Doc("Unique id of the disk it copies (null in a dry-run)") String sourceUniqueId,
      @Doc("When the snapshot was taken (null in a dry-run)") Instant createdAt) {}

  @Override public String name() { return "cloud.snapshot.create"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsCloud() { return true; }

  private static String snapshotName(Input in, String disk, StepContext ctx) {
    String base = disk.contains("/") ? disk.substring(disk.lastIndexOf('/') + 1) : disk;
    return in.name().orElseGet(() -> RunTags.derivedName(base, ctx));
  }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      String disk = TargetDisks.diskOrDataDisk(in.disk(), ctx);
      String name = ResourceNames.require("snapshot", snapshotName(in, disk, ctx), ctx);
      return CloudProviders.planner(ctx).createSnapshot(disk, name, RunTags.of(ctx));
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output predict(Input in, StepContext ctx) {
    try {
      String disk = TargetDisks.diskOrDataDisk(in.disk(), ctx);
      CloudPlanner p = CloudProviders.planner(ctx);
      String name = snapshotName(in, disk, ctx);
      return new Output(name, p.snapshotId(name), p.diskId(disk), null, null);
    } catch (StepFailure f) {
      return null;
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    String diskRef = TargetDisks.diskOrDataDisk(in.disk(), ctx);
    String name = ResourceNames.require("snapshot", snapshotName(in, diskRef, ctx), ctx);
    CloudProvider cloud = CloudProviders.open(ctx);
    Disk disk = cloud.findDisk(diskRef).orElseThrow(() -> StepFailure.fatal(
        "step " + ctx.stepId() + ": disk " + diskRef + " not found", "check the disk name and cloud.resourceGroup"));
    Optional<Snapshot> existing = cloud.findSnapshot(name);
    if (existing.isPresent()) {
      Snapshot s = existing.get();
      if (!disk.id().equalsIgnoreCase(s.sourceDiskId()) || !disk.uniqueId().equalsIgnoreCase(s.sourceUniqueId())) {
        throw StepFailure.fatal("step " + ctx.stepId() + ": snapshot " + name + " already exists but copies "
            + s.sourceDiskId() + ", not " + disk.id(), "give the snapshot another `name:`");
      }
      s = Provisioning.settled(ctx, "snapshot " + name + " taken by an earlier attempt", s, Snapshot::state,
          () -> cloud.findSnapshot(name).orElse(null));
      if (s != null && Provisioning.made(s.state())) {
        ctx.log().info("snapshot " + name + " already exists (taken " + s.createdAt() + "); not taking another");
        return output(s);
      }
      ctx.log().warn("snapshot " + name + " taken by an earlier attempt is " + (s == null ? "gone" : s.state())
          + "; taking it again");
    }
    return output(cloud.createSnapshot(disk, name, RunTags.of(ctx), ctx));
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      String diskRef = TargetDisks.diskOrDataDisk(in.disk(), ctx);
      Optional<Snapshot> s = CloudProviders.open(ctx).findSnapshot(snapshotName(in, diskRef, ctx));
      if (s.isEmpty()) return Reconciled.notDone();
      if (!"Succeeded".equals(s.get().state())) {
        return Reconciled.unknown("snapshot " + s.get().name() + " exists but is " + s.get().state());
      }
      return Reconciled.done(output(s.get()));
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

  private static Output output(Snapshot s) {
    return new Output(s.name(), s.id(), s.sourceDiskId(), s.sourceUniqueId(), s.createdAt());
  }
}

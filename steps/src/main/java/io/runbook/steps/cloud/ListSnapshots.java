package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Lists the snapshots of one disk (matched by resource id and unique id), oldest first. */
@Doc("List the snapshots of a disk, oldest first (snapshots of an earlier disk with the same name are left out)")
public final class ListSnapshots implements StepType<ListSnapshots.Input, ListSnapshots.Output> {

  @Doc("Which disk")
  public record Input(
      @Doc(value = "Disk name or id", defaultValue = "the data disk of the `on:` host") Optional<String> disk,
      @Doc(value = "Unique id of the source disk (needed when the disk no longer exists)", defaultValue = "the disk's")
      Optional<String> sourceUniqueId) {}

  @Doc("One snapshot")
  public record SnapshotInfo(
      @Doc("Snapshot name") String name,
      @Doc("Snapshot resource id") String id,
      @Doc("When it was taken") Instant createdAt) {}

  @Doc("The snapshots")
  public record Output(
      @Doc("Resource id of the disk") String diskId,
      @Doc("Unique id of the disk") String sourceUniqueId,
      @Doc("Its snapshots, oldest first") List<SnapshotInfo> snapshots) {}

  @Override public String name() { return "cloud.snapshot.list"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsCloud() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      CloudPlanner p = CloudProviders.planner(ctx);
      return p.getDisk(TargetDisks.diskOrDataDiskForPlan(in.disk(), ctx)).then(p.listSnapshots());
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    DiskSnapshots found = DiskSnapshots.read(TargetDisks.diskOrDataDisk(in.disk(), ctx), in.sourceUniqueId(), ctx);
    if (found.ofEarlierDisk() > 0) {
      ctx.log().info(found.ofEarlierDisk() + " snapshot(s) of an earlier disk with the same id were left out");
    }
    return new Output(found.diskId(), found.uniqueId(), found.snapshots().stream()
        .map(s -> new SnapshotInfo(s.name(), s.id(), s.createdAt())).toList());
  }
}

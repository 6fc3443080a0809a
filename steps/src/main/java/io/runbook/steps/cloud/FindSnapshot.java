package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Picks the snapshot of a disk for a point in time: the newest at or before it, the oldest after it, or both
 * ({@code bracket}: T0 &lt;= target &lt; T1, for point-in-time recovery: restore T0, replay binlogs up to target).
 */
@Doc("Pick a disk's snapshot for a time: newest at or before, oldest after, or the bracket T0 <= target < T1")
public final class FindSnapshot implements StepType<FindSnapshot.Input, FindSnapshot.Output> {

  @Doc("Which disk and which time (exactly one of atOrBefore, after, bracket)")
  public record Input(
      @Doc(value = "Disk name or id", defaultValue = "the data disk of the `on:` host") Optional<String> disk,
      @Doc("Pick the newest snapshot taken at or before this time") Optional<Instant> atOrBefore,
      @Doc("Pick the oldest snapshot taken after this time") Optional<Instant> after,
      @Doc("Pick T0 (newest at or before) and T1 (oldest after) around this time") Optional<Instant> bracket,
      @Doc(value = "Unique id of the source disk (needed when the disk no longer exists)", defaultValue = "the disk's")
      Optional<String> sourceUniqueId) {}

  @Doc("The snapshot picked (and, for bracket, the next one)")
  public record Output(
      @Doc("Snapshot name (T0 for bracket)") String snapshot,
      @Doc("Snapshot resource id") String snapshotId,
      @Doc("When it was taken") Instant createdAt,
      @Doc("The first snapshot after the target (T1), or null if none yet") String next,
      @Doc("Resource id of T1, or null") String nextId,
      @Doc("When T1 was taken, or null") Instant nextCreatedAt) {}

  @Override public String name() { return "cloud.snapshot.find"; }
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
    int given = (in.atOrBefore().isPresent() ? 1 : 0) + (in.after().isPresent() ? 1 : 0) + (in.bracket().isPresent() ? 1 : 0);
    if (given != 1) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": give exactly one of atOrBefore, after, bracket (got " + given + ")");
    }
    String disk = TargetDisks.diskOrDataDisk(in.disk(), ctx);
    DiskSnapshots found = DiskSnapshots.read(disk, in.sourceUniqueId(), ctx);
    List<Snapshot> sorted = found.snapshots();
    if (in.after().isPresent()) {
      Instant t = in.after().get();
      Snapshot s = SnapshotSelection.after(sorted, t).orElseThrow(() -> none(ctx, disk, "after", t, found));
      return new Output(s.name(), s.id(), s.createdAt(), null, null, null);
    }
    Instant t = in.atOrBefore().orElseGet(() -> in.bracket().get());
    Snapshot t0 = SnapshotSelection.atOrBefore(sorted, t).orElseThrow(() -> none(ctx, disk, "at or before", t, found));
    Optional<Snapshot> t1 = SnapshotSelection.after(sorted, t);
    ctx.log().info("picked " + t0.name() + " (" + t0.createdAt() + ")" + t1.map(s -> "; next " + s.name() + " ("
        + s.createdAt() + ")").orElse("; no later snapshot"));
    return new Output(t0.name(), t0.id(), t0.createdAt(), t1.map(Snapshot::name).orElse(null),
        t1.map(Snapshot::id).orElse(null), t1.map(Snapshot::createdAt).orElse(null));
  }

  private static StepFailure none(StepContext ctx, String disk, String relation, Instant t, DiskSnapshots found) {
    String earlier = found.ofEarlierDisk() == 0 ? ""
        : "; " + found.ofEarlierDisk() + " snapshot(s) of an earlier disk with the same name were not considered";
    return StepFailure.fatal("step " + ctx.stepId() + ": no snapshot of disk " + disk + " (uniqueId "
            + found.uniqueId() + ") taken " + relation + " " + t + "; nearest: "
            + SnapshotSelection.nearest(found.snapshots(), t) + earlier,
        "pick another time, or take a snapshot first (cloud.snapshot.create)");
  }
}

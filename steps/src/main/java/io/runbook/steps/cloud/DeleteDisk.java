package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.Disk;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes a managed disk, which DESTROYS its data. Refuses a disk that is attached to a VM, and one this run did
 * not make (no {@code runbook-run} tag with this run's id) unless {@code force}, or unless {@code madeBy} names the
 * earlier run and step its tags carry: narrower than force, it takes one step's disk of one run (dr-pitr's leftover
 * donor, which the operator named and the runbook checked) and still refuses every other disk.
 */
@Doc("Delete a managed disk (destroys its data); refuses attached disks, and disks this run did not make unless forced"
    + " or made by the earlier run and step named in madeBy")
public final class DeleteDisk implements StepType<DeleteDisk.Input, DeleteDisk.Output> {

  @Doc("Which disk")
  public record Input(
      @Doc("Disk name or id") String disk,
      @Doc(value = "Delete even a disk this run did not make", defaultValue = "false") Optional<Boolean> force,
      @Doc("Also delete a disk an earlier run made, when its tags name exactly this run and step: RUN-ID/STEP-ID"
          + " (runbook-run / runbook-step)") Optional<String> madeBy) {

    public Input(String disk, Optional<Boolean> force) { this(disk, force, Optional.empty()); }
  }

  @Doc("What happened")
  public record Output(
      @Doc("Disk name") String disk,
      @Doc("Disk resource id") String diskId,
      @Doc("False when there was no such disk") boolean deleted) {}

  @Override public String name() { return "cloud.disk.delete"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.DESTROYS; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsCloud() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      CloudPlanner p = CloudProviders.planner(ctx);
      return p.getDisk(in.disk()).then(p.deleteDisk(in.disk()));
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    CloudProvider cloud = CloudProviders.open(ctx);
    Optional<Disk> found = cloud.findDisk(in.disk());
    if (found.isEmpty()) {
      ctx.log().warn("disk " + in.disk() + " does not exist; nothing to delete");
      return new Output(in.disk(), null, false);
    }
    Disk disk = found.get();
    if (disk.attached()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": refusing to delete disk " + disk.name() + ": it is attached to "
          + disk.attachedTo(), "detach it first (cloud.vm.detach-disk) if it really is no longer needed");
    }
    Map<String, String> tags = disk.tags() == null ? Map.of() : disk.tags();
    if (!in.force().orElse(false) && in.madeBy().isPresent() && !RunTags.madeBy(tags, in.madeBy().get())) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": refusing to delete disk " + disk.name() + " (" + disk.id()
              + "): it is not a disk " + in.madeBy().get() + " made (tag " + RunTags.RUN + " is "
              + tags.getOrDefault(RunTags.RUN, "absent") + ", " + RunTags.STEP + " is " + tags.getOrDefault(RunTags.STEP, "absent") + ")",
          "check the disk name: madeBy takes only a disk whose tags name that run and step");
    }
    if (!in.force().orElse(false) && in.madeBy().isEmpty() && !RunTags.madeByThisRun(tags, ctx)) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": refusing to delete disk " + disk.name() + " (" + disk.id()
              + "): this run did not make it (tag " + RunTags.RUN + " is "
              + tags.getOrDefault(RunTags.RUN, "absent") + ")",
          "if it really must go, set `force: true` on the step; take a snapshot first if in doubt");
    }
    cloud.deleteDisk(disk, ctx);
    return new Output(disk.name(), disk.id(), true);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      Optional<Disk> found = CloudProviders.open(ctx).findDisk(in.disk());
      return found.isEmpty()
          ? Reconciled.done(new Output(in.disk(), CloudProviders.planner(ctx).diskId(in.disk()), true))
          : Reconciled.notDone();
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }
}

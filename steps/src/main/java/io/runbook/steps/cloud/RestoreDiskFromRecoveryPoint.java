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
import io.runbook.steps.cloud.CloudProvider.RecoveryPoint;
import io.runbook.steps.cloud.CloudProvider.Vm;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Restores a Backup Vault recovery point to a new disk in the region of the {@code on:} host's VM: validates the
 * restore, triggers it, and follows the restore job to completion. Resume finds the disk by name.
 *
 * <p>A restore request cannot tag the disk it makes, and its job may finish after the step has failed (the answers
 * lost, the connection down): so before triggering, the step notes in the run folder which disk it asked for. A
 * retry or resume that finds that disk untagged knows this run restored it, tags it and goes on instead of refusing
 * a disk it takes for a stranger's.
 */
@Doc("Restore a Backup Vault recovery point to a new disk (validate, trigger, follow the job)")
public final class RestoreDiskFromRecoveryPoint
    implements StepType<RestoreDiskFromRecoveryPoint.Input, RestoreDiskFromRecoveryPoint.Output> {

  @Doc("Which recovery point, and the new disk")
  public record Input(
      @Doc(value = "Backup instance name or id", defaultValue = "dataDisk.backupInstance of the `on:` host")
      Optional<String> backupInstance,
      @Doc("Recovery point id (name) or full id") String recoveryPoint,
      @Doc("Name of the new disk") String name) {}

  @Doc("The restored disk")
  public record Output(
      @Doc("Disk name") String disk,
      @Doc("Disk resource id") String diskId,
      @Doc("Recovery point restored") String recoveryPoint,
      @Doc("When that recovery point was taken (null after a resume)") Instant recoveryPointTime) {}

  @Override public String name() { return "cloud.recovery-point.restore-disk"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean needsHost() { return true; }
  @Override public boolean needsCloud() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      ResourceNames.require("disk", in.name(), ctx);
      String location = ctx.inventory().cloud().location()
          .orElse("<region of VM " + ctx.target().map(Host::vmName).orElse("?") + ">");
      NewDisk disk = new NewDisk(in.name(), location, null, null, RunTags.of(ctx));
      return CloudProviders.planner(ctx).restoreDisk(TargetDisks.backupInstance(in.backupInstance(), ctx),
          pointName(in.recoveryPoint()), disk);
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output predict(Input in, StepContext ctx) {
    try {
      return new Output(in.name(), CloudProviders.planner(ctx).diskId(in.name()), pointName(in.recoveryPoint()), null);
    } catch (StepFailure f) {
      return null;
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    ResourceNames.require("disk", in.name(), ctx);
    CloudProvider cloud = CloudProviders.open(ctx);
    String bi = TargetDisks.backupInstance(in.backupInstance(), ctx);
    Optional<Disk> existing = cloud.findDisk(in.name());
    if (existing.isPresent()) {
      Disk d = existing.get();
      // A retried or resumed step whose restore went through (the answer was lost, or a later call failed).
      if (RunTags.madeByThisRun(d.tags(), ctx)) {
        ctx.log().info("disk " + in.name() + " was already restored by this run; not restoring again");
        return new Output(d.name(), d.id(), pointName(in.recoveryPoint()), null);
      }
      if (note(ctx).read().equals(Optional.of(in.name()))) {
        ctx.log().info("disk " + in.name() + " was restored for an earlier attempt of this step (its restore job finished"
            + " after that attempt failed); tagging it and not restoring again");
        d = cloud.tagDisk(d, RunTags.of(ctx), ctx);
        return new Output(d.name(), d.id(), pointName(in.recoveryPoint()), null);
      }
      throw StepFailure.fatal("step " + ctx.stepId() + ": disk " + in.name() + " already exists (" + d.id()
              + ") and this run did not make it (tag " + RunTags.RUN + " is " + d.tags().getOrDefault(RunTags.RUN, "absent") + ")",
          "choose another `name:`, or delete that disk if it is a leftover (an earlier attempt of this run whose restore "
              + "job finished after the step failed leaves the disk untagged: its job in the Backup Vault names it)");
    }
    List<RecoveryPoint> points = cloud.recoveryPoints(bi);
    String wanted = pointName(in.recoveryPoint());
    RecoveryPoint point = points.stream().filter(p -> p.name().equals(wanted)).findFirst()
        .orElseThrow(() -> StepFailure.fatal("step " + ctx.stepId() + ": no recovery point " + wanted + " in " + bi
                + "; it has: " + points.stream().map(p -> p.name() + " (" + p.time() + ")").collect(Collectors.joining(", ")),
            "pick one with cloud.recovery-point.list"));
    Vm vm = cloud.vm(ctx.requireTarget().vmName());
    NewDisk disk = new NewDisk(in.name(), vm.location(), vm.zone(), null, RunTags.of(ctx));
    note(ctx).write(in.name());
    Disk restored = cloud.restoreDisk(bi, point, disk, ctx);
    return new Output(restored.name(), restored.id(), point.name(), point.time());
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      Optional<Disk> d = CloudProviders.open(ctx).findDisk(in.name());
      if (d.isEmpty()) {
        return Reconciled.unknown("disk " + in.name() + " does not exist yet; a restore job may still be running "
            + "in the Backup Vault: look at its jobs before re-running");
      }
      // Done only once tagged as this run's: a restored disk comes untagged (a vault restore cannot tag) and the step
      // tags it after the job; running the step again tags the disk this step asked for, and refuses a stranger's.
      if (!RunTags.madeByThisRun(d.get().tags(), ctx)) return Reconciled.notDone();
      return Reconciled.done(new Output(d.get().name(), d.get().id(), pointName(in.recoveryPoint()), null));
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

  /** Where this step notes the disk it asked the vault for. */
  private static StepNote note(StepContext ctx) { return StepNote.of(ctx, "restore", "disk"); }

  private static String pointName(String ref) { return ref.contains("/") ? ref.substring(ref.lastIndexOf('/') + 1) : ref; }
}

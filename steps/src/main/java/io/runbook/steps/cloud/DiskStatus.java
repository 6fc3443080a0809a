package io.runbook.steps.cloud;

import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.Disk;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a managed disk: where it is attached, which run and step made it (its run tags) and whether the inventory
 * names it as a host's disk. Lets a runbook check a disk the operator names before it touches it (dr-pitr's
 * {@code leftoverDonor}); expressions cannot read the tags map or search the inventory themselves.
 */
@Doc("Read a managed disk: attachment, the run and step that made it (tags), and which inventory host names it")
public final class DiskStatus implements StepType<DiskStatus.Input, DiskStatus.Output> {

  @Doc("Which disk")
  public record Input(@Doc("Disk name or id") String disk) {}

  @Doc("The disk")
  public record Output(
      @Doc("Whether the disk exists (false: its id, attachment and tags are null or false)") boolean exists,
      @Doc("Disk name (as given when it does not exist)") String disk,
      @Doc("Disk resource id, or null") String diskId,
      @Doc("Whether it is attached to a VM") boolean attached,
      @Doc("Name of the VM it is attached to, or null") String attachedVm,
      @Doc("Its runbook-run tag: the id of the run that made it, or null") String madeByRun,
      @Doc("Its runbook-step tag: the step of that run that made it, or null") String madeByStep,
      @Doc("The inventory host and role that name it ('primary dataDisk', 'db2 backupDisk'), or null") String inventoryUse) {}

  @Override public String name() { return "cloud.disk.status"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsCloud() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      return CloudProviders.planner(ctx).getDisk(in.disk());
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    Optional<Disk> found = CloudProviders.open(ctx).findDisk(in.disk());
    if (found.isEmpty()) return new Output(false, in.disk(), null, false, null, null, null, inventoryUse(in.disk(), ctx));
    Disk d = found.get();
    Map<String, String> tags = d.tags() == null ? Map.of() : d.tags();
    String vm = d.attached() ? d.attachedTo().substring(d.attachedTo().lastIndexOf('/') + 1) : null;
    return new Output(true, d.name(), d.id(), d.attached(), vm, tags.get(RunTags.RUN), tags.get(RunTags.STEP),
        inventoryUse(d.name(), ctx));
  }

  /** Azure disk names are case-insensitive, so is this match. */
  static String inventoryUse(String disk, StepContext ctx) {
    for (Host h : ctx.inventory().hosts().values()) {
      if (h.dataDisk().map(DiskSpec::name).filter(disk::equalsIgnoreCase).isPresent()) return h.name() + " dataDisk";
      if (h.backupDisk().map(DiskSpec::name).filter(disk::equalsIgnoreCase).isPresent()) return h.name() + " backupDisk";
    }
    return null;
  }
}

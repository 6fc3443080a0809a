package io.runbook.steps.cloud;

import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.util.Optional;

/** Defaults that cloud steps take from the {@code on:} host of the inventory (its data disk, its backup instance). */
final class TargetDisks {
  private TargetDisks() {}

  /** The disk named in the input, else the data disk of the {@code on:} host. */
  static String diskOrDataDisk(Optional<String> disk, StepContext ctx) throws StepFailure {
    if (disk.isPresent()) return disk.get();
    Host h = ctx.target().orElseThrow(() -> StepFailure.fatal("step " + ctx.stepId()
        + " names no disk: give `disk:` or run it `on:` a host that has a dataDisk"));
    return h.dataDisk().map(DiskSpec::name).orElseThrow(() -> StepFailure.fatal("step " + ctx.stepId()
        + ": host " + h.name() + " has no dataDisk in the inventory; give `disk:`"));
  }

  /** For plan text, where a failure would be out of place. */
  static String diskOrDataDiskForPlan(Optional<String> disk, StepContext ctx) {
    try {
      return diskOrDataDisk(disk, ctx);
    } catch (StepFailure e) {
      return "<disk>";
    }
  }

  /** The backup instance named in the input, else the one of the host's data disk, else of its backup disk. */
  static String backupInstance(Optional<String> instance, StepContext ctx) throws StepFailure {
    if (instance.isPresent()) return instance.get();
    Optional<Host> h = ctx.target();
    Optional<String> found = h.flatMap(Host::dataDisk).flatMap(DiskSpec::backupInstance)
        .or(() -> h.flatMap(Host::backupDisk).flatMap(DiskSpec::backupInstance));
    return found.orElseThrow(() -> StepFailure.fatal("step " + ctx.stepId() + " names no backup instance",
        "give `backupInstance:` or set dataDisk.backupInstance of the `on:` host in the inventory"));
  }

  /** The SKU for a disk made for the host: the input, else the inventory's, else Premium_LRS. */
  static String sku(Optional<String> sku, StepContext ctx) {
    return sku.or(() -> ctx.target().flatMap(Host::dataDisk).flatMap(DiskSpec::sku)).orElse("Premium_LRS");
  }
}

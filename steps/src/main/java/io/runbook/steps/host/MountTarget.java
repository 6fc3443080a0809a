package io.runbook.steps.host;

import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.util.Optional;

/**
 * Which device goes at which mount point: given in the step, or taken from the host's {@code dataDisk} /
 * {@code backupDisk} in the inventory. A device is a path (e.g. {@code /dev/disk/azure/scsi1/lun9}) or
 * {@code UUID=<filesystem uuid>}.
 */
record MountTarget(String device, String mountPoint, Optional<String> fsType, Optional<String> marker) {

  static MountTarget resolve(StepContext ctx, Optional<String> disk, Optional<String> device, Optional<String> mountPoint,
                             Optional<String> fsType, Optional<String> marker) throws StepFailure {
    Host host = ctx.requireTarget();
    Optional<DiskSpec> spec = disk(ctx, host, disk, device.isEmpty() || mountPoint.isEmpty());
    String dev = device.or(() -> spec.map(DiskSpec::devicePath)).orElseThrow();
    String mp = mountPoint.or(() -> spec.map(DiskSpec::mount)).orElseThrow();
    if (!(dev.startsWith("/") || dev.startsWith("UUID=")) || dev.length() < 2) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": device '" + dev + "' must be an absolute path or UUID=<uuid>");
    }
    if (!mp.startsWith("/")) throw StepFailure.fatal("step " + ctx.stepId() + ": mount point '" + mp + "' must be an absolute path");
    Optional<String> fs = fsType.or(() -> spec.map(s -> s.fsType().orElse("xfs")));
    Optional<String> mark = marker.or(() -> spec.flatMap(DiskSpec::marker))
        .map(m -> m.startsWith("/") ? m : (mp.endsWith("/") ? mp : mp + "/") + m);
    return new MountTarget(dev, mp, fs, mark);
  }

  /** The mount point of the host's {@code data} or {@code backup} disk from the inventory. */
  static String mountPointOf(StepContext ctx, Optional<String> disk) throws StepFailure {
    return disk(ctx, ctx.requireTarget(), disk, true).map(DiskSpec::mount).orElseThrow();
  }

  private static Optional<DiskSpec> disk(StepContext ctx, Host host, Optional<String> which, boolean needed) throws StepFailure {
    String name = which.orElse("data");
    Optional<DiskSpec> spec = switch (name) {
      case "data" -> host.dataDisk();
      case "backup" -> host.backupDisk();
      default -> throw StepFailure.fatal("step " + ctx.stepId() + ": disk must be data or backup, not '" + name + "'");
    };
    if (needed && spec.isEmpty()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": host " + host.name() + " has no " + name + "Disk in the inventory",
          "give device and mountPoint in the step, or add " + name + "Disk to the host");
    }
    return spec;
  }
}

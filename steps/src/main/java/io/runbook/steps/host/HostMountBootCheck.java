package io.runbook.steps.host;

import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.host.Fstab.SourceKind;
import io.runbook.steps.host.transport.FileInfo;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Whether the next boot mounts the disk that is mounted now: reads the fstab line of the mount point, resolves its
 * source on the host and compares. A disk swap breaks fstab lines silently: a disk restored from another disk's
 * backup carries that disk's filesystem UUID and label, and /dev/sdX names follow probe order. Reports the line to
 * use (the stable LUN path) instead of editing /etc/fstab: a wrong edit there stops the VM from booting.
 */
@Doc("Check that the fstab line of the data mount point will mount the disk mounted there now after a reboot; give the fixed line")
public final class HostMountBootCheck implements StepType<HostMountBootCheck.Input, HostMountBootCheck.Output> {
  static final String AZURE_LUN = "/dev/disk/azure/scsi1/lun";

  @Doc("Which mount to check against which fstab")
  public record Input(
      @Doc(value = "Which inventory disk: data or backup", defaultValue = "data") Optional<String> disk,
      @Doc("Mount point; default: the disk's mount") Optional<String> mountPoint,
      @Doc(value = "The fstab file to read (in the sandbox: the VM folder's etc/fstab)", defaultValue = "/etc/fstab") Optional<String> fstab,
      @Doc(value = "Fail the step when the next boot would not mount the disk mounted now (otherwise a warning)", defaultValue = "false") Optional<Boolean> require,
      @Doc(value = "Run blkid through sudo -n (it reads the disks)", defaultValue = "false") Optional<Boolean> sudo) {}

  @Doc("What the fstab says and what it would mount")
  public record Output(
      @Doc("The fstab file read") String fstab,
      @Doc("The fstab line of the mount point as written; empty when there is none") String line,
      @Doc("How the line names its device: uuid, label, partuuid, partlabel, lun (/dev/disk/azure/scsi1/lunN), path, other, missing (no line)") String sourceKind,
      @Doc("The line's first field; empty when there is no line") String source,
      @Doc("The devices that source names on the host now, comma-separated; empty when none") String sourceDevices,
      @Doc("The device mounted at the mount point now; empty when nothing is") String mountedDevice,
      @Doc("Whether the next boot mounts exactly the disk mounted now there") boolean bootsRightDisk,
      @Doc("Why not, or empty") String problem,
      @Doc("The line to put in the fstab: the stable LUN path of the inventory disk, the line's other fields kept (nouuid added for an XFS filesystem whose UUID another attached disk shares)") String fixedLine,
      @Doc("One sentence for a summary: the all-clear, or FIX <fstab> BEFORE THE NEXT REBOOT with the fixed line") String report) {}

  @Override public String name() { return "host.mount.boot-check"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      Target t = target(in, ctx);
      String host = ctx.requireTarget().name();
      return Plan.file(host, "read " + t.fstab() + ": the line that mounts " + t.mountPoint())
          .then(Plan.note("its source (UUID=, LABEL=, a device path) is resolved on " + host + " (blkid -c /dev/null -o device -t ...)"
              + " and compared with the disk mounted at " + t.mountPoint() + "; a mismatch "
              + (in.require().orElse(false) ? "fails the step" : "is a warning") + " giving the line to use, with " + t.stable()));
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    Target t = target(in, ctx);
    HostTransport host = Transports.forTarget(ctx);
    MountTable mounts = MountTable.of(host, ctx, in.sudo().orElse(false));
    Optional<String> text = read(host, t.fstab(), ctx);
    Optional<Fstab.Entry> entry = text.flatMap(s -> Fstab.find(s, t.mountPoint()));
    SourceKind kind = entry.map(Fstab.Entry::kind).orElse(SourceKind.MISSING);
    Optional<MountTable.Mounted> now = mounts.at(t.mountPoint());

    List<String> named = List.of();
    if (kind.isTag()) named = mounts.devicesNamedBy(entry.get().tag());
    else if (kind == SourceKind.LUN || kind == SourceKind.PATH) named = mounts.devicesNamedBy(entry.get().source());
    String mountedNumber = now.isPresent() ? now.get().majorMinor() : null;
    boolean right = now.isPresent() && named.size() == 1 && mounts.deviceNumber(named.get(0)).equals(mountedNumber);

    String fsType = entry.map(Fstab.Entry::fsType).filter(f -> !f.isEmpty()).orElse(t.fsType());
    List<String> sharing = now.isPresent() && "xfs".equals(fsType) ? sameUuid(mounts, now.get()) : List.of();
    boolean nouuid = !sharing.isEmpty();
    String fixed = entry.map(e -> e.withSource(t.stable(), nouuid)).orElse(Fstab.newLine(t.stable(), t.mountPoint(), fsType, nouuid));

    String where = t.fstab() + " on " + host.describe();
    String problem = right ? "" : text.isEmpty() ? where + " does not exist: after a reboot nothing is mounted at " + t.mountPoint()
        : problem(t, entry, kind, named, now, where);
    if (!right && now.isPresent() && !stableIsMounted(mounts, t, mountedNumber)) {
      problem += "; " + t.stable() + " is not the disk mounted at " + t.mountPoint() + " either: check the inventory's disk lun before using the line";
    }
    String report = right
        ? where + " mounts " + t.mountPoint() + " by " + entry.get().source() + ", the disk mounted there now: the next boot mounts the right disk"
        : "FIX " + t.fstab() + " BEFORE THE NEXT REBOOT (" + ctx.requireTarget().name() + "): " + problem
            + "; " + entry.map(e -> "replace line " + e.lineNo() + " `" + e.line() + "` with").orElse("add") + " `" + fixed + "`";
    if (!right && in.require().orElse(false)) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + report, "edit " + t.fstab() + " on the host, then run again");
    }
    if (right) ctx.log().info(report);
    else ctx.log().warn(report);
    // When the line is wrong anyway, the fixed line already has nouuid; when it is right, nouuid may still be missing.
    if (right && nouuid && !entry.get().options().contains("nouuid")) {
      ctx.log().warn("the XFS filesystem at " + t.mountPoint() + " has the same UUID as " + String.join(", ", sharing)
          + " (a restored copy): without nouuid in its fstab options, whichever of them mounts second at boot fails: `" + fixed + "`");
    }
    return new Output(t.fstab(), entry.map(Fstab.Entry::line).orElse(""), kind.label(), entry.map(Fstab.Entry::source).orElse(""),
        String.join(",", named), now.map(MountTable.Mounted::source).orElse(""), right, problem, fixed, report);
  }

  private static String problem(Target t, Optional<Fstab.Entry> entry, SourceKind kind, List<String> named,
                                Optional<MountTable.Mounted> now, String where) {
    if (entry.isEmpty()) {
      return where + " has no line for " + t.mountPoint() + ": after a reboot nothing is mounted there, and a database"
          + " started then runs on the empty folder of the OS disk";
    }
    String src = entry.get().source();
    if (kind == SourceKind.OTHER) return where + " mounts " + t.mountPoint() + " from " + src + ", which is not a disk of this host";
    if (named.isEmpty()) {
      return src + " names no disk on the host now: the next boot mounts nothing at " + t.mountPoint() + " (or waits for it)";
    }
    if (now.isEmpty()) return "nothing is mounted at " + t.mountPoint() + " now, so which disk " + src + " should be cannot be told";
    if (named.size() > 1) {
      return src + " names " + named.size() + " disks (" + String.join(", ", named) + ": a restored copy carries its source's"
          + " " + kind.label() + "): which one the next boot mounts at " + t.mountPoint() + " is chance";
    }
    return src + " is " + named.get(0) + ", not " + now.get().source() + " that is mounted at " + t.mountPoint()
        + " now: the next boot mounts the wrong disk there";
  }

  /** The other devices with the filesystem UUID of the mounted one (after restoring a copy of an attached disk). */
  private static List<String> sameUuid(MountTable mounts, MountTable.Mounted now) throws StepFailure, InterruptedException {
    Optional<String> uuid = mounts.uuidOf(now.source());
    if (uuid.isEmpty()) return List.of();
    List<String> others = new java.util.ArrayList<>();
    for (String dev : mounts.devicesNamedBy("UUID=" + uuid.get())) {
      if (!mounts.deviceNumber(dev).equals(now.majorMinor())) others.add(dev);
    }
    return others;
  }

  private static boolean stableIsMounted(MountTable mounts, Target t, String mountedNumber) throws StepFailure, InterruptedException {
    List<String> devs = mounts.devicesNamedBy(t.stable());
    return devs.size() == 1 && mounts.deviceNumber(devs.get(0)).equals(mountedNumber);
  }

  /** The fstab's text, or empty when the file does not exist. */
  private static Optional<String> read(HostTransport host, String path, StepContext ctx) throws StepFailure {
    Optional<FileInfo> info = host.stat(path);
    if (info.isEmpty()) return Optional.empty();
    if (info.get().directory() || info.get().size() > HostFileRead.DEFAULT_MAX) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + path + " on " + host.describe() + " is not an fstab file",
          "point fstab at the file (default /etc/fstab)");
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    host.read(path, 0, s -> s.transferTo(buf));
    return Optional.of(buf.toString(StandardCharsets.UTF_8));
  }

  /** The mount point, the fstab to read, the stable device path a fixed line names, and the inventory's file system. */
  private record Target(String mountPoint, String fstab, String stable, String fsType) {}

  private static Target target(Input in, StepContext ctx) throws StepFailure {
    String which = in.disk().orElse("data");
    DiskSpec spec = switch (which) {
      case "data" -> ctx.requireTarget().dataDisk().orElse(null);
      case "backup" -> ctx.requireTarget().backupDisk().orElse(null);
      default -> throw StepFailure.fatal("step " + ctx.stepId() + ": disk must be data or backup, not '" + which + "'");
    };
    if (spec == null) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": host " + ctx.requireTarget().name() + " has no " + which
          + "Disk in the inventory", "add " + which + "Disk (its lun names the stable device path) to the host");
    }
    String mp = in.mountPoint().orElse(spec.mount());
    if (!mp.startsWith("/")) throw StepFailure.fatal("step " + ctx.stepId() + ": mount point '" + mp + "' must be an absolute path");
    boolean sandbox = SandboxMounts.applies(ctx);
    String fstab = in.fstab().orElse(sandbox ? SandboxMounts.fstab(ctx) : "/etc/fstab");
    if (!fstab.startsWith("/")) throw StepFailure.fatal("step " + ctx.stepId() + ": fstab '" + fstab + "' must be an absolute path");
    // Azure's udev rules keep /dev/disk/azure/scsi1/lunN on the disk at that LUN whatever it holds; in the sandbox that
    // path stands for the VM's LUN slot. An inventory device that is itself a path (a test's link) is used as given.
    String stable = sandbox || spec.device().map(d -> d.startsWith("UUID=")).orElse(true) ? AZURE_LUN + spec.lun() : spec.devicePath();
    return new Target(mp, fstab, stable, spec.fsType().orElse("xfs"));
  }
}

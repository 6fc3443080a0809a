package io.runbook.steps.host;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import java.util.List;
import java.util.Optional;

/**
 * Looks at mounts on a host with util-linux and coreutils: what is mounted at a path (after resolving symlinks) and
 * which device number a device path or filesystem UUID stands for. Device numbers (major:minor) are compared
 * rather than names, because /dev/disk/azure/scsi1/lun9, /dev/sdc and UUID=... can all be the same disk.
 */
final class Mounts implements MountTable {
  private final HostTransport host;
  private final StepContext ctx;
  private final boolean sudo;

  Mounts(HostTransport host, StepContext ctx, boolean sudo) {
    this.host = host;
    this.ctx = ctx;
    this.sudo = sudo;
  }

  /** The resolved mount point, or empty when the path does not exist. */
  @Override
  public Optional<String> realPath(String path) throws StepFailure, InterruptedException {
    CommandResult r = run(HostCommand.of("realpath", "-e", "--", path));
    return r.exitCode() == 0 ? Optional.of(r.stdout().strip()) : Optional.empty();
  }

  /** The mount at {@code path} (symlinks resolved), or empty when it is a plain folder or missing. */
  @Override
  public Optional<Mounted> at(String path) throws StepFailure, InterruptedException {
    Optional<String> real = realPath(path);
    if (real.isEmpty()) return Optional.empty();
    CommandResult dev = run(HostCommand.of("mountpoint", "-d", "--", real.get()));
    if (dev.exitCode() != 0) return Optional.empty();
    CommandResult src = run(HostCommand.of("findmnt", "-n", "-o", "SOURCE", "--mountpoint", real.get()));
    String source = src.stdout().strip().lines().reduce((a, b) -> b).orElse("?");
    return Optional.of(new Mounted(real.get(), dev.stdout().strip(), source));
  }

  /** A device path or UUID=... resolved to its block device path. */
  @Override
  public String devicePath(String device) throws StepFailure, InterruptedException {
    if (device.startsWith("UUID=")) {
      HostCommand find = findByUuid(device.substring(5));
      CommandResult r = run(find);
      if (r.exitCode() != 0 || r.stdout().isBlank()) {
        throw StepFailure.fatal("step " + ctx.stepId() + " on " + host.describe() + ": no filesystem with " + device,
            "check that the disk is attached (lsblk -f) and the UUID is right");
      }
      return r.stdout().strip();
    }
    return check(HostCommand.of("realpath", "-e", "--", device), "the device " + device + " does not exist",
        "check that the disk is attached at the expected LUN (ls -l /dev/disk/azure/scsi1/)").strip();
  }

  /**
   * The command that finds a filesystem by UUID. The blkid cache is bypassed: a disk attached a moment ago (or a
   * snapshot copy) is not in it yet, and a stale cache can name a device that now holds something else.
   */
  static HostCommand findByUuid(String uuid) {
    return HostCommand.of("blkid", "-c", "/dev/null", "-o", "device", "-t", "UUID=" + uuid);
  }

  /** The major:minor (decimal, as mountpoint -d prints it) of a block device. */
  @Override
  public String deviceNumber(String devicePath) throws StepFailure, InterruptedException {
    String out = check(HostCommand.of("stat", "-L", "-c", "%F|%t|%T", "--", devicePath),
        "cannot stat " + devicePath, "check the device path").strip();
    String[] p = out.split("\\|");
    if (p.length != 3 || !p[0].equals("block special file")) {
      throw StepFailure.fatal("step " + ctx.stepId() + " on " + host.describe() + ": " + devicePath + " is not a block device ("
          + p[0] + ")", "point device at the disk, e.g. /dev/disk/azure/scsi1/lun9");
    }
    return Integer.parseInt(p[1], 16) + ":" + Integer.parseInt(p[2], 16);
  }

  /** The filesystem UUID on a device, or empty. */
  @Override
  public Optional<String> uuidOf(String devicePath) throws StepFailure, InterruptedException {
    CommandResult r = run(HostCommand.of("blkid", "-c", "/dev/null", "-s", "UUID", "-o", "value", "--", devicePath));
    return r.exitCode() == 0 && !r.stdout().isBlank() ? Optional.of(r.stdout().strip()) : Optional.empty();
  }

  /** Whether some mounted filesystem on the host already has this UUID (the snapshot-of-an-attached-disk case). */
  @Override
  public boolean uuidMounted(String uuid) throws StepFailure, InterruptedException {
    CommandResult r = run(HostCommand.of("findmnt", "-rn", "-o", "UUID"));
    return r.stdout().lines().anyMatch(uuid::equals);
  }

  @Override
  public List<String> devicesNamedBy(String source) throws StepFailure, InterruptedException {
    if (source.startsWith("/")) {
      Optional<String> real = realPath(source);
      return real.isPresent() && run(HostCommand.of("test", "-b", real.get())).exitCode() == 0 ? List.of(real.get()) : List.of();
    }
    HostCommand find = HostCommand.of("blkid", "-c", "/dev/null", "-o", "device", "-t", source);
    CommandResult r = run(find);
    if (r.exitCode() != 0 && r.exitCode() != 2) { // 2: no device has the tag
      throw StepFailure.fatal("step " + ctx.stepId() + " on " + host.describe() + ": `" + find.withSudo(sudo).commandLine()
          + "` exited with " + r.exitCode() + ": " + r.stderr().strip(), "run it on the host to see why");
    }
    List<String> found = r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (found.isEmpty() && !sudo && !run(HostCommand.of("id", "-u")).stdout().strip().equals("0")) {
      // Without root blkid cannot open the disks and finds nothing: that must not read as "no such disk".
      throw StepFailure.fatal("step " + ctx.stepId() + " on " + host.describe() + ": blkid found no device with " + source
          + ", but it runs as a non-root user and cannot read the disks", "set sudo: true (or log in as root)");
    }
    return found;
  }

  @Override
  public boolean exists(String path) throws StepFailure, InterruptedException {
    return run(HostCommand.of("test", "-e", path)).exitCode() == 0;
  }

  @Override
  public void mount(String devicePath, String mountPoint, HostCommand mount) throws StepFailure, InterruptedException {
    check(HostCommand.of("mkdir", "-p", "--", mountPoint), "cannot create " + mountPoint, "check the path");
    check(mount.withSudo(false), "mount failed", "check dmesg on the host; for XFS with a duplicate UUID set nouuid: true");
  }

  @Override
  public CommandResult unmount(String mountPoint, HostCommand umount) throws StepFailure, InterruptedException {
    return HostCommands.run(host, umount, ctx);
  }

  CommandResult run(HostCommand c) throws StepFailure, InterruptedException {
    return HostCommands.run(host, c.withSudo(sudo), ctx);
  }

  String check(HostCommand c, String what, String hint) throws StepFailure, InterruptedException {
    CommandResult r = run(c);
    if (r.exitCode() != 0) {
      throw StepFailure.fatal("step " + ctx.stepId() + " on " + host.describe() + ": " + what + " (`"
          + c.withSudo(sudo).commandLine() + "`: " + r.stderr().strip() + ")", hint);
    }
    return r.stdout();
  }
}

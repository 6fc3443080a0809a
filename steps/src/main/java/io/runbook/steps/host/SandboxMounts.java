package io.runbook.steps.host;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.sandbox.SandboxEstate;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mounts in the sandbox, where no real mount is possible for a normal user: the device of a disk at a LUN is the VM's
 * LUN slot (a link to the disk folder), and a mount point is a link to that disk's {@code fs/} folder. "Mounted"
 * keeps its meaning: the mount point resolves into the content of the disk attached at the expected LUN.
 */
final class SandboxMounts implements MountTable {
  private static final Pattern AZURE_LUN = Pattern.compile("/dev/disk/azure/scsi1/lun(\\d+)");

  private final HostTransport host;
  private final StepContext ctx;
  private final SandboxLayout layout;
  private final String vm;

  SandboxMounts(HostTransport host, StepContext ctx) throws StepFailure {
    this.host = host;
    this.ctx = ctx;
    this.layout = SandboxLayout.of(ctx.inventory().cloud());
    this.vm = ctx.requireTarget().vmName();
  }

  /**
   * Whether the step's host is a sandbox VM: the inventory's cloud is the sandbox, or the host's database is a sandbox
   * VM's server ({@code service: {kind: sandbox}}) under another cloud provider. The second case is a test estate
   * whose cloud calls go to Azure (the ARM emulator) while its VMs are sandbox folders under {@code cloud.root}; a
   * real Azure host never has service kind sandbox, so its mounts stay real mounts.
   */
  static boolean applies(StepContext ctx) {
    if (ctx.inventory() == null || ctx.inventory().cloud() == null) return false;
    if ("sandbox".equals(ctx.inventory().cloud().provider())) return true;
    return ctx.target().flatMap(h -> h.service()).map(s -> "sandbox".equals(s.kind())).orElse(false);
  }

  /**
   * The device of a sandbox disk: Azure's LUN path (the inventory default) stands for the VM's LUN slot, so an
   * inventory written for Azure means the same disk here.
   */
  static String lunSlot(String device, String root, String vm) {
    Matcher m = AZURE_LUN.matcher(device);
    return m.matches() ? root + "/vms/" + vm + "/lun/" + m.group(1) : device;
  }

  /** The sandbox VM's fstab, which stands for /etc/fstab (written by {@code sandbox up}, in the sandbox's paths). */
  static String fstab(StepContext ctx) throws StepFailure {
    return SandboxLayout.of(ctx.inventory().cloud()).vm(ctx.requireTarget().vmName()).resolve("etc/fstab").toString();
  }

  @Override
  public Optional<String> realPath(String path) throws StepFailure, InterruptedException {
    CommandResult r = run(HostCommand.of("realpath", "-e", "--", path));
    return r.exitCode() == 0 ? Optional.of(r.stdout().strip()) : Optional.empty();
  }

  @Override
  public Optional<Mounted> at(String path) throws StepFailure, InterruptedException {
    Optional<String> real = realPath(path);
    if (real.isEmpty()) return Optional.empty();
    Path p = Path.of(real.get());
    boolean diskContent = p.getFileName() != null && p.getFileName().toString().equals("fs")
        && p.getParent() != null && layout.disks().equals(p.getParent().getParent());
    if (!diskContent) return Optional.empty();
    String disk = p.getParent().toString();
    return Optional.of(new Mounted(Path.of(path).toAbsolutePath().normalize().toString(), disk, disk));
  }

  @Override
  public String devicePath(String device) throws StepFailure, InterruptedException {
    String slot = lunSlot(device, layout.root().toString(), vm);
    Optional<String> disk = realPath(slot);
    if (disk.isEmpty()) {
      throw StepFailure.fatal("step " + ctx.stepId() + " on " + host.describe() + ": the device " + device
              + (slot.equals(device) ? "" : " (" + slot + ")") + " does not exist: no disk is attached there",
          "check that the disk is attached at the expected LUN (runbook sandbox status)");
    }
    if (!layout.disks().equals(Path.of(disk.get()).getParent())) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + device + " is " + disk.get() + ", not a disk of the sandbox "
          + layout.root(), "in the sandbox a device is a VM's LUN slot, e.g. " + layout.lun(vm, 9));
    }
    return disk.get();
  }

  @Override public String deviceNumber(String devicePath) { return devicePath; }

  /**
   * A sandbox disk's "filesystem UUID" is the marker {@code sandbox up} writes at the root of its content: made once
   * with the disk (its unique id), and carried by every copy (snapshot, recovery point, disk made from them) the way
   * a block copy carries an XFS UUID. So a disk restored from the backup disk's point has the backup disk's.
   */
  @Override
  public Optional<String> uuidOf(String devicePath) {
    Path marker = Path.of(devicePath, "fs", SandboxEstate.MARKER);
    try {
      return Files.isRegularFile(marker) ? Optional.of(Files.readString(marker).strip()).filter(u -> !u.isEmpty()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A path (a LUN path stands for the VM's slot) or UUID= among the VM's attached disks; the sandbox has no labels. */
  @Override
  public List<String> devicesNamedBy(String source) throws StepFailure, InterruptedException {
    if (source.startsWith("/")) {
      Optional<String> real = realPath(lunSlot(source, layout.root().toString(), vm));
      return real.filter(r -> layout.disks().equals(Path.of(r).getParent())).map(List::of).orElse(List.of());
    }
    if (!source.regionMatches(true, 0, "UUID=", 0, 5)) return List.of();
    List<String> out = new ArrayList<>();
    for (String disk : layout.luns(vm).values()) {
      String dev = layout.disk(disk).toString();
      if (uuidOf(dev).filter(source.substring(5)::equals).isPresent()) out.add(dev);
    }
    return out;
  }

  @Override public boolean uuidMounted(String uuid) { return false; }

  @Override
  public boolean exists(String path) throws StepFailure, InterruptedException {
    return run(HostCommand.of("test", "-e", path)).exitCode() == 0;
  }

  @Override
  public void mount(String devicePath, String mountPoint, HostCommand mount) throws StepFailure, InterruptedException {
    for (HostCommand c : mountCommands(devicePath, mountPoint)) HostCommands.check(host, c, ctx);
  }

  /** The link commands that stand for mount(8) here. */
  static List<HostCommand> mountCommands(String diskFolder, String mountPoint) {
    String parent = Path.of(mountPoint).getParent().toString();
    return List.of(HostCommand.of("mkdir", "-p", "--", parent),
        HostCommand.of("ln", "-sT", "--", diskFolder + "/fs", mountPoint));
  }

  @Override
  public CommandResult unmount(String mountPoint, HostCommand umount) throws StepFailure, InterruptedException {
    return run(unmountCommand(mountPoint));
  }

  /** Removes the mount link (never what it points at). */
  static HostCommand unmountCommand(String mountPoint) { return HostCommand.of("rm", "--", mountPoint); }

  private CommandResult run(HostCommand c) throws StepFailure, InterruptedException {
    return HostCommands.run(host, c, ctx);
  }
}

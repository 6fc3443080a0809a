package io.runbook.steps.host;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import java.util.Optional;

/**
 * What is mounted where on a host, and how to mount and unmount: block devices and mount(8) on a real VM
 * ({@link Mounts}), links to disk folders in the sandbox ({@link SandboxMounts}). Chosen by the inventory's cloud
 * provider, or per host by a sandbox service ({@link SandboxMounts#applies}), so the mount steps (and the runbooks
 * using them) are the same in both.
 */
interface MountTable {
  /** What is mounted at a path: the mount point, an identity of the disk (major:minor, or the sandbox disk folder), its source. */
  record Mounted(String mountPoint, String majorMinor, String source) {}

  /** The table for a host of this run's inventory. */
  static MountTable of(HostTransport host, StepContext ctx, boolean sudo) throws StepFailure {
    return SandboxMounts.applies(ctx) ? new SandboxMounts(host, ctx) : new Mounts(host, ctx, sudo);
  }

  /** The resolved path, or empty when it does not exist. */
  Optional<String> realPath(String path) throws StepFailure, InterruptedException;

  /** The mount at {@code path}, or empty when nothing is mounted there. */
  Optional<Mounted> at(String path) throws StepFailure, InterruptedException;

  /** A device reference resolved to the device it names; fails when there is none (e.g. nothing attached at the LUN). */
  String devicePath(String device) throws StepFailure, InterruptedException;

  /** The identity {@link Mounted#majorMinor()} shows for that device when it is mounted. */
  String deviceNumber(String devicePath) throws StepFailure, InterruptedException;

  /** The filesystem UUID of a device, or empty. */
  Optional<String> uuidOf(String devicePath) throws StepFailure, InterruptedException;

  /** Whether a filesystem with this UUID is mounted somewhere on the host. */
  boolean uuidMounted(String uuid) throws StepFailure, InterruptedException;

  /**
   * The devices an fstab source names now: a tag (UUID=, LABEL=, PARTUUID=, PARTLABEL=, as blkid matches it) or a
   * device path; empty when it names none. More than one when a disk copy carries the same filesystem UUID.
   */
  java.util.List<String> devicesNamedBy(String source) throws StepFailure, InterruptedException;

  boolean exists(String path) throws StepFailure, InterruptedException;

  /** Mounts the device at the mount point; {@code mount} is the mount(8) command a real host runs. */
  void mount(String devicePath, String mountPoint, HostCommand mount) throws StepFailure, InterruptedException;

  /** Unmounts the mount point; {@code umount} is the umount(8) command a real host runs. */
  CommandResult unmount(String mountPoint, HostCommand umount) throws StepFailure, InterruptedException;
}

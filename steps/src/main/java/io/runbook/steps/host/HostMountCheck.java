package io.runbook.steps.host;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.util.Optional;

/**
 * The guard that keeps a database from starting on an empty folder: fails unless the mount point (symlinks
 * resolved) is a mount of the expected device (same major:minor) and, when given, the marker file is there.
 */
@Doc("Fail unless the mount point is a mount of the expected device (and the marker file exists)")
public final class HostMountCheck implements StepType<HostMountCheck.Input, HostMountCheck.Output> {

  @Doc("What must be mounted where; defaults come from the host's disk in the inventory")
  public record Input(
      @Doc(value = "Which inventory disk: data or backup", defaultValue = "data") Optional<String> disk,
      @Doc("Device path or UUID=<uuid>; default: the disk's device") Optional<String> device,
      @Doc("Mount point; default: the disk's mount") Optional<String> mountPoint,
      @Doc("A file that only exists on the real disk (relative to the mount point or absolute); default: the disk's marker") Optional<String> marker,
      @Doc(value = "Run the commands through sudo -n", defaultValue = "false") Optional<Boolean> sudo) {}

  @Doc("The verified mount")
  public record Output(
      @Doc("Mount point with symlinks resolved") String mountPoint,
      @Doc("The expected device, resolved") String device,
      @Doc("Its major:minor device number") String majorMinor,
      @Doc("Whether a marker was checked and found") boolean markerFound) {}

  @Override public String name() { return "host.mount.check"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      MountTarget t = target(in, ctx);
      String host = ctx.target().map(h -> h.name()).orElse("?");
      if (SandboxMounts.applies(ctx)) {
        String slot = SandboxMounts.lunSlot(t.device(), ctx.inventory().cloud().root().orElse("<root>"), ctx.requireTarget().vmName());
        Plan s = Plan.command(host, HostCommand.of("realpath", "-e", "--", t.mountPoint()).commandLine())
            .then(Plan.Kind.COMMAND, host, HostCommand.of("realpath", "-e", "--", slot).commandLine())
            .then(Plan.note("sandbox: the mount point must resolve to the fs/ of the disk at " + slot));
        return t.marker().map(m -> s.then(Plan.Kind.COMMAND, host, HostCommand.of("test", "-e", m).commandLine())).orElse(s);
      }
      Plan p = Plan.command(host, HostCommand.of("mountpoint", "-d", "--", t.mountPoint()).commandLine())
          .then(Plan.Kind.COMMAND, host, (t.device().startsWith("UUID=")
              ? Mounts.findByUuid(t.device().substring(5)) : HostCommand.of("stat", "-L", "-c", "%F|%t|%T", "--", t.device())).commandLine());
      return t.marker().map(m -> p.then(Plan.Kind.COMMAND, host, HostCommand.of("test", "-e", m).commandLine())).orElse(p);
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    return check(target(in, ctx), Transports.forTarget(ctx), ctx, in.sudo().orElse(false));
  }

  /** The check itself, also run by db.service.start before it starts the database. */
  static Output check(MountTarget t, HostTransport host, StepContext ctx, boolean sudo) throws StepFailure, InterruptedException {
    MountTable mounts = MountTable.of(host, ctx, sudo);
    String where = "step " + ctx.stepId() + " on " + host.describe() + ": ";
    Optional<MountTable.Mounted> now = mounts.at(t.mountPoint());
    if (now.isEmpty()) {
      throw StepFailure.fatal(where + t.mountPoint() + " is NOT a mount point"
              + (mounts.realPath(t.mountPoint()).isEmpty() ? " (it does not exist)" : " (it is a plain folder)")
              + "; expected " + t.device() + " there. Refusing to go on: a database started now would run on the wrong disk.",
          "mount the disk (host.mount) and check that it is attached; see dmesg and lsblk on the host");
    }
    String dev = mounts.devicePath(t.device());
    String number = mounts.deviceNumber(dev);
    if (!now.get().majorMinor().equals(number)) {
      throw StepFailure.fatal(where + t.mountPoint() + " is a mount of " + now.get().source() + " (" + now.get().majorMinor()
              + "), not of " + t.device() + " = " + dev + " (" + number + ")",
          "unmount it and mount the right disk; check which disk is at which LUN (ls -l /dev/disk/azure/scsi1/)");
    }
    if (t.marker().isPresent() && !mounts.exists(t.marker().get())) {
      throw StepFailure.fatal(where + t.mountPoint() + " is a mount of " + dev + " but the marker " + t.marker().get()
              + " is missing: this may be a blank or wrong disk",
          "check the disk's content; if it is right, create the marker file on it");
    }
    ctx.log().info(t.mountPoint() + " on " + host.describe() + " is a mount of " + dev + " (" + number + ")"
        + t.marker().map(m -> ", marker " + m + " present").orElse(""));
    return new Output(now.get().mountPoint(), dev, number, t.marker().isPresent());
  }

  private static MountTarget target(Input in, StepContext ctx) throws StepFailure {
    return MountTarget.resolve(ctx, in.disk(), in.device(), in.mountPoint(), Optional.empty(), in.marker());
  }
}

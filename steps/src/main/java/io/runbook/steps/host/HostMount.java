package io.runbook.steps.host;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mounts a disk at its mount point. Already mounted there: nothing to do; something else mounted there: refused.
 * For XFS, {@code nouuid} is added when a filesystem with the same UUID is already mounted on the host (a disk made
 * from a snapshot of a disk that is still attached), or when asked for.
 */
@Doc("Mount a device (path or UUID=...) at a mount point; read-only option; XFS duplicate UUIDs handled with nouuid")
public final class HostMount implements StepType<HostMount.Input, HostMount.Output> {

  @Doc("What to mount where; defaults come from the host's disk in the inventory")
  public record Input(
      @Doc(value = "Which inventory disk: data or backup", defaultValue = "data") Optional<String> disk,
      @Doc("Device path or UUID=<uuid>; default: the disk's device") Optional<String> device,
      @Doc("Mount point; default: the disk's mount") Optional<String> mountPoint,
      @Doc("File system type; default: the disk's fsType (xfs)") Optional<String> fsType,
      @Doc(value = "Mount read-only", defaultValue = "false") Optional<Boolean> readOnly,
      @Doc(value = "XFS nouuid: true forces it, false forbids it", defaultValue = "when the UUID is already mounted") Optional<Boolean> nouuid,
      @Doc("More mount options, e.g. [noatime]") Optional<List<String>> options,
      @Doc(value = "Run the commands through sudo -n", defaultValue = "false") Optional<Boolean> sudo) {}

  @Doc("The mount")
  public record Output(
      @Doc("Whether this step mounted it (false: it already was)") boolean changed,
      @Doc("The block device mounted") String device,
      @Doc("Its major:minor device number") String majorMinor) {}

  @Override public String name() { return "host.mount"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      MountTarget t = target(in, ctx);
      String host = ctx.target().map(h -> h.name()).orElse("?");
      if (SandboxMounts.applies(ctx)) {
        String slot = SandboxMounts.lunSlot(t.device(), ctx.inventory().cloud().root().orElse("<root>"), ctx.requireTarget().vmName());
        Plan p = Plan.note("sandbox: mounting links the mount point to the disk at " + slot);
        for (HostCommand c : SandboxMounts.mountCommands("$(realpath " + slot + ")", t.mountPoint())) {
          p = p.then(Plan.Kind.COMMAND, host, c.commandLine());
        }
        return p;
      }
      boolean auto = in.nouuid().isEmpty() && isXfs(t);
      Plan p = Plan.command(host, HostCommand.of("mkdir", "-p", "--", t.mountPoint()).withSudo(sudo(in)).commandLine());
      String dev = t.device();
      if (dev.startsWith("UUID=")) {
        p = p.then(Plan.Kind.COMMAND, host, Mounts.findByUuid(dev.substring(5)).withSudo(sudo(in)).commandLine());
        dev = "<device found by blkid>";
      }
      p = p.then(Plan.Kind.COMMAND, host, mountCommand(in, t, dev, in.nouuid().orElse(false)).commandLine());
      return auto ? p.then(Plan.note("nouuid is added if a filesystem with the same UUID is already mounted on " + host)) : p;
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    MountTarget t = target(in, ctx);
    HostTransport host = Transports.forTarget(ctx);
    MountTable mounts = MountTable.of(host, ctx, sudo(in));
    String dev = mounts.devicePath(t.device());
    String number = mounts.deviceNumber(dev);
    Optional<MountTable.Mounted> now = mounts.at(t.mountPoint());
    if (now.isPresent()) {
      if (now.get().majorMinor().equals(number)) {
        ctx.log().info(t.mountPoint() + " on " + host.describe() + " already has " + dev + " mounted");
        return new Output(false, dev, number);
      }
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + t.mountPoint() + " on " + host.describe() + " already has "
          + now.get().source() + " (" + now.get().majorMinor() + ") mounted, not " + dev + " (" + number + ")",
          "unmount it first (host.unmount) if that is intended");
    }
    boolean nouuid = in.nouuid().orElse(false);
    if (!nouuid && isXfs(t)) {
      Optional<String> uuid = mounts.uuidOf(dev);
      boolean duplicate = uuid.isPresent() && mounts.uuidMounted(uuid.get());
      if (duplicate && in.nouuid().isPresent()) {
        // The kernel would refuse with only "wrong fs type, bad option"; say what it really is.
        throw StepFailure.fatal("step " + ctx.stepId() + ": " + dev + " on " + host.describe() + " holds XFS filesystem UUID "
            + uuid.get() + ", which is already mounted there (a disk restored from a snapshot of an attached disk), and"
            + " nouuid: false forbids mounting it with nouuid", "drop nouuid: false (or set nouuid: true), or unmount the"
            + " other filesystem with that UUID first");
      }
      nouuid = duplicate;
      if (nouuid) ctx.log().info("filesystem UUID " + uuid.get() + " is already mounted on " + host.describe() + ": mounting with nouuid");
    }
    mounts.mount(dev, t.mountPoint(), mountCommand(in, t, dev, nouuid));
    MountTable.Mounted after = mounts.at(t.mountPoint()).orElseThrow(() -> StepFailure.fatal(
        "step " + ctx.stepId() + ": mount reported success but " + t.mountPoint() + " is not a mount point"));
    if (!after.majorMinor().equals(number)) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + t.mountPoint() + " shows " + after.majorMinor() + " after mounting " + number);
    }
    return new Output(true, dev, number);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) throws InterruptedException {
    try {
      MountTarget t = target(in, ctx);
      MountTable mounts = MountTable.of(Transports.forTarget(ctx), ctx, sudo(in));
      String dev = mounts.devicePath(t.device());
      String number = mounts.deviceNumber(dev);
      Optional<MountTable.Mounted> now = mounts.at(t.mountPoint());
      if (now.isEmpty()) return Reconciled.notDone();
      return now.get().majorMinor().equals(number) ? Reconciled.done(new Output(true, dev, number))
          : Reconciled.unknown(t.mountPoint() + " has another device mounted");
    } catch (StepFailure e) {
      return Reconciled.unknown(e.getMessage());
    }
  }

  private static MountTarget target(Input in, StepContext ctx) throws StepFailure {
    MountTarget t = MountTarget.resolve(ctx, in.disk(), in.device(), in.mountPoint(), in.fsType(), Optional.empty());
    if (in.nouuid().orElse(false) && !isXfs(t)) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": nouuid is an XFS option but fsType is " + t.fsType().orElse("not set"));
    }
    return t;
  }

  private static boolean isXfs(MountTarget t) { return t.fsType().map("xfs"::equals).orElse(false); }

  private static boolean sudo(Input in) { return in.sudo().orElse(false); }

  // The resolved device path, not UUID=: mount's own UUID lookup needs udev's /dev/disk/by-uuid, blkid does not.
  private static HostCommand mountCommand(Input in, MountTarget t, String device, boolean nouuid) {
    List<String> opts = new ArrayList<>();
    if (in.readOnly().orElse(false)) opts.add("ro");
    if (nouuid) opts.add("nouuid");
    opts.addAll(in.options().orElse(List.of()));
    List<String> argv = new ArrayList<>(List.of("mount"));
    t.fsType().ifPresent(fs -> argv.addAll(List.of("-t", fs)));
    if (!opts.isEmpty()) argv.addAll(List.of("-o", String.join(",", opts)));
    argv.addAll(List.of("--", device, t.mountPoint()));
    return HostCommand.of(argv).withSudo(sudo(in));
  }
}

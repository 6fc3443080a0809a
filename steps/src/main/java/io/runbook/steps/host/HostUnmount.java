package io.runbook.steps.host;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.util.Optional;

/** Unmounts whatever is mounted at a mount point; nothing to do when nothing is. */
@Doc("Unmount a mount point (nothing to do when nothing is mounted there)")
public final class HostUnmount implements StepType<HostUnmount.Input, HostUnmount.Output> {

  @Doc("The mount point; default: the host's data disk mount")
  public record Input(
      @Doc(value = "Which inventory disk: data or backup", defaultValue = "data") Optional<String> disk,
      @Doc("Mount point; default: the disk's mount") Optional<String> mountPoint,
      @Doc(value = "Run the commands through sudo -n", defaultValue = "false") Optional<Boolean> sudo) {}

  @Doc("What happened")
  public record Output(
      @Doc("Whether something was unmounted") boolean changed,
      @Doc("What was mounted there (device), empty when nothing was") String device) {}

  @Override public String name() { return "host.unmount"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      String mp = mountPoint(in, ctx);
      HostCommand c = SandboxMounts.applies(ctx) ? SandboxMounts.unmountCommand(mp) : command(in, mp);
      return Plan.command(ctx.target().map(h -> h.name()).orElse("?"), c.commandLine());
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    String mp = mountPoint(in, ctx);
    HostTransport host = Transports.forTarget(ctx);
    MountTable mounts = MountTable.of(host, ctx, in.sudo().orElse(false));
    Optional<MountTable.Mounted> now = mounts.at(mp);
    if (now.isEmpty()) {
      ctx.log().info("nothing is mounted at " + mp + " on " + host.describe());
      return new Output(false, "");
    }
    HostCommand umount = command(in, now.get().mountPoint());
    CommandResult r = mounts.unmount(now.get().mountPoint(), umount);
    if (r.exitCode() != 0) {
      boolean busy = r.stderr().contains("busy");
      throw StepFailure.fatal("step " + ctx.stepId() + " on " + host.describe() + ": cannot unmount " + mp + " ("
              + now.get().source() + "): " + r.stderr().strip(),
          busy ? "something still uses it: stop the database first, and see `fuser -vm " + mp + "`" : "check dmesg on the host");
    }
    return new Output(true, now.get().source());
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) throws InterruptedException {
    try {
      MountTable mounts = MountTable.of(Transports.forTarget(ctx), ctx, in.sudo().orElse(false));
      return mounts.at(mountPoint(in, ctx)).isEmpty() ? Reconciled.done(new Output(true, "")) : Reconciled.notDone();
    } catch (StepFailure e) {
      return Reconciled.unknown(e.getMessage());
    }
  }

  private static String mountPoint(Input in, StepContext ctx) throws StepFailure {
    if (in.mountPoint().isPresent()) return in.mountPoint().get();
    return MountTarget.mountPointOf(ctx, in.disk());
  }

  private static HostCommand command(Input in, String mp) {
    return HostCommand.of("umount", "--", mp).withSudo(in.sudo().orElse(false));
  }
}

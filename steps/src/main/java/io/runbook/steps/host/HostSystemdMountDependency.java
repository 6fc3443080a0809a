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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Makes the container runtime's systemd unit require and start after the data disk's mount unit, so that after a
 * reboot a database container cannot start on an empty mount point. Writes a drop-in, reloads systemd, and checks
 * with {@code systemctl show} that systemd took it.
 */
@Doc("Write and enable the drop-in that makes the container runtime's unit Requires= and After= the data mount unit")
public final class HostSystemdMountDependency
    implements StepType<HostSystemdMountDependency.Input, HostSystemdMountDependency.Output> {
  static final String DROP_IN_NAME = "10-runbook-data-mount.conf";

  @Doc("Which unit must depend on which mount")
  public record Input(
      @Doc(value = "The container runtime's unit", defaultValue = "docker.service") Optional<String> unit,
      @Doc("Mount point; default: the data disk's mount") Optional<String> mountPoint,
      @Doc(value = "Where unit drop-ins live", defaultValue = "/etc/systemd/system") Optional<String> unitDir,
      @Doc(value = "Run systemctl and mkdir through sudo -n (the file itself is written as the login user)", defaultValue = "false") Optional<Boolean> sudo) {}

  @Doc("The dependency")
  public record Output(
      @Doc("Whether the drop-in was written or changed") boolean changed,
      @Doc("The mount unit, e.g. var-lib-mysql.mount") String mountUnit,
      @Doc("Path of the drop-in file") String dropIn) {}

  @Override public String name() { return "host.systemd.mount-dependency"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      Target t = target(in, ctx);
      String host = ctx.requireTarget().name();
      return Plan.command(host, mkdir(in, t).commandLine())
          .then(Plan.Kind.FILE, host, "write " + t.dropIn() + " (mode 0644) if it differs:\n" + content(t.mountUnit()))
          .then(Plan.Kind.COMMAND, host, reload(in).commandLine() + "   (when the file changed)")
          .then(Plan.Kind.COMMAND, host, show(in, t).commandLine());
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    Target t = target(in, ctx);
    HostTransport host = Transports.forTarget(ctx);
    HostCommands.check(host, mkdir(in, t), ctx);
    boolean changed = AtomicFileWriter.apply(host, desired(t), ctx);
    if (changed) HostCommands.check(host, reload(in), ctx);
    verify(host, in, t, ctx);
    ctx.log().info(t.unit() + " on " + host.describe() + " now Requires= and After= " + t.mountUnit()
        + (changed ? "" : " (already so)"));
    return new Output(changed, t.mountUnit(), t.dropIn());
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) throws InterruptedException {
    try {
      Target t = target(in, ctx);
      HostTransport host = Transports.forTarget(ctx);
      if (!AtomicFileWriter.matches(host, desired(t), ctx)) return Reconciled.notDone();
      verify(host, in, t, ctx);
      return Reconciled.done(new Output(true, t.mountUnit(), t.dropIn()));
    } catch (StepFailure e) {
      // Written but not loaded (crash before daemon-reload): running the step again reloads.
      return Reconciled.notDone();
    }
  }

  private record Target(String unit, String mountUnit, String dropInDir, String dropIn) {}

  private static Target target(Input in, StepContext ctx) throws StepFailure {
    String unit = in.unit().orElse("docker.service");
    if (!unit.matches("[A-Za-z0-9:_.@\\\\-]+\\.service")) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": unit '" + unit + "' is not a service unit name like docker.service");
    }
    String mp = in.mountPoint().isPresent() ? in.mountPoint().get()
        : MountTarget.mountPointOf(ctx, Optional.empty());
    String dir = in.unitDir().orElse("/etc/systemd/system") + "/" + unit + ".d";
    return new Target(unit, SystemdUnits.mountUnit(mp), dir, dir + "/" + DROP_IN_NAME);
  }

  static String content(String mountUnit) {
    return "# Written by runbook (host.systemd.mount-dependency): the container runtime must not start\n"
        + "# before the data disk is mounted, so a database container never starts on an empty folder.\n"
        + "[Unit]\nRequires=" + mountUnit + "\nAfter=" + mountUnit + "\n";
  }

  private static AtomicFileWriter.Desired desired(Target t) {
    return new AtomicFileWriter.Desired(t.dropIn(), content(t.mountUnit()).getBytes(StandardCharsets.UTF_8),
        Optional.of(0644), Optional.empty());
  }

  private static HostCommand mkdir(Input in, Target t) {
    return HostCommand.of("mkdir", "-p", "--", t.dropInDir()).withSudo(in.sudo().orElse(false));
  }

  private static HostCommand reload(Input in) {
    return HostCommand.of("systemctl", "daemon-reload").withSudo(in.sudo().orElse(false));
  }

  private static HostCommand show(Input in, Target t) {
    return HostCommand.of("systemctl", "show", "-p", "Requires", "-p", "After", t.unit()).withSudo(in.sudo().orElse(false));
  }

  private static void verify(HostTransport host, Input in, Target t, StepContext ctx) throws StepFailure, InterruptedException {
    String shown = HostCommands.check(host, show(in, t), ctx);
    boolean requires = false;
    boolean after = false;
    for (String line : shown.split("\n")) {
      boolean listed = Arrays.asList(line.substring(line.indexOf('=') + 1).trim().split("\\s+")).contains(t.mountUnit());
      if (line.startsWith("Requires=")) requires = listed;
      if (line.startsWith("After=")) after = listed;
    }
    if (!requires || !after) {
      throw StepFailure.fatal("step " + ctx.stepId() + " on " + host.describe() + ": " + t.dropIn() + " is in place but `"
              + show(in, t).commandLine() + "` does not list " + t.mountUnit() + " in " + (requires ? "After=" : "Requires="),
          "look at `systemctl cat " + t.unit() + "` on the host: another drop-in may override it, or daemon-reload failed");
    }
  }
}

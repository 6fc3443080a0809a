package io.runbook.steps.host;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs a command (an argument list, quoted for the remote shell) or a script on a host; output streams to the run log. */
@Doc("Run a command or a script on a host; stdout and stderr are streamed live and captured with the exit code;"
    + " CHANGES unless declared effect: READS")
public final class HostExec implements StepType<HostExec.Input, HostExec.Output> {

  @Doc("A command as an argument list, or a shell script; exactly one of the two")
  public record Input(
      @Doc("The command as an argument list; each element reaches the program as one argument, verbatim") Optional<List<String>> command,
      @Doc("A shell script run by `sh -c` (use command for anything built from parameters)") Optional<String> script,
      @Doc(value = "Run through `sudo -n`", defaultValue = "false") Optional<Boolean> sudo,
      @Doc("Environment variables for the command; the values reach the host on stdin, never on its command line"
          + " (where ps and sudo's log would show them), so pass passwords here, not in `command`; names bash keeps read-only (UID, EUID, PPID, ...) are refused")
          Optional<Map<String, String>> env,
      @Doc("Kill the command after this long, e.g. 30s or 5m (the step's timeout also applies)") Optional<String> timeout,
      @Doc(value = "Exit codes that count as success", defaultValue = "[0]") Optional<List<Integer>> allowExitCodes,
      @Doc(value = "What the command does: READS (safe in a dry-run, retried by retry:), CHANGES or DESTROYS",
          defaultValue = "CHANGES") Optional<Effect> effect) {

    /** A command or script with every option at its default. */
    public Input(Optional<List<String>> command, Optional<String> script, Optional<Boolean> sudo,
                 Optional<Map<String, String>> env, Optional<String> timeout, Optional<List<Integer>> allowExitCodes) {
      this(command, script, sudo, env, timeout, allowExitCodes, Optional.empty());
    }

    /** The same input with other allowed exit codes. */
    public Input withAllowed(List<Integer> codes) {
      return new Input(command, script, sudo, env, timeout, Optional.of(codes), effect);
    }

    /** The same input declared with another effect. */
    public Input withEffect(Effect e) {
      return new Input(command, script, sudo, env, timeout, allowExitCodes, Optional.of(e));
    }
  }

  @Doc("How the command ended")
  public record Output(
      @Doc("Exit code") int exitCode,
      @Doc("Standard output (the last 1 MiB)") String stdout,
      @Doc("Standard error (the last 1 MiB)") String stderr) {}

  @Override public String name() { return "host.exec"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public Effect effectOf(Input in) { return in.effect().orElse(Effect.CHANGES); }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      return Plan.command(ctx.stepId() + "@" + ctx.target().map(h -> h.name()).orElse("?"), command(in, ctx).commandLine());
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    HostCommand cmd = command(in, ctx);
    HostTransport host = Transports.forTarget(ctx);
    CommandResult r = HostCommands.run(host, cmd, ctx);
    if (!in.allowExitCodes().orElse(List.of(0)).contains(r.exitCode())) {
      StepFailure f = HostCommands.failed(host, cmd, r, ctx.stepId());
      // A read-only check (is the disk there yet?) may pass later, and repeating it cannot harm: retryable.
      throw effectOf(in) == Effect.READS ? new StepFailure(f.getMessage(), true, f.hint(), null) : f;
    }
    return new Output(r.exitCode(), r.stdout(), r.stderr());
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    return Reconciled.unknown("a command's effect cannot be inspected in general; check the host, then --assume-done or --rerun");
  }

  private static HostCommand command(Input in, StepContext ctx) throws StepFailure {
    if (in.command().isPresent() == in.script().isPresent()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": give exactly one of `command` (argument list) or `script`");
    }
    if (in.command().isPresent() && in.command().get().isEmpty()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": `command` is empty");
    }
    HostCommand cmd = in.command().isPresent() ? HostCommand.of(in.command().get()) : HostCommand.script(in.script().get());
    try {
      cmd = cmd.withEnv(in.env().orElse(Map.of())).withSudo(in.sudo().orElse(false));
      if (in.timeout().isPresent()) cmd = cmd.withTimeout(Durations.parse(in.timeout().get()));
    } catch (IllegalArgumentException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + e.getMessage());
    }
    return cmd;
  }
}

package io.runbook.steps.host;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.process.OutputTail;
import java.time.Duration;
import java.time.Instant;

/** Runs host commands the way steps need them: bounded by the step's deadline, failing with the command and its stderr. */
public final class HostCommands {
  private HostCommands() {}

  /** Runs the command; any exit code is returned. The step's {@code timeout:} caps the command's own timeout. */
  public static CommandResult run(HostTransport host, HostCommand command, StepContext ctx)
      throws StepFailure, InterruptedException {
    return host.exec(withinDeadline(command, ctx), ctx.log());
  }

  /** Runs the command and fails unless it exits 0; returns its stdout. */
  public static String check(HostTransport host, HostCommand command, StepContext ctx)
      throws StepFailure, InterruptedException {
    CommandResult r = run(host, command, ctx);
    if (r.exitCode() != 0) throw failed(host, command, r, ctx.stepId());
    return r.stdout();
  }

  /** A failure naming the step, host, exact command, exit code and the end of its stderr. */
  public static StepFailure failed(HostTransport host, HostCommand command, CommandResult r, String stepId) {
    if (command.sudo() && r.exitCode() == 1 && r.stderr().contains("sudo: a password is required")) {
      // sudo -n never prompts: it refuses at once, so the operator learns here instead of watching a hang.
      return StepFailure.fatal("step " + stepId + " on " + host.describe() + ": sudo refused `" + command.commandLine()
          + "`: the login user may not run it without a password (sudo -n: a password is required)",
          "allow the login user passwordless sudo for this command on the host (a NOPASSWD rule under /etc/sudoers.d),"
              + " or log in as a user that has it");
    }
    return StepFailure.fatal("step " + stepId + " on " + host.describe() + ": `" + command.commandLine() + "` exited with "
        + r.exitCode() + OutputTail.of(r.stdout(), r.stderr()), "see the command's output above");
  }

  static HostCommand withinDeadline(HostCommand command, StepContext ctx) {
    if (ctx.deadline().isEmpty()) return command;
    Duration left = Duration.between(Instant.now(), ctx.deadline().get());
    if (left.isNegative()) left = Duration.ZERO;
    if (command.timeout().isPresent() && command.timeout().get().compareTo(left) < 0) return command;
    return command.withTimeout(left);
  }
}

package io.runbook.steps.host.service;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.HostCommands;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import java.util.List;

/** The database run by the operator's own commands (argument lists); status exit 0 means running. */
public final class CustomService implements ServiceController {
  private final HostCommand start;
  private final HostCommand stop;
  private final HostCommand status;

  CustomService(List<String> start, List<String> stop, List<String> status, boolean sudo) {
    this.start = HostCommand.of(start).withSudo(sudo);
    this.stop = HostCommand.of(stop).withSudo(sudo);
    this.status = HostCommand.of(status).withSudo(sudo);
  }

  /** Registers kind {@code custom}. */
  public static final class Kind implements ServiceKind {
    @Override public String kind() { return "custom"; }

    @Override
    public ServiceController controller(Host host, ServiceSpec spec, boolean sudo) throws StepFailure {
      return new CustomService(need(host, "start", spec.start()), need(host, "stop", spec.stop()),
          need(host, "status", spec.status()), sudo);
    }

    private static List<String> need(Host host, String what, java.util.Optional<List<String>> cmd) throws StepFailure {
      if (cmd.isEmpty() || cmd.get().isEmpty()) {
        throw StepFailure.fatal("host " + host.name() + ": service kind custom needs a " + what + " command (argument list)",
            "add " + what + ": [...] to the host's service block");
      }
      return cmd.get();
    }
  }

  @Override public Plan planStart(String host) { return Plan.command(host, start.commandLine()); }
  @Override public Plan planStop(String host) { return Plan.command(host, stop.commandLine()); }
  @Override public Plan planStatus(String host) { return Plan.command(host, status.commandLine()); }

  @Override
  public void start(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    HostCommands.check(host, start, ctx);
  }

  @Override
  public void stop(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    HostCommands.check(host, stop, ctx);
  }

  @Override
  public State status(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    CommandResult r = HostCommands.run(host, status, ctx);
    return new State(r.exitCode() == 0, "status command exited with " + r.exitCode());
  }
}

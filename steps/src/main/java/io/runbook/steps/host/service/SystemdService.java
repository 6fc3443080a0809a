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

/** The database as a systemd unit: {@code systemctl start|stop|is-active UNIT}. */
public final class SystemdService implements ServiceController {
  private final String unit;
  private final boolean sudo;

  SystemdService(String unit, boolean sudo) {
    this.unit = unit;
    this.sudo = sudo;
  }

  /** Registers kind {@code systemd}. */
  public static final class Kind implements ServiceKind {
    @Override public String kind() { return "systemd"; }

    @Override
    public ServiceController controller(Host host, ServiceSpec spec, boolean sudo) throws StepFailure {
      return new SystemdService(spec.unit().orElseThrow(() -> StepFailure.fatal(
          "host " + host.name() + ": service kind systemd needs unit:", "add e.g. unit: mariadb")), sudo);
    }
  }

  /** Debian's server reads every .cnf here ({@code !includedir} in /etc/mysql/mariadb.cnf); 99- sorts last, so it wins. */
  static final String DEBIAN_FENCE_FILE = "/etc/mysql/mariadb.conf.d/99-runbook-fence.cnf";

  @Override
  public java.util.Optional<String> defaultFenceFile(StepContext ctx) { return java.util.Optional.of(DEBIAN_FENCE_FILE); }

  private HostCommand systemctl(String verb) { return HostCommand.of("systemctl", verb, unit).withSudo(sudo); }

  @Override public Plan planStart(String host) { return Plan.command(host, systemctl("start").commandLine()); }
  @Override public Plan planStop(String host) { return Plan.command(host, systemctl("stop").commandLine()); }
  @Override public Plan planStatus(String host) { return Plan.command(host, systemctl("is-active").commandLine()); }

  @Override
  public void start(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    HostCommands.check(host, systemctl("start"), ctx);
  }

  @Override
  public void stop(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    HostCommands.check(host, systemctl("stop"), ctx);
  }

  @Override
  public State status(HostTransport host, StepContext ctx) throws StepFailure, InterruptedException {
    // is-active exits 0 only for "active"; its stdout says which other state (inactive, failed, activating...).
    CommandResult r = HostCommands.run(host, systemctl("is-active"), ctx);
    return new State(r.exitCode() == 0, unit + ": " + r.stdout().strip());
  }
}

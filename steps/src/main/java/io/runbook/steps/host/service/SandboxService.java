package io.runbook.steps.host.service;

import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import io.runbook.steps.cloud.sandbox.VmServer;
import io.runbook.steps.host.transport.HostTransport;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The database of a sandbox VM: a real mariadbd on the VM's mount (datadir), with the port and socket of the host's
 * db spec and the VM's server id, started detached so it outlives the CLI. A stopped VM's server cannot start.
 */
public final class SandboxService implements ServiceController {
  private final Host host;

  SandboxService(Host host) { this.host = host; }

  /** Registers kind {@code sandbox}. */
  public static final class Kind implements ServiceKind {
    @Override public String kind() { return "sandbox"; }

    @Override
    public ServiceController controller(Host host, ServiceSpec spec, boolean sudo) throws StepFailure {
      if (host.db().isEmpty()) {
        throw StepFailure.fatal("host " + host.name() + ": service kind sandbox needs the host's db: block (port, user)",
            "add db: {port: ..., user: ...} to host " + host.name());
      }
      if (host.dataDisk().isEmpty() && host.db().get().datadir().isEmpty()) {
        throw StepFailure.fatal("host " + host.name() + ": service kind sandbox needs a dataDisk (its mount is the datadir)",
            "add dataDisk: {name: ..., lun: 9, mount: ...} to host " + host.name());
      }
      return new SandboxService(host);
    }
  }

  /** The datadir: the db spec's, else {@code <dataDisk.mount>/mysql}. */
  String datadir() {
    DbSpec db = host.db().orElseThrow();
    return db.datadir().orElseGet(() -> host.dataDisk().map(DiskSpec::mount).orElseThrow() + "/mysql");
  }

  @Override
  public Plan planStart(String target) {
    DbSpec db = host.db().orElseThrow();
    return Plan.command(target, "setsid mariadbd --no-defaults|--defaults-file=<root>/vms/" + host.vmName()
        + "/fence.cnf (while it exists) --datadir=" + datadir() + " --port=" + db.portOrDefault()
        + " --pid-file=<root>/vms/" + host.vmName() + "/mariadbd.pid --log-bin=bin --binlog-format=ROW --gtid-strict-mode=1"
        + " --sync-binlog=1 --innodb-flush-log-at-trx-commit=1 ... (sandbox VM " + host.vmName() + ")");
  }

  @Override
  public Plan planStop(String target) {
    return Plan.command(target, "kill -TERM $(cat <root>/vms/" + host.vmName() + "/mariadbd.pid); wait for exit (SIGKILL after "
        + io.runbook.engine.util.Durations.format(STOP_TIMEOUT) + ")");
  }

  @Override
  public Plan planStatus(String target) { return Plan.command(target, "kill -0 $(cat <root>/vms/" + host.vmName() + "/mariadbd.pid)"); }

  private static final java.time.Duration STOP_TIMEOUT = java.time.Duration.ofSeconds(60);

  /**
   * The estate the VM lives in: {@code cloud.root}. Usually the cloud is {@code provider: sandbox}; a test estate may
   * give its cloud calls to another provider (Azure, through the ARM emulator) and keep its VMs as sandbox folders
   * under the same root, so what needs the root is its presence, not the provider's name.
   */
  private SandboxLayout layout(StepContext ctx) throws StepFailure {
    if (ctx.inventory().cloud() == null || ctx.inventory().cloud().root().isEmpty()) {
      throw StepFailure.fatal("host " + host.name() + " has service kind sandbox but the inventory's cloud has no root "
              + "(the folder of the sandbox estate)",
          "use service kind sandbox only in a sandbox inventory (runbook sandbox up writes one)");
    }
    return SandboxLayout.of(ctx.inventory().cloud());
  }

  /** VmServer starts mariadbd with this file as its only option file while it exists. */
  @Override
  public java.util.Optional<String> defaultFenceFile(StepContext ctx) {
    try {
      return java.util.Optional.of(layout(ctx).fenceFile(host.vmName()).toString());
    } catch (StepFailure noEstate) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public void start(HostTransport transport, StepContext ctx) throws StepFailure, InterruptedException {
    SandboxLayout layout = layout(ctx);
    SandboxLayout.VmMeta vm = layout.readVm(host.vmName()).orElseThrow(() -> StepFailure.fatal(
        "host " + host.name() + ": sandbox VM " + host.vmName() + " does not exist under " + layout.root(),
        "runbook sandbox status lists the VMs; runbook sandbox up builds them"));
    if (!"running".equals(vm.powerState())) {
      throw StepFailure.fatal("host " + host.name() + ": sandbox VM " + vm.name() + " is " + vm.powerState()
          + "; its database cannot start", "start the VM first (cloud.vm.start)");
    }
    DbSpec db = host.db().orElseThrow();
    Path socket = db.socket().map(Path::of).orElse(layout.socket(vm.name()));
    new VmServer(layout, vm.name()).start(new VmServer.Settings(Path.of(datadir()), db.portOrDefault(), socket, vm.serverId()),
        ctx.log());
  }

  @Override
  public void stop(HostTransport transport, StepContext ctx) throws StepFailure, InterruptedException {
    new VmServer(layout(ctx), host.vmName()).stop(STOP_TIMEOUT, ctx.log());
  }

  @Override
  public State status(HostTransport transport, StepContext ctx) throws StepFailure, InterruptedException {
    OptionalLong pid = new VmServer(layout(ctx), host.vmName()).pid();
    return pid.isPresent() ? new State(true, "mariadbd of sandbox VM " + host.vmName() + " runs (pid " + pid.getAsLong() + ")")
        : new State(false, "no mariadbd runs for sandbox VM " + host.vmName());
  }
}

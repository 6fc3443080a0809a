package io.runbook.steps.host.service;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import io.runbook.steps.db.MariaDbClient;
import io.runbook.steps.host.HostMountCheck;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.time.Duration;
import java.util.Optional;

/**
 * Starts the host's database service the way the inventory says it runs, after checking that the data disk is
 * mounted (so it never starts on an empty folder), and waits until the server answers a query. Fenced, it first
 * writes the boot fence (read_only=ON, skip_slave_start; see {@link Fence}) and refuses when the server that answers
 * is not read-only: a fence that did not take must not pass for one.
 */
@Doc("Start the database service (compose, systemd, custom...) after the data-disk mount check; wait until it answers "
    + "queries. fenced: true boots it read-only without replication (option-file drop-in) and verifies read_only=1")
public final class DbServiceStart implements StepType<DbServiceStart.Input, DbServiceStart.Output> {

  @Doc("How to start")
  public record Input(
      @Doc(value = "Skip the data-disk mount check", defaultValue = "false") Optional<Boolean> skipMountCheck,
      @Doc(value = "How long to wait for the server to answer, e.g. 5m", defaultValue = "5m") Optional<String> waitTimeout,
      @Doc(value = "Run the service commands through sudo -n", defaultValue = "false") Optional<Boolean> sudo,
      @Doc(value = "Boot fenced: write the inventory's service.fenceFile ([mariadbd] read_only=ON, skip_slave_start) before "
          + "the start, then refuse unless @@read_only is 1 at the first query; db.service.unfence removes the file",
          defaultValue = "false") Optional<Boolean> fenced) {

    boolean isFenced() { return fenced.orElse(false); }
  }

  @Doc("The started service")
  public record Output(
      @Doc("Whether this step started it (false: it was already running)") boolean started,
      @Doc("Milliseconds until the server answered a query") long waitedMillis,
      @Doc("@@read_only at the first query after the start, checked when fenced (null when not fenced)") Boolean readOnlyAtStart) {}

  @Override public String name() { return "db.service.start"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      Host host = ctx.requireTarget();
      Plan p = Plan.none();
      if (!in.skipMountCheck().orElse(false) && host.dataDisk().isPresent()) {
        p = p.then(new HostMountCheck().plan(new HostMountCheck.Input(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), in.sudo()), ctx));
      }
      ServiceController service = ServiceKinds.forHost(host, in.sudo().orElse(false));
      if (in.isFenced()) p = p.then(Fence.of(host, service, ctx, in.sudo().orElse(false)).planWrite());
      p = p.then(service.planStart(host.name()));
      p = p.then(Plan.waitFor(host.name(), readiness(host) + " within " + in.waitTimeout().orElse("5m")));
      return in.isFenced() ? p.then(Plan.sql(host.name(), FENCE_CHECK + "   (must be 1, 0: else the step fails, the fence did not take)")) : p;
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    Host host = ctx.requireTarget();
    ServiceController service = ServiceKinds.forHost(host, in.sudo().orElse(false));
    Duration timeout = timeout(in, ctx);
    HostTransport transport = Transports.forTarget(ctx);
    if (in.skipMountCheck().orElse(false)) {
      ctx.log().warn("mount check skipped (skipMountCheck: true)");
    } else if (host.dataDisk().isPresent()) {
      new HostMountCheck().run(new HostMountCheck.Input(Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), in.sudo()), ctx);
    } else {
      ctx.log().warn("host " + host.name() + " has no dataDisk in the inventory: no mount check before starting");
    }
    Optional<Fence> fence = in.isFenced() ? Optional.of(fence(host, service, ctx, in)) : Optional.empty();
    // Written before the status check too: rewriting it is harmless, and a resume after a crash between the write and
    // the start finds it in place either way.
    if (fence.isPresent()) fence.get().write(transport, ctx);
    boolean wasRunning = service.status(transport, ctx).running();
    if (wasRunning) {
      ctx.log().info("the database service on " + host.name() + " is already running");
    } else {
      service.start(transport, ctx);
    }
    long waited = ServiceReadiness.awaitUp(host, service, transport, ctx, timeout);
    if (fence.isEmpty()) return new Output(!wasRunning, waited, null);
    verifyFenced(host, fence.get(), wasRunning, ctx);
    return new Output(!wasRunning, waited, true);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) throws InterruptedException {
    try {
      Host host = ctx.requireTarget();
      ServiceController service = ServiceKinds.forHost(host, in.sudo().orElse(false));
      if (!service.status(Transports.forTarget(ctx), ctx).running()) return Reconciled.notDone();
      if (!ServiceReadiness.answers(host, ctx)) return Reconciled.unknown("the service runs but the server does not answer yet");
      if (!in.isFenced()) return Reconciled.done(new Output(true, 0, null));
      // Done only when the fence holds; otherwise the run checks again and refuses with the whole story.
      return fenceHolds(MariaDbClient.of(ctx, host)) ? Reconciled.done(new Output(true, 0, true))
          : Reconciled.notDone();
    } catch (StepFailure e) {
      return Reconciled.unknown(e.getMessage());
    }
  }

  /**
   * The replication threads of every connection: Slaves_running counts SQL threads only, and an IO thread that has
   * not reached its primary yet shows as Connect. PROCESSLIST shows them with the PROCESS privilege, which db.status's
   * client count already needs (without it the count is 0 and Slaves_running still sees the SQL threads).
   */
  static final String REPLICATION_THREADS = "(SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'system user'"
      + " AND COMMAND IN ('Slave_IO', 'Slave_SQL', 'Connect')) + (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
      + " WHERE VARIABLE_NAME = 'SLAVES_RUNNING')";

  /** read_only, and no replication thread running (skip_slave_start has no system variable to read in 10.11). */
  static final String FENCE_CHECK = "SELECT @@global.read_only, " + REPLICATION_THREADS;

  private static Fence fence(Host host, ServiceController service, StepContext ctx, Input in) throws StepFailure {
    if (host.db().isEmpty()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": fenced: true needs host " + host.name() + "'s db: block "
          + "(the step checks @@read_only after the start)", "add db: {port: ..., user: ...} to host " + host.name());
    }
    return Fence.of(host, service, ctx, in.sudo().orElse(false));
  }

  private static boolean fenceHolds(MariaDbClient db) throws StepFailure {
    return "1".equals(db.value("SELECT CONCAT(@@global.read_only = 1 AND " + REPLICATION_THREADS + " = 0)"));
  }

  /** The first query after the start: a server that is not read-only was not fenced, whatever the file says. */
  private static void verifyFenced(Host host, Fence fence, boolean wasRunning, StepContext ctx) throws StepFailure {
    MariaDbClient db = MariaDbClient.of(ctx, host);
    if (fenceHolds(db)) {
      ctx.log().info(host.name() + ": booted fenced (" + fence.file() + "): read_only=1, no replication running");
      return;
    }
    String why = wasRunning
        ? "the server was already running before this step, so it never read the fence"
        : "the server did not read " + fence.file() + " (is that folder in its option-file search path? for compose: is it "
            + "mounted into the container's /etc/mysql/conf.d?)";
    throw StepFailure.fatal("host " + host.name() + ": the fence did not take: " + FENCE_CHECK + " is not 1, 0 after the "
            + "start; " + why + ". Clients may write to it now",
        "at once: SET GLOBAL read_only = ON on " + host.name() + " (and STOP ALL SLAVES if replication runs); then fix "
            + "service.fenceFile in the inventory (or stop the server: a fenced start must boot it), and resume");
  }

  static Duration timeout(Input in, StepContext ctx) throws StepFailure {
    try {
      return Durations.parse(in.waitTimeout().orElse("5m"));
    } catch (IllegalArgumentException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": waitTimeout: " + e.getMessage());
    }
  }

  private static String readiness(Host host) {
    return host.db().isPresent()
        ? "TCP connect to " + host.dbAddress() + ":" + host.db().get().portOrDefault() + ", then SELECT 1"
        : "service status running (no db: block, so no query check)";
  }
}

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
 * mounted (so it never starts on an empty folder), and waits until the server answers a query.
 */
@Doc("Start the database service (compose, systemd, custom...) after the data-disk mount check; wait until it answers queries")
public final class DbServiceStart implements StepType<DbServiceStart.Input, DbServiceStart.Output> {

  @Doc("How to start")
  public record Input(
      @Doc(value = "Skip the data-disk mount check", defaultValue = "false") Optional<Boolean> skipMountCheck,
      @Doc(value = "How long to wait for the server to answer, e.g. 5m", defaultValue = "5m") Optional<String> waitTimeout,
      @Doc(value = "Run the service commands through sudo -n", defaultValue = "false") Optional<Boolean> sudo) {}

  @Doc("The started service")
  public record Output(
      @Doc("Whether this step started it (false: it was already running)") boolean started,
      @Doc("Milliseconds until the server answered a query") long waitedMillis) {}

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
      p = p.then(ServiceKinds.forHost(host, in.sudo().orElse(false)).planStart(host.name()));
      return p.then(Plan.waitFor(host.name(), readiness(host) + " within " + in.waitTimeout().orElse("5m")));
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
    boolean wasRunning = service.status(transport, ctx).running();
    if (wasRunning) {
      ctx.log().info("the database service on " + host.name() + " is already running");
    } else {
      service.start(transport, ctx);
    }
    long waited = ServiceReadiness.awaitUp(host, service, transport, ctx, timeout);
    return new Output(!wasRunning, waited);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) throws InterruptedException {
    try {
      Host host = ctx.requireTarget();
      ServiceController service = ServiceKinds.forHost(host, in.sudo().orElse(false));
      if (!service.status(Transports.forTarget(ctx), ctx).running()) return Reconciled.notDone();
      return ServiceReadiness.answers(host, ctx) ? Reconciled.done(new Output(true, 0))
          : Reconciled.unknown("the service runs but the server does not answer yet");
    } catch (StepFailure e) {
      return Reconciled.unknown(e.getMessage());
    }
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

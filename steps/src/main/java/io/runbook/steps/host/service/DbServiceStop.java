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
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.time.Duration;
import java.util.Optional;

/** Stops the host's database service (for compose: restart policy set to no first) and waits until it is down. */
@Doc("Stop the database service and wait until it is down; compose containers get restart policy no first")
public final class DbServiceStop implements StepType<DbServiceStop.Input, DbServiceStop.Output> {

  @Doc("How to stop")
  public record Input(
      @Doc(value = "How long to wait for the service to be down, e.g. 10m", defaultValue = "10m") Optional<String> waitTimeout,
      @Doc(value = "Run the service commands through sudo -n", defaultValue = "false") Optional<Boolean> sudo) {}

  @Doc("The stopped service")
  public record Output(@Doc("Whether this step stopped it (false: it was not running)") boolean stopped) {}

  @Override public String name() { return "db.service.stop"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      Host host = ctx.requireTarget();
      return ServiceKinds.forHost(host, in.sudo().orElse(false)).planStop(host.name())
          .then(Plan.waitFor(host.name(), "service reported not running within " + in.waitTimeout().orElse("10m")));
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    Host host = ctx.requireTarget();
    ServiceController service = ServiceKinds.forHost(host, in.sudo().orElse(false));
    HostTransport transport = Transports.forTarget(ctx);
    boolean wasRunning = service.status(transport, ctx).running();
    // Stop even when not running: for compose this still pins the restart policy to no.
    service.stop(transport, ctx);
    ServiceReadiness.awaitDown(host, service, transport, ctx, timeout(in, ctx));
    ctx.log().info("the database service on " + host.name() + (wasRunning ? " stopped" : " was not running"));
    return new Output(wasRunning);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) throws InterruptedException {
    try {
      ServiceController service = ServiceKinds.forHost(ctx.requireTarget(), in.sudo().orElse(false));
      return service.status(Transports.forTarget(ctx), ctx).running() ? Reconciled.notDone() : Reconciled.done(new Output(true));
    } catch (StepFailure e) {
      return Reconciled.unknown(e.getMessage());
    }
  }

  private static Duration timeout(Input in, StepContext ctx) throws StepFailure {
    try {
      return Durations.parse(in.waitTimeout().orElse("10m"));
    } catch (IllegalArgumentException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": waitTimeout: " + e.getMessage());
    }
  }
}

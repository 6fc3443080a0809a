package io.runbook.steps.host.service;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.host.transport.Transports;
import java.util.Optional;

/** Reports whether the host's database service runs, and whether the server answers a query. */
@Doc("Whether the database service runs (service manager) and answers a query")
public final class DbServiceStatus implements StepType<DbServiceStatus.Input, DbServiceStatus.Output> {

  @Doc("Options")
  public record Input(@Doc(value = "Run the status command through sudo -n", defaultValue = "false") Optional<Boolean> sudo) {}

  @Doc("The service's state")
  public record Output(
      @Doc("The service manager reports it running") boolean running,
      @Doc("The server accepts a connection and answers SELECT 1 (false without a db: block)") boolean answering,
      @Doc("What the service manager said") String detail) {}

  @Override public String name() { return "db.service.status"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      Host host = ctx.requireTarget();
      return ServiceKinds.forHost(host, in.sudo().orElse(false)).planStatus(host.name());
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    Host host = ctx.requireTarget();
    ServiceController.State s = ServiceKinds.forHost(host, in.sudo().orElse(false)).status(Transports.forTarget(ctx), ctx);
    boolean answering = host.db().isPresent() && s.running() && ServiceReadiness.answers(host, ctx);
    return new Output(s.running(), answering, s.detail());
  }
}

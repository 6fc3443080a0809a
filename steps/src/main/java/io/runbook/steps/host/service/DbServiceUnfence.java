package io.runbook.steps.host.service;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.host.transport.Transports;
import java.util.Optional;

/**
 * Lifts the boot fence written by {@code db.service.start fenced: true}: removes the drop-in, so the next start boots
 * with the server's own configuration. The running server keeps its read_only: opening it is {@code db.read-only
 * readOnly: false}, after this step (a crash in between leaves it read-only: the safe side). A host with no fence file
 * configured (a compose or custom service without service.fenceFile, started unfenced) has nothing to remove.
 */
@Doc("Remove the boot fence (service.fenceFile) written by db.service.start fenced: true; the running server's read_only is not changed")
public final class DbServiceUnfence implements StepType<DbServiceUnfence.Input, DbServiceUnfence.Output> {

  @Doc("Options")
  public record Input(@Doc(value = "Remove the file through sudo -n", defaultValue = "false") Optional<Boolean> sudo) {}

  @Doc("What was removed")
  public record Output(
      @Doc("The fence file (empty when none is configured)") String file,
      @Doc("Whether it was there (false: nothing to do)") boolean removed) {}

  @Override public String name() { return "db.service.unfence"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      return fence(in, ctx).map(Fence::planRemove).orElseGet(() -> Plan.note(NONE));
    } catch (StepFailure e) {
      return Plan.note(e.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    Optional<Fence> fence = fence(in, ctx);
    if (fence.isEmpty()) {
      ctx.log().info(ctx.requireTarget().name() + ": " + NONE);
      return new Output("", false);
    }
    boolean removed = fence.get().remove(Transports.forTarget(ctx), ctx);
    ctx.log().info(ctx.requireTarget().name() + ": boot fence " + fence.get().file() + (removed ? " removed" : " was not there"));
    return new Output(fence.get().file(), removed);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) throws InterruptedException {
    try {
      Optional<Fence> fence = fence(in, ctx);
      if (fence.isEmpty()) return Reconciled.done(new Output("", false));
      return fence.get().present(Transports.forTarget(ctx), ctx) ? Reconciled.notDone()
          : Reconciled.done(new Output(fence.get().file(), true));
    } catch (StepFailure e) {
      return Reconciled.unknown(e.getMessage());
    }
  }

  /** A host with no fence file configured (started unfenced, -p unfenced=true) has nothing to remove. */
  private static final String NONE = "no boot fence file is configured (service.fenceFile): nothing to remove";

  private static Optional<Fence> fence(Input in, StepContext ctx) throws StepFailure {
    Host host = ctx.requireTarget();
    boolean sudo = in.sudo().orElse(false);
    return Fence.find(host, ServiceKinds.forHost(host, sudo), ctx, sudo);
  }
}

package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.List;

/** Sets the global {@code read_only} flag and checks that it took. Idempotent. */
@Doc("Set read_only ON or OFF (global) and verify it took")
public final class SetReadOnly implements StepType<SetReadOnly.Input, SetReadOnly.Output> {

  @Doc("The wanted state")
  public record Input(@Doc("true: read_only=ON (only accounts with READ_ONLY ADMIN can write); false: OFF") boolean readOnly) {}

  @Doc("The state before and after")
  public record Output(
      @Doc("read_only now") boolean readOnly,
      @Doc("read_only before the step (null when unknown after a resume)") Boolean previous) {}

  @Override public String name() { return "db.read-only"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return Plan.sql(ctx.target().map(h -> h.name()).orElse(null), statement(in.readOnly()));
  }

  @Override
  public Output predict(Input in, StepContext ctx) { return new Output(in.readOnly(), null); }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    boolean before = current(db);
    db.execute(statement(in.readOnly()));
    boolean after = current(db);
    if (after != in.readOnly()) {
      throw StepFailure.fatal(db.where() + ": " + statement(in.readOnly()) + " ran but read_only is still " + onOff(after),
          "check for a concurrent change of read_only (another tool or operator) and run the step again");
    }
    if (in.readOnly()) ctx.log().info(db.hostName() + ": read_only ON; accounts with READ_ONLY ADMIN or SUPER can still write");
    return new Output(after, before);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      boolean now = current(MariaDbClient.forTarget(ctx));
      return now == in.readOnly() ? Reconciled.done(new Output(now, null)) : Reconciled.notDone();
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

  static String statement(boolean readOnly) { return "SET GLOBAL read_only = " + onOff(readOnly); }

  static boolean current(MariaDbClient db) throws StepFailure {
    return WaitUntil.truthy(db.value("SELECT @@global.read_only", List.of()));
  }

  private static String onOff(boolean b) { return b ? "ON" : "OFF"; }
}

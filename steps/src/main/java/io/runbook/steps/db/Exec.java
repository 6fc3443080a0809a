package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs statements that change the host's MariaDB, parameters bound. An optional {@code doneWhen} query lets resume
 * tell whether an interrupted run already took effect.
 */
@Doc("Run SQL statements that change something (parameters bound with ?, never spliced)")
public final class Exec implements StepType<Exec.Input, Exec.Output> {

  @Doc("Statements to run, in order")
  public record Input(
      @Doc("The statements; ? marks a parameter") List<String> statements,
      @Doc("Values bound to the ? marks, one list per statement (missing lists mean no parameters)")
      Optional<List<List<Object>>> params,
      @Doc(value = "Run all statements in one transaction (only for DML: DDL commits implicitly)", defaultValue = "false")
      Optional<Boolean> transaction,
      @Doc("A read-only query whose first value is true once the statements took effect; lets resume decide after a crash")
      Optional<String> doneWhen) {}

  @Doc("What the statements changed")
  public record Output(@Doc("Rows affected, per statement") List<Integer> affected) {}

  @Override public String name() { return "db.exec"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    Plan plan = Plan.none();
    boolean tx = in.transaction().orElse(false);
    if (tx) plan = plan.then(Plan.Kind.SQL, host, "START TRANSACTION");
    for (int i = 0; i < in.statements().size(); i++) {
      plan = plan.then(Plan.Kind.SQL, host, SqlQuoting.withValues(in.statements().get(i), paramsOf(in, i)));
    }
    if (tx) plan = plan.then(Plan.Kind.SQL, host, "COMMIT");
    return plan;
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    if (in.statements().isEmpty()) throw StepFailure.fatal("step " + ctx.stepId() + ": statements is empty");
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    boolean tx = in.transaction().orElse(false);
    List<Integer> affected = new ArrayList<>();
    synchronized (db) {
      if (tx) db.execute("START TRANSACTION");
      try {
        for (int i = 0; i < in.statements().size(); i++) affected.add(db.execute(in.statements().get(i), paramsOf(in, i)));
        if (tx) db.execute("COMMIT");
      } catch (StepFailure f) {
        if (tx) rollbackQuietly(db);
        throw f;
      }
    }
    return new Output(affected);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    if (in.doneWhen().isEmpty()) {
      return Reconciled.unknown("db.exec cannot tell by itself whether the statements ran; give it doneWhen: <query>");
    }
    try {
      MariaDbClient db = MariaDbClient.forTarget(ctx);
      Query.requireReading(in.doneWhen().get(), db);
      List<java.util.Map<String, Object>> rows = db.readOnly(in.doneWhen().get(), List.of());
      Object first = rows.isEmpty() ? null : rows.get(0).values().iterator().next();
      return WaitUntil.truthy(first) ? Reconciled.done(new Output(List.of())) : Reconciled.notDone();
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

  private static List<Object> paramsOf(Input in, int i) {
    List<List<Object>> all = in.params().orElse(List.of());
    return i < all.size() && all.get(i) != null ? all.get(i) : List.of();
  }

  private static void rollbackQuietly(MariaDbClient db) {
    try {
      db.execute("ROLLBACK");
    } catch (StepFailure ignored) {
      // The original failure is what the operator needs; a broken connection has rolled back anyway.
    }
  }
}

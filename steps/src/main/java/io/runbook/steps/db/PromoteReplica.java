package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.time.Duration;
import java.util.Optional;

/**
 * Makes a replica a primary: stops replication after applying what it received, forgets the old primary, clears
 * {@code gtid_slave_pos} (its own binlog now carries the history) and sets {@code read_only=OFF}.
 */
@Doc("Promote a replica: stop and reset replication, clear gtid_slave_pos, read_only=OFF")
public final class PromoteReplica implements StepType<PromoteReplica.Input, PromoteReplica.Output> {

  @Doc("How to promote")
  public record Input(
      @Doc(value = "How long the SQL thread may take to apply the relay log already received", defaultValue = "5m")
      Optional<Duration> applyTimeout) {}

  @Doc("The new primary's position")
  public record Output(
      @Doc("Replication was configured when the step started") boolean wasReplica,
      @Doc("@@gtid_slave_pos when replication stopped") String gtidSlavePos,
      @Doc("@@gtid_binlog_pos of the new primary: where its replicas start") String gtidBinlogPos) {}

  @Override public String name() { return "db.replica.promote"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    return StopReplica.plan(host, true, in.applyTimeout().orElse(StopReplica.DEFAULT_APPLY_TIMEOUT), true)
        .then(Plan.Kind.SQL, host, SetReadOnly.statement(false));
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    StopReplica.Output stopped = StopReplica.stop(db, ctx, true, in.applyTimeout().orElse(StopReplica.DEFAULT_APPLY_TIMEOUT), true);
    db.execute(SetReadOnly.statement(false));
    if (SetReadOnly.current(db)) {
      throw StepFailure.fatal(db.where() + ": read_only is still ON after " + SetReadOnly.statement(false),
          "check for a concurrent change of read_only and run the step again");
    }
    return new Output(stopped.wasReplica(), stopped.gtidSlavePos(), db.value("SELECT @@global.gtid_binlog_pos"));
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      MariaDbClient db = MariaDbClient.forTarget(ctx);
      boolean promoted = ReplicaState.all(db).isEmpty() && !SetReadOnly.current(db)
          && "".equals(db.value("SELECT @@global.gtid_slave_pos"));
      return promoted ? Reconciled.done(new Output(true, null, db.value("SELECT @@global.gtid_binlog_pos"))) : Reconciled.notDone();
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }
}

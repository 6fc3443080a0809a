package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stops replication on the {@code on:} host, on every connection (the default and the named ones of multi-source
 * replication): first the IO threads, then, once the SQL threads have applied every event already received (so
 * nothing fetched from a primary is lost), the SQL threads; then forgets the primaries and optionally clears
 * {@code gtid_slave_pos}. Running it on a server that is no replica does nothing.
 * {@code drain: false} stops both threads at once (a recovery rebuilds the replica anyway, and a lagging or delayed
 * replica must not apply what it still holds); {@code skipUnreachable} makes a server that does not answer a warning.
 */
@Doc("Stop replication (every connection, the default and named ones) after applying what was received, forget the"
    + " primary, optionally clear gtid_slave_pos")
public final class StopReplica implements StepType<StopReplica.Input, StopReplica.Output> {
  static final Duration DEFAULT_APPLY_TIMEOUT = Duration.ofMinutes(5);

  @Doc("How to stop")
  public record Input(
      @Doc(value = "Also SET GLOBAL gtid_slave_pos = '' so no stale position is reused later", defaultValue = "false")
      Optional<Boolean> clearGtidSlavePos,
      @Doc(value = "How long the SQL thread may take to apply the relay log already received", defaultValue = "5m")
      Optional<Duration> applyTimeout,
      @Doc(value = "Apply the relay log already received before stopping; false: STOP REPLICA at once (the replica is rebuilt anyway, and a delayed replica must not apply what it holds)", defaultValue = "true")
      Optional<Boolean> drain,
      @Doc(value = "A server that does not answer is a warning (reachable: false), not a failure", defaultValue = "false")
      Optional<Boolean> skipUnreachable) {}

  @Doc("Where replication stopped")
  public record Output(
      @Doc("Replication was configured when the step started") boolean wasReplica,
      @Doc("@@gtid_slave_pos when replication stopped (before any clearing)") String gtidSlavePos,
      @Doc("The server answered (false only with skipUnreachable: nothing was changed on it)") boolean reachable,
      @Doc("The connections it stopped and forgot (RESET REPLICA ALL), each as name -> host:port, (default) for the"
          + " default connection; empty when it was no replica (and after a resume that found the step done)") List<String> forgotten) {}

  @Override public String name() { return "db.replica.stop"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return plan(ctx.target().map(h -> h.name()).orElse(null), in.clearGtidSlavePos().orElse(false),
        in.applyTimeout().orElse(DEFAULT_APPLY_TIMEOUT), in.drain().orElse(true));
  }

  static Plan plan(String host, boolean clear, Duration applyTimeout, boolean drain) {
    Plan p = drain
        ? Plan.sql(host, "STOP ALL REPLICAS IO_THREAD").then(Plan.Kind.WAIT, host, "until the SQL threads have applied"
            + " the relay log (at most " + Durations.format(applyTimeout) + ")").then(Plan.Kind.SQL, host, "STOP ALL REPLICAS")
        : Plan.sql(host, "STOP ALL REPLICAS");
    p = p.then(Plan.Kind.SQL, host, "RESET REPLICA ['name'] ALL  -- each connection, the default and the named ones");
    return clear ? p.then(Plan.Kind.SQL, host, "SET GLOBAL gtid_slave_pos = ''") : p;
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    if (in.skipUnreachable().orElse(false)) {
      try {
        db.connection();
      } catch (StepFailure f) {
        if (!f.retryable()) throw f;
        ctx.log().warn(db.where() + " does not answer (" + f.getMessage() + "): replication on it was not stopped;"
            + " it must be rebuilt before it follows the primary again");
        return new Output(false, null, false, List.of());
      }
    }
    return stop(db, ctx, in.clearGtidSlavePos().orElse(false), in.applyTimeout().orElse(DEFAULT_APPLY_TIMEOUT),
        in.drain().orElse(true));
  }

  /**
   * The stop sequence, shared with db.replica.promote (which always drains). It covers every replication connection,
   * the default and the named (multi-source) ones: a connection left configured keeps following the old primary.
   */
  static Output stop(MariaDbClient db, StepContext ctx, boolean clear, Duration applyTimeout, boolean drain)
      throws StepFailure, InterruptedException {
    List<Map<String, String>> before = ReplicaState.all(db);
    boolean wasReplica = !before.isEmpty();
    Set<String> applying = new HashSet<>();
    for (Map<String, String> c : before) {
      if ("Yes".equals(c.get("Slave_SQL_Running"))) applying.add(ReplicaState.name(c));
    }
    if (drain && !applying.isEmpty()) {
      db.execute("STOP ALL REPLICAS IO_THREAD");
      Boolean applied = Poll.until(ctx, applyTimeout, Duration.ofMillis(200),
          () -> relayLogApplied(db, applying) ? Boolean.TRUE : null);
      if (applied == null) {
        throw StepFailure.fatal(db.where() + ": the SQL thread did not apply the received relay log within "
                + Durations.format(applyTimeout) + ": " + ReplicaState.describe(ReplicaState.all(db)),
            "the IO threads are stopped and nothing was reset; wait and run the step again, or fix the SQL thread's error");
      }
    }
    if (wasReplica) db.execute("STOP ALL REPLICAS");
    String pos = db.value("SELECT @@global.gtid_slave_pos");
    List<String> forgotten = new ArrayList<>();
    for (Map<String, String> c : before) {
      db.execute("RESET REPLICA" + ReplicaState.inStatement(c) + " ALL");
      forgotten.add(ReplicaState.summary(c));
    }
    // Named in the run log: on a restored primary these came with the data (it once followed another server).
    if (!forgotten.isEmpty()) {
      ctx.log().info(db.hostName() + ": stopped and forgot the replication connection(s) " + String.join(", ", forgotten));
    }
    if (clear) db.execute("SET GLOBAL gtid_slave_pos = ''");
    return new Output(wasReplica, pos, true, forgotten);
  }

  /** Each connection whose SQL thread ran has executed everything its IO thread wrote to the relay log. */
  private static boolean relayLogApplied(MariaDbClient db, Set<String> applying) throws StepFailure {
    boolean all = true;
    for (Map<String, String> s : ReplicaState.all(db)) {
      if (!applying.contains(ReplicaState.name(s))) continue;
      if (!"Yes".equals(s.get("Slave_SQL_Running"))) {
        throw StepFailure.fatal(db.where() + ": the SQL thread stopped while applying the relay log: " + ReplicaState.describe(s),
            "fix the SQL thread's error (SHOW ALL SLAVES STATUS), then run the step again");
      }
      all &= s.get("Master_Log_File") != null && s.get("Master_Log_File").equals(s.get("Relay_Master_Log_File"))
          && s.get("Read_Master_Log_Pos") != null && s.get("Read_Master_Log_Pos").equals(s.get("Exec_Master_Log_Pos"));
    }
    return all;
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      MariaDbClient db = MariaDbClient.forTarget(ctx);
      if (!ReplicaState.all(db).isEmpty()) return Reconciled.notDone();
      String pos = db.value("SELECT @@global.gtid_slave_pos");
      if (in.clearGtidSlavePos().orElse(false) && pos != null && !pos.isEmpty()) return Reconciled.notDone();
      return Reconciled.done(new Output(true, pos, true, List.of()));
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

}

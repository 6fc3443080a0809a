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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Restarts the replication threads of every connection of the {@code on:} replica, the default and the named
 * (multi-source) ones, so the IO threads reconnect now instead of at their next retry, and waits until both threads
 * of each run. STOP SLAVE / START SLAVE would touch only the default connection (and START SLAVE fails with error
 * 1200 on a replica that has only named ones). Re-running it ends in the same state.
 */
@Doc("Restart replication on every connection (STOP ALL REPLICAS, START ALL REPLICAS) and wait until the IO and SQL"
    + " threads of each run")
public final class RestartReplica implements StepType<RestartReplica.Input, RestartReplica.Output> {
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  @Doc("How long to wait")
  public record Input(
      @Doc(value = "How long the threads may take to run (the IO threads to connect)", defaultValue = "5m")
      Optional<Duration> timeout) {}

  @Doc("What was restarted")
  public record Output(
      @Doc("The connections restarted, '' for the default one") List<String> connections,
      @Doc("How long the threads took to run, in milliseconds") long waitedMs) {}

  @Override public String name() { return "db.replica.restart"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    return Plan.sql(host, "STOP ALL REPLICAS").then(Plan.Kind.SQL, host, "START ALL REPLICAS")
        .then(Plan.Kind.WAIT, host, "until the IO and SQL threads of every connection run (at most "
            + Durations.format(in.timeout().orElse(DEFAULT_TIMEOUT)) + ")");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    List<String> names = ReplicaState.all(db).stream().map(ReplicaState::name).toList();
    if (names.isEmpty()) {
      throw StepFailure.fatal(db.where() + ": no replication configured (SHOW ALL SLAVES STATUS is empty): nothing to restart",
          "link the replica to its primary first (db.replica.link), or check that this is the replica you meant");
    }
    db.execute("STOP ALL REPLICAS");
    db.execute("START ALL REPLICAS");
    Instant start = Instant.now();
    Duration timeout = in.timeout().orElse(DEFAULT_TIMEOUT);
    AtomicReference<List<Map<String, String>>> last = new AtomicReference<>(List.of());
    Boolean running = Poll.until(ctx, timeout, Duration.ofMillis(500), () -> {
      List<Map<String, String>> all = ReplicaState.all(db);
      last.set(all);
      for (Map<String, String> s : all) {
        // Connecting is the IO thread retrying: it may still reach the primary. No is a thread that stopped.
        if ("No".equals(s.get("Slave_SQL_Running")) || "No".equals(s.get("Slave_IO_Running"))) {
          throw StepFailure.fatal(db.where() + ": replication stopped after the restart: " + ReplicaState.describe(s),
              "fix the error shown by SHOW ALL SLAVES STATUS on " + db.hostName() + ", then run the step again");
        }
      }
      if (all.stream().allMatch(RestartReplica::running)) return Boolean.TRUE;
      ctx.log().progress(db.hostName() + ": " + ReplicaState.describe(all));
      return null;
    });
    if (running == null) {
      throw new StepFailure(db.where() + ": the replication threads did not all run within " + Durations.format(timeout)
          + ": " + ReplicaState.describe(last.get()), true,
          "check that the primary is up and reachable from " + db.hostName() + " (SHOW ALL SLAVES STATUS), then run the step again",
          null);
    }
    return new Output(names, Duration.between(start, Instant.now()).toMillis());
  }

  /** Done when every connection runs both threads: what the restart is for (a stopped or retrying one runs it again). */
  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      List<Map<String, String>> all = ReplicaState.all(MariaDbClient.forTarget(ctx));
      if (all.isEmpty() || !all.stream().allMatch(RestartReplica::running)) return Reconciled.notDone();
      return Reconciled.done(new Output(all.stream().map(ReplicaState::name).toList(), 0));
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

  private static boolean running(Map<String, String> s) {
    return "Yes".equals(s.get("Slave_IO_Running")) && "Yes".equals(s.get("Slave_SQL_Running"));
  }
}

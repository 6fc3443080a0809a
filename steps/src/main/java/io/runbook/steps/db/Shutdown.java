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
import java.util.Optional;

/**
 * Shuts the server down, by default with {@code SHUTDOWN WAIT FOR ALL REPLICAS} so that connected replicas receive
 * every committed transaction before the binlog dump threads end, then confirms the port is closed. Best preceded
 * by db.read-only and db.drain so no client commits while replicas catch up. Destroys the service, not data.
 * The port closes when the shutdown begins; the process may still be sending to replicas and flushing InnoDB for a
 * moment after, so a runbook confirms the process has ended (service status) before it touches the data disk.
 */
@Doc("Shut MariaDB down (by default waiting until connected replicas have every committed transaction) and confirm it is gone")
public final class Shutdown implements StepType<Shutdown.Input, Shutdown.Output> {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  @Doc("How to shut down")
  public record Input(
      @Doc(value = "Use SHUTDOWN WAIT FOR ALL REPLICAS (false: plain SHUTDOWN)", defaultValue = "true") Optional<Boolean> waitForReplicas,
      @Doc(value = "How long the server may take to stop listening", defaultValue = "120s") Optional<Duration> timeout) {}

  @Doc("What the server had written when it went down")
  public record Output(
      @Doc("@@gtid_binlog_pos read just before the shutdown (null when it was already down)") String gtidBinlogPos,
      @Doc("The server was already down when the step started") boolean alreadyStopped) {}

  @Override public String name() { return "db.shutdown"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.DESTROYS; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    return Plan.sql(host, "SELECT @@global.gtid_binlog_pos").then(Plan.Kind.SQL, host, statement(in))
        .then(Plan.Kind.WAIT, host, "until the server stops accepting connections (at most "
            + Durations.format(in.timeout().orElse(DEFAULT_TIMEOUT)) + ")");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    if (!db.acceptsConnections()) {
      ctx.log().info(db.hostName() + ": MariaDB is already down");
      return new Output(null, true);
    }
    String gtid = db.value("SELECT @@global.gtid_binlog_pos");
    try {
      db.execute(statement(in));
    } catch (StepFailure f) {
      // The server closes our connection as it goes down; only a refusal (e.g. no SHUTDOWN privilege) is a failure.
      if (!f.retryable()) throw f;
    }
    Duration timeout = in.timeout().orElse(DEFAULT_TIMEOUT);
    Boolean gone = Poll.until(ctx, timeout, Duration.ofMillis(200), () -> db.acceptsConnections() ? null : Boolean.TRUE);
    if (gone == null) {
      throw new StepFailure(db.where() + ": still accepting connections " + Durations.format(timeout) + " after "
          + statement(in), true, "a replica may be slow to receive the last transactions (see SHOW PROCESSLIST on "
          + db.hostName() + "); wait longer, or stop the service through its service manager", null);
    }
    db.close(); // the connection died with the server; the next step reconnects
    return new Output(gtid, false);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      return MariaDbClient.forTarget(ctx).acceptsConnections() ? Reconciled.notDone() : Reconciled.done(new Output(null, true));
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

  static String statement(Input in) { return in.waitForReplicas().orElse(true) ? "SHUTDOWN WAIT FOR ALL REPLICAS" : "SHUTDOWN"; }
}

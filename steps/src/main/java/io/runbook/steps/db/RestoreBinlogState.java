package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.List;

/**
 * Deletes the server's binlogs and starts a new binlog history at a GTID (after restoring a backup taken
 * elsewhere, so replicas and later replays continue from the backup's position). Destroys the binlog history.
 * Refuses a server that binlogged transactions since it booted on the restored copy (a prepared mariadb-backup boots
 * with an empty binlog): RESET MASTER would erase them from the binlog while InnoDB keeps them.
 */
@Doc("RESET MASTER and SET GLOBAL gtid_binlog_state to a GTID; verify gtid_binlog_pos equals it (deletes all binlogs)."
    + " Refuses when gtid_binlog_pos is neither empty nor already that GTID (transactions were binlogged since the boot)")
public final class RestoreBinlogState implements StepType<RestoreBinlogState.Input, RestoreBinlogState.Output> {

  @Doc("The GTID state to start the new binlog history from")
  public record Input(@Doc("GTID list, e.g. 0-1-1042 (typically from db.gtid.from-backup)") String gtid) {}

  @Doc("The server's binlog position afterwards")
  public record Output(@Doc("@@gtid_binlog_pos after the reset") String gtidBinlogPos) {}

  @Override public String name() { return "db.gtid.restore-binlog-state"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.DESTROYS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    return Plan.sql(host, "SELECT @@global.gtid_binlog_pos  -- must be empty (or already " + expected(in) + ")")
        .then(Plan.Kind.SQL, host, "RESET MASTER")
        .then(Plan.Kind.SQL, host, "SET GLOBAL gtid_binlog_state = " + SqlQuoting.withValues("?", List.of(in.gtid().trim())))
        .then(Plan.Kind.SQL, host, "SELECT @@global.gtid_binlog_pos  -- must equal " + expected(in));
  }

  @Override
  public Output predict(Input in, StepContext ctx) { return new Output(expected(in)); }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    if (!ctx.confirmed()) {
      throw StepFailure.fatal(db.where() + ": db.gtid.restore-binlog-state deletes every binlog and was not confirmed",
          "run with --yes once you are sure the binlogs of " + db.hostName() + " are not needed");
    }
    GtidList wanted = parsed(in, db);
    if (wanted.isEmpty()) {
      throw StepFailure.fatal(db.where() + ": refusing to reset the binlog to an empty GTID state",
          "give the GTID of the restored backup (db.gtid.from-backup)");
    }
    String before = db.value("SELECT @@global.gtid_binlog_pos");
    if (before != null && !before.isBlank() && !GtidList.parse(before).equals(wanted)) {
      throw StepFailure.fatal(db.where() + ": @@gtid_binlog_pos is " + before + ", not empty: transactions were binlogged"
          + " since " + db.hostName() + " booted on the restored copy, and RESET MASTER would erase them from the binlog"
          + " while the data keeps them", "find out what wrote (mariadb-binlog of " + db.hostName() + "'s binlog), keep"
          + " writers away (read_only), then restore the copy again in a new run");
    }
    db.execute("RESET MASTER");
    db.execute("SET GLOBAL gtid_binlog_state = ?", List.of(in.gtid().trim()));
    String now = db.value("SELECT @@global.gtid_binlog_pos");
    if (!GtidList.parse(now).equals(wanted)) {
      throw StepFailure.fatal(db.where() + ": @@gtid_binlog_pos is " + now + " after setting gtid_binlog_state to "
          + in.gtid() + ", expected " + wanted, "check for writes to " + db.hostName() + " during the step, and run it again");
    }
    return new Output(now);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      MariaDbClient db = MariaDbClient.forTarget(ctx);
      String now = db.value("SELECT @@global.gtid_binlog_pos");
      return GtidList.parse(now).equals(parsed(in, db)) ? Reconciled.done(new Output(now)) : Reconciled.notDone();
    } catch (StepFailure | IllegalArgumentException e) {
      return Reconciled.unknown(e.getMessage());
    }
  }

  private static String expected(Input in) {
    try {
      return GtidList.parse(in.gtid()).toString();
    } catch (IllegalArgumentException e) {
      return in.gtid();
    }
  }

  private static GtidList parsed(Input in, MariaDbClient db) throws StepFailure {
    try {
      return GtidList.parse(in.gtid());
    } catch (IllegalArgumentException e) {
      throw StepFailure.fatal(db.where() + ": " + e.getMessage(), "write a GTID list like 0-1-1042,1-2-7");
    }
  }
}

package io.runbook.steps.binlog;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.db.EngineAccount;
import io.runbook.steps.db.Gtid;
import io.runbook.steps.db.MariaDbClient;
import io.runbook.steps.db.SqlQuoting;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fast apply path: the target pulls the transactions from a temporary read-only donor server (booted on the
 * later snapshot) with its own replication applier, {@code MASTER_USE_GTID=slave_pos} and
 * {@code START SLAVE UNTIL master_gtid_pos}. While it runs, the target is read_only, its server_id is changed
 * (the events carry its own original id) and, if asked, durability is relaxed; all of it is restored and
 * verified afterwards, also on failure.
 */
final class ReplicationApplier {
  static final String CONNECTION = "runbook_pitr";

  private final StepContext ctx;
  private final MariaDbClient db;
  private final MariaDbClient donor;
  private final String donorAddress;
  private final int donorPort;
  private final String replUser;
  private final String replPassword;
  private final boolean relax;
  private final int parallelThreads;
  private final Long temporaryServerId;
  private final SavedSettings settings;

  ReplicationApplier(StepContext ctx, MariaDbClient db, MariaDbClient donor, String replUser, String replPassword,
      boolean relax, int parallelThreads, Long temporaryServerId) {
    this.ctx = ctx;
    this.db = db;
    this.donor = donor;
    this.donorAddress = donor.address();
    this.donorPort = donor.port();
    this.replUser = replUser;
    this.replPassword = replPassword;
    this.relax = relax;
    this.parallelThreads = parallelThreads;
    this.temporaryServerId = temporaryServerId;
    this.settings = new SavedSettings(ctx);
  }

  /**
   * Cleans up after a replay attempt the engine did not finish (it died while the target was pulling): stops the
   * replication connection it left and puts back the settings it saved before changing them. If the target itself
   * restarted while durability was relaxed, its tables may lack transactions its binlog lists: then it refuses to go
   * on unless the target is back at the position that attempt started from (the base was restored). Runs before
   * anything reads the target's position.
   */
  static void recoverInterrupted(StepContext ctx, MariaDbClient db) throws StepFailure {
    if (connectionExists(db)) {
      ctx.log().warn("an interrupted replay left replication connection '" + CONNECTION + "' on " + db.where() + ": stopping it");
      db.execute("STOP SLAVE '" + CONNECTION + "'");
    }
    SavedSettings saved = new SavedSettings(ctx);
    Optional<Map<String, Object>> before = saved.load();
    if (before.isEmpty()) return;
    long startedThen = Long.parseLong(str(before.get().get("started")));
    // The uptime says when the server started, to the second, so a restart within seconds of the replay's start
    // (a supervisor restarting a crashed mariadbd) looks like the same process. The temporary server_id is exact:
    // SET GLOBAL does not survive a restart, so a server no longer on it restarted (or the id was never set, and then
    // nothing was applied yet). Found by the crash sweep: mariadbd killed 200 ms into dr-pitr's replay and restarted
    // at once; the relaxed-durability guard below did not fire and resume opened a primary that lacked transactions.
    String tempId = str(before.get().get("temp_server_id"));
    boolean offTempId = !tempId.isEmpty() && !tempId.equals(db.value("SELECT @@global.server_id"));
    boolean restarted = offTempId || Math.abs(serverStarted(db) - startedThen) > 5;
    if (restarted) {
      GtidPosition now = GtidPosition.parse(db.value("SELECT @@global.gtid_binlog_pos"));
      GtidPosition startedFrom = GtidPosition.parse(str(before.get().get("start_position")));
      if ("true".equals(str(before.get().get("relaxed"))) && !now.equals(startedFrom)) {
        throw StepFailure.fatal("step " + ctx.stepId() + ": " + db.where() + " restarted while a replay ran on it with relaxed "
            + "durability (sync_binlog=0, innodb_flush_log_at_trx_commit=0): its binlog (at " + now + ") may list transactions "
            + "its tables lost", "restore the base again (it must be back at " + startedFrom + ") and rerun this step");
      }
      ctx.log().warn(db.where() + " restarted since an interrupted replay (its settings are the configured ones again) and is at "
          + now + ": continuing from there");
      saved.forget();
      return;
    }
    ctx.log().warn("an interrupted replay changed settings on " + db.where() + "; restoring those saved before it: " + before.get());
    restore(ctx, db, before.get());
    saved.forget();
  }

  /** When the server process started, epoch seconds: tells a restart apart from an engine that merely died. */
  private static long serverStarted(MariaDbClient db) throws StepFailure {
    return Long.parseLong(db.value("SELECT UNIX_TIMESTAMP() - CAST(VARIABLE_VALUE AS UNSIGNED) FROM information_schema.GLOBAL_STATUS "
        + "WHERE VARIABLE_NAME = 'UPTIME'"));
  }

  /** The statements it runs, for the plan (password masked, positions as computed at run time). */
  List<String> planned(String startAfter, List<String> untilPositions) {
    List<String> out = new ArrayList<>(List.of(
        "SET GLOBAL read_only = 1",
        "SET GLOBAL server_id = <temporary id, not the donor's>",
        relax ? "SET GLOBAL sync_binlog = 0; SET GLOBAL innodb_flush_log_at_trx_commit = 0  -- restored afterwards" : "-- durability unchanged",
        "SET GLOBAL slave_parallel_threads = " + parallelThreads,
        "SET GLOBAL gtid_slave_pos = '" + startAfter + "'",
        "CHANGE MASTER '" + CONNECTION + "' TO MASTER_HOST='" + donorAddress + "', MASTER_PORT=" + donorPort + ", MASTER_USER='"
            + replUser + "', MASTER_PASSWORD='***', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1"));
    for (String p : untilPositions) out.add("START SLAVE '" + CONNECTION + "' UNTIL master_gtid_pos = '" + p + "'  -- then wait for @@gtid_slave_pos");
    out.add("STOP SLAVE '" + CONNECTION + "'; RESET SLAVE '" + CONNECTION + "' ALL; restore server_id, durability, read_only, slave_parallel_threads and verify");
    return out;
  }

  void apply(Cut cut, ReplayProgress progress) throws StepFailure, InterruptedException {
    String donorReadOnly = donor.value("SELECT @@global.read_only + 0");
    if (!"1".equals(donorReadOnly)) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": the donor " + donor.where() + " is not read_only",
          "boot the donor with read_only=ON (and no clients): it must not diverge while the target copies from it");
    }
    long donorId = Long.parseLong(donor.value("SELECT @@global.server_id"));
    // +0: booleans as 0/1, the form SET GLOBAL takes back when restoring
    Map<String, Object> current = db.row("SELECT @@global.server_id AS server_id, @@global.read_only + 0 AS read_only, "
        + "@@global.sync_binlog AS sync_binlog, @@global.innodb_flush_log_at_trx_commit AS flush, "
        + "@@global.log_bin + 0 AS log_bin, @@global.log_slave_updates + 0 AS log_slave_updates, "
        + "@@global.slave_parallel_threads AS threads, @@global.slave_parallel_mode AS mode", List.of());
    Map<String, Object> before = new java.util.LinkedHashMap<>(current);
    before.put("started", serverStarted(db));
    before.put("start_position", cut.startAfter().toString());
    before.put("relaxed", relax);
    if (!"1".equals(str(before.get("log_bin"))) || !"1".equals(str(before.get("log_slave_updates")))) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + db.where() + " needs log_bin=ON and log_slave_updates=ON "
          + "so replayed transactions keep their GTIDs in its binlog (and resume can read @@gtid_binlog_pos)",
          "start the target with log-bin and log-slave-updates, or use method: pipe");
    }
    long ownId = Long.parseLong(str(before.get("server_id")));
    long tempId = temporaryServerId != null ? temporaryServerId : pickTemporaryId(ownId, donorId);
    if (tempId == donorId) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": temporaryServerId " + tempId + " equals the donor's server_id",
          "pick another temporaryServerId");
    }
    // Built (the donor's address, user and password validated and quoted) before the target's settings change.
    // (Concatenated, not String.format: a % in a host or user name is data, not a format.)
    String changeHead = "CHANGE MASTER '" + CONNECTION + "' TO MASTER_HOST=" + SqlQuoting.hostLiteral(donorAddress)
        + ", MASTER_PORT=" + donorPort + ", MASTER_USER=" + SqlQuoting.literal(replUser) + ", MASTER_PASSWORD=";
    String changeTail = ", MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1";
    String password = SqlQuoting.literal(replPassword == null ? "" : replPassword);
    before.put("temp_server_id", tempId);
    settings.save(before);
    try {
      db.execute("SET GLOBAL read_only = 1");
      if (!"1".equals(db.value("SELECT @@global.read_only + 0"))) {
        throw StepFailure.fatal("step " + ctx.stepId() + ": " + db.where() + " did not become read_only; durability stays as it is");
      }
      db.execute("SET GLOBAL server_id = ?", List.of(tempId));
      if (relax) {
        db.execute("SET GLOBAL sync_binlog = 0");
        // 0, not 2: measured several times faster here, and a target that restarts meanwhile is refused either way
        try {
          db.execute("SET GLOBAL innodb_flush_log_at_trx_commit = 0");
        } catch (StepFailure f) {
          // Only SUPER may set it on 10.11: a speed-up, not worth failing a recovery half-way for.
          if (!MariaDbClient.lacksPrivilege(f)) throw f;
          ctx.log().warn("the account on " + db.where() + " lacks SUPER: innodb_flush_log_at_trx_commit stays as it is and "
              + "the replay is slower (" + EngineAccount.DOC + ")");
        }
      }
      db.execute("SET GLOBAL slave_parallel_threads = ?", List.of(parallelThreads));
      if (parallelThreads > 0) db.execute("SET GLOBAL slave_parallel_mode = 'optimistic'");
      db.execute("SET GLOBAL gtid_slave_pos = ?", List.of(cut.startAfter().toString()));
      db.execute(changeHead + password + changeTail, List.of(), changeHead + "'***'" + changeTail);
      GtidPosition now = cut.startAfter().copy();
      for (Cut.SkipPoint skip : cut.skipPoints()) {
        now = runUntil(cut, skip.before(), now, progress);
        GtidPosition past = skip.before().copy();
        past.advance(skip.gtid());
        db.execute("SET GLOBAL gtid_slave_pos = ?", List.of(past.toString()));
        ctx.log().info("skipped " + skip.gtid() + " as asked");
        now = past;
      }
      runUntil(cut, cut.endPosition(), now, progress);
    } finally {
      restore(ctx, db, before);
      settings.forget();
    }
  }

  /** Starts the applier until {@code target} and waits for it, failing with the GTID it stopped at on an error. */
  private GtidPosition runUntil(Cut cut, GtidPosition target, GtidPosition now, ReplayProgress progress)
      throws StepFailure, InterruptedException {
    if (reached(now, target)) return now;
    db.execute("START SLAVE '" + CONNECTION + "' UNTIL master_gtid_pos = " + SqlQuoting.gtidLiteral(target.toString()));
    while (true) {
      GtidPosition pos = GtidPosition.parse(db.value("SELECT @@global.gtid_slave_pos"));
      progress.report(pos, false);
      if (reached(pos, target)) {
        db.execute("STOP SLAVE '" + CONNECTION + "'");
        progress.report(pos, true);
        return pos;
      }
      Map<String, Object> status = db.row("SHOW SLAVE '" + CONNECTION + "' STATUS", List.of());
      String sqlError = str(status.get("Last_SQL_Error"));
      String ioError = str(status.get("Last_IO_Error"));
      if (!sqlError.isEmpty() || (!ioError.isEmpty() && !"Yes".equals(str(status.get("Slave_IO_Running"))))) {
        db.execute("STOP SLAVE '" + CONNECTION + "'");
        // Read again once stopped: between the read above and the status the applier may have committed more, and
        // the GTID named here is the one an operator is told to skip.
        GtidPosition at = GtidPosition.parse(db.value("SELECT @@global.gtid_slave_pos"));
        String gtid = Replay.firstNotApplied(cut, at);
        throw StepFailure.fatal("step " + ctx.stepId() + ": replication replay stopped at GTID " + gtid + " on " + db.where()
            + ": " + (sqlError.isEmpty() ? "from donor " + donor.where() + ": " + ioError : sqlError) + "; the target is at " + at,
            "fix the cause and resume (it continues after " + at + "), or leave the transaction out with skipGtids: [" + gtid + "]");
      }
      if (ctx.deadline().isPresent() && Instant.now().isAfter(ctx.deadline().get())) {
        db.execute("STOP SLAVE '" + CONNECTION + "'");
        throw StepFailure.fatal("step " + ctx.stepId() + ": timeout while replaying, the target is at " + pos,
            "raise the step's timeout; resume continues from there");
      }
      Thread.sleep(200);
    }
  }

  /** Puts back everything this path changed and checks it took; a failure here names the setting. */
  private static void restore(StepContext ctx, MariaDbClient db, Map<String, Object> before) throws StepFailure {
    List<String> problems = new ArrayList<>();
    try {
      if (connectionExists(db)) {
        db.execute("STOP SLAVE '" + CONNECTION + "'");
        db.execute("RESET SLAVE '" + CONNECTION + "' ALL");
      }
    } catch (StepFailure e) {
      problems.add("removing replication connection " + CONNECTION + ": " + e.getMessage());
    }
    set(db, problems, "server_id", before.get("server_id"));
    set(db, problems, "sync_binlog", before.get("sync_binlog"));
    set(db, problems, "innodb_flush_log_at_trx_commit", before.get("flush"));
    set(db, problems, "slave_parallel_threads", before.get("threads"));
    try {
      db.execute("SET GLOBAL slave_parallel_mode = ?", List.of(str(before.get("mode"))));
      String mode = db.value("SELECT @@global.slave_parallel_mode");
      if (!str(before.get("mode")).equals(mode)) problems.add("slave_parallel_mode is " + mode + ", expected " + before.get("mode"));
    } catch (StepFailure e) {
      problems.add("slave_parallel_mode: " + e.getMessage());
    }
    if ("true".equals(str(before.get("relaxed")))) {
      // commits made while relaxed may sit in the redo log buffer and the unsynced binlog: put them on disk now
      try {
        db.execute("FLUSH NO_WRITE_TO_BINLOG ENGINE LOGS"); // a plain FLUSH ENGINE LOGS would be binlogged as a transaction
        db.execute("FLUSH NO_WRITE_TO_BINLOG BINARY LOGS");
      } catch (StepFailure e) {
        problems.add("flushing the logs to disk: " + e.getMessage());
      }
    }
    set(db, problems, "read_only", before.get("read_only"));
    if (!problems.isEmpty()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": could not restore settings on " + db.where() + ": " + String.join("; ", problems),
          "set them by hand before anything else uses this server (relaxed durability must not stay on)");
    }
  }

  private static void set(MariaDbClient db, List<String> problems, String variable, Object value) {
    try {
      String now = db.value("SELECT @@global." + variable + " + 0");
      if (str(value).equals(now)) return; // unchanged (e.g. not relaxed without SUPER): setting it could need SUPER
      db.execute("SET GLOBAL " + variable + " = ?", List.of(Long.parseLong(str(value))));
      now = db.value("SELECT @@global." + variable + " + 0");
      if (!str(value).equals(now)) problems.add(variable + " is " + now + ", expected " + value);
    } catch (StepFailure | NumberFormatException e) {
      problems.add(variable + ": " + e.getMessage());
    }
  }

  private static boolean connectionExists(MariaDbClient db) throws StepFailure {
    for (Map<String, Object> row : db.query("SHOW ALL SLAVES STATUS")) {
      if (CONNECTION.equals(str(row.get("Connection_name")))) return true;
    }
    return false;
  }

  private static boolean reached(GtidPosition pos, GtidPosition target) {
    for (Gtid g : target.asMap().values()) {
      if (!pos.covers(g)) return false;
    }
    return true;
  }

  private static long pickTemporaryId(long own, long donor) {
    long id = (own + 1_000_000L) % 4_294_967_295L;
    return id == donor || id == 0 ? id + 1 : id;
  }

  private static String str(Object o) { return o == null ? "" : o.toString(); }
}

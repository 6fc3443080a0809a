package io.runbook.steps.binlog;

import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.db.Gtid;
import io.runbook.steps.db.MariaDbClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Applies binlog transactions to the {@code on:} server up to and including a GTID, never past it and never twice:
 * it reads the server's {@code @@gtid_binlog_pos} first and replays only what comes after, so a resumed or
 * repeated run continues where the last one stopped. Fast path: replication from a read-only donor server;
 * fallback: {@code mariadb-binlog | mariadb} with exact per-file offsets.
 */
@Doc("Replay binlog transactions onto the target up to a GTID (replication from a donor, or the mariadb-binlog pipe)")
public final class Replay implements StepType<Replay.Input, Replay.Output> {

  @Doc("What to replay and how")
  public record Input(
      @Doc("Binlog files, oldest first, or folders holding bin.NNNNNN files (local to the engine)") List<String> files,
      @Doc(value = "Last GTID to apply, e.g. binlog.find-cut's lastApplied.gtid", defaultValue = "everything in the files") Optional<String> throughGtid,
      @Doc("GTIDs to leave out (stop before, skip, continue)") Optional<List<String>> skipGtids,
      @Doc(value = "replication (fast: the target pulls from the donor) or pipe (mariadb-binlog | mariadb)", defaultValue = "replication when donor is given, else pipe")
      Optional<String> method,
      @Doc("Inventory host whose db: is the temporary read-only donor server booted on the later snapshot (replication method)") Optional<String> donor,
      @Doc(value = "replication: sync_binlog=0 and innodb_flush_log_at_trx_commit=0 while the target is read_only (restored and verified after; a target that restarts meanwhile must be restored)", defaultValue = "true")
      Optional<Boolean> relaxDurability,
      @Doc(value = "replication: slave_parallel_threads (optimistic) while replaying", defaultValue = "0") Optional<Integer> parallelThreads,
      @Doc(value = "replication: server_id the target uses while replaying (its own id is in the events)", defaultValue = "own id + 1000000")
      Optional<Long> temporaryServerId) {}

  @Doc("What the replay did")
  public record Output(
      @Doc("replication or pipe") String method,
      @Doc("Transactions applied by this run") long applied,
      @Doc("GTIDs left out on request") List<String> skipped,
      @Doc("Last GTID applied (empty when nothing was left to apply)") String lastApplied,
      @Doc("The target's @@gtid_binlog_pos afterwards") String gtidBinlogPos,
      @Doc("Seconds spent applying") double seconds,
      @Doc("Transactions per second") double transactionsPerSecond) {}

  @Override public String name() { return "binlog.replay"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean needsHost() { return true; }
  /** It starts from the server's own position, so running it again applies nothing twice. */
  @Override public boolean idempotent() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String target = ctx.target().map(Host::name).orElse("<on:>");
    Plan plan = Plan.sql(target, "SELECT @@global.gtid_binlog_pos  -- replay starts after it (resume-safe)");
    try {
      MariaDbClient db = MariaDbClient.forTarget(ctx);
      Cut cut = cut(in, ctx, GtidPosition.parse(db.value("SELECT @@global.gtid_binlog_pos")));
      plan = plan.then(Plan.note(cut.transactions() + " transactions (" + cut.bytes() + " bytes) after " + cut.startAfter()
          + " through " + cut.lastApplied().map(BinlogTransaction::gtid).orElse("-") + ", skipping " + cut.skipped()));
      if (method(in).equals("pipe")) {
        PipeApplier pipe = new PipeApplier(ctx, db, MariaDbClient.db(ctx.requireTarget()).user(), null);
        for (Segment s : cut.segments()) plan = plan.then(Plan.command(target, pipe.shown(s)));
      } else {
        List<String> untils = new ArrayList<>();
        cut.skipPoints().forEach(p -> untils.add(p.before().toString()));
        untils.add(cut.endPosition().toString());
        for (String sql : replication(in, ctx, db).planned(cut.startAfter().toString(), untils)) plan = plan.then(Plan.sql(target, sql));
      }
      return plan;
    } catch (StepFailure e) {
      return plan.then(Plan.note("segments are computed at run time from the target's position (" + e.getMessage() + "); "
          + (method(in).equals("pipe") ? "then per segment: mariadb-binlog --start-position=S --stop-position=E FILE | mariadb"
              : "then START SLAVE UNTIL master_gtid_pos from donor " + in.donor().orElse("?"))));
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    if (!"1".equals(db.value("SELECT @@global.log_bin + 0"))) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + db.where() + " runs without a binlog (log_bin=OFF): replay could "
          + "not tell on resume what it already applied", "start the target with log-bin (and log-slave-updates) for the replay");
    }
    ReplicationApplier.recoverInterrupted(ctx, db);
    GtidPosition start = GtidPosition.parse(db.value("SELECT @@global.gtid_binlog_pos"));
    Cut cut = cut(in, ctx, start);
    String method = method(in);
    if (cut.transactions() == 0) {
      ctx.log().info("nothing left to replay: " + db.where() + " is at " + start);
      return new Output(method, 0, cut.skipped(), "", start.toString(), 0, 0);
    }
    ctx.log().info("replaying " + cut.transactions() + " transactions (" + cut.bytes() + " bytes) onto " + db.where() + " by "
        + method + ", after " + start + " through " + cut.lastApplied().get().gtid());
    ReplayProgress progress = new ReplayProgress(ctx.log(), start, cut.transactions(), cut.bytes());
    if (method.equals("pipe")) {
      DbSpec spec = MariaDbClient.db(ctx.requireTarget());
      String password = spec.password().isPresent() ? ctx.secret(spec.password().get()) : null;
      new PipeApplier(ctx, db, spec.user(), password).apply(cut, progress, () -> position(db));
    } else {
      replication(in, ctx, db).apply(cut, progress);
    }
    GtidPosition end = GtidPosition.parse(db.value("SELECT @@global.gtid_binlog_pos"));
    Gtid last = cut.lastApplied().get().parsedGtid();
    if (!end.covers(last)) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": replay ended but " + db.where() + " is at " + end + ", short of " + last,
          "resume the step: it continues after " + end);
    }
    double secs = progress.seconds();
    return new Output(method, cut.transactions(), cut.skipped(), last.toString(), end.toString(), secs, cut.transactions() / secs);
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      MariaDbClient db = MariaDbClient.forTarget(ctx);
      // The engine died mid-replay, but the target's replication connection may have run on to the cut by itself:
      // stop it and put back the relaxed settings before answering DONE (found by the crash sweep: DONE left
      // sync_binlog=0 / innodb_flush_log_at_trx_commit=0 behind and the durability check stopped the resume).
      ReplicationApplier.recoverInterrupted(ctx, db);
      GtidPosition pos = GtidPosition.parse(db.value("SELECT @@global.gtid_binlog_pos"));
      Cut cut = cut(in, ctx, pos);
      if (cut.transactions() > 0) return Reconciled.notDone();
      return Reconciled.done(new Output(method(in), 0, cut.skipped(), in.throughGtid().orElse(""), pos.toString(), 0, 0));
    } catch (StepFailure e) {
      return Reconciled.unknown(e.getMessage());
    }
  }

  private static Cut cut(Input in, StepContext ctx, GtidPosition start) throws StepFailure {
    Set<Gtid> skip = new HashSet<>();
    Optional<Gtid> through;
    try {
      for (String g : in.skipGtids().orElse(List.of())) skip.add(Gtid.parse(g));
      through = in.throughGtid().map(Gtid::parse);
    } catch (IllegalArgumentException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + e.getMessage(), "GTIDs are domain-server-seq, e.g. 0-1-42");
    }
    CutRequest req = new CutRequest(BinlogFiles.resolveLocal(in.files(), ctx), start, Optional.empty(), through, Optional.empty(),
        Optional.empty(), Optional.empty(), skip, 0);
    return BinlogFiles.find(req, ctx);
  }

  private static String method(Input in) {
    return in.method().orElse(in.donor().isPresent() ? "replication" : "pipe");
  }

  private static ReplicationApplier replication(Input in, StepContext ctx, MariaDbClient db) throws StepFailure {
    if (!method(in).equals("replication")) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": method must be replication or pipe, not " + method(in));
    }
    String donorName = in.donor().orElseThrow(() -> StepFailure.fatal("step " + ctx.stepId() + ": method replication needs donor:",
        "name the inventory host of the temporary read-only donor server, or use method: pipe"));
    Host donorHost = ctx.host(donorName);
    DbSpec spec = MariaDbClient.db(donorHost);
    String user = spec.replicationUser().orElseThrow(() -> StepFailure.fatal("step " + ctx.stepId() + ": host " + donorName
        + " has no db.replicationUser", "add replicationUser and replicationPassword to its db: block"));
    String password = spec.replicationPassword().isPresent() ? ctx.secret(spec.replicationPassword().get()) : null;
    return new ReplicationApplier(ctx, db, MariaDbClient.of(ctx, donorHost), user, password, in.relaxDurability().orElse(true),
        in.parallelThreads().orElse(0), in.temporaryServerId().orElse(null));
  }

  private static GtidPosition position(MariaDbClient db) {
    try {
      return GtidPosition.parse(db.value("SELECT @@global.gtid_binlog_pos"));
    } catch (StepFailure e) {
      return GtidPosition.empty();
    }
  }

  /** The first transaction of the cut the target does not have yet (where a replay stopped), by rescanning the segments. */
  static String firstNotApplied(Cut cut, GtidPosition pos) {
    Set<String> skipped = new HashSet<>(cut.skipped());
    BinlogScanner scanner = new BinlogScanner(BinlogScanner.Detail.POSITIONS);
    for (Segment s : cut.segments()) {
      String[] found = new String[1];
      try {
        scanner.scan(Path.of(s.file()), s.start(), tx -> {
          if (tx.start() >= s.stop()) return false;
          if (!pos.covers(tx.gtid()) && !skipped.contains(tx.gtid().toString())) {
            found[0] = tx.gtid() + " at " + s.file() + ":" + tx.start();
            return false;
          }
          return true;
        });
      } catch (IOException | BinlogException e) {
        return "after " + pos;
      }
      if (found[0] != null) return found[0];
    }
    return "after " + pos;
  }
}

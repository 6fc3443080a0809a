package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * After a rollback the restored server would hand out again the sequence numbers of the discarded transactions
 * (restored N, discarded N+1..M): a consumer that saw them would later resume silently, skipping the new
 * transactions that reuse those numbers. This step writes one harmless binlogged statement (FLUSH PRIVILEGES) with
 * {@code gtid_seq_no = M+1} in every domain the old high-water mark names, so the numbers N+1..M never exist on the
 * new timeline: a consumer still at one of them gets error 1236 (with gtid_strict_mode) instead of a silent resume.
 */
@Doc("Move the server's GTID sequence past an old high-water mark with one harmless binlogged statement per domain")
public final class AdvanceGtid implements StepType<AdvanceGtid.Input, AdvanceGtid.Output> {
  /** Binlogged (it gets a GTID), changes no data, and replays harmlessly on every replica. */
  static final String STATEMENT = "FLUSH PRIVILEGES";

  @Doc("The old timeline's positions")
  public record Input(
      @Doc("GTID positions seen on the old timeline (e.g. the old primary's @@gtid_binlog_pos before and at its stop); per domain the highest counts; empty strings are ignored")
      List<String> past) {}

  @Doc("What was written")
  public record Output(
      @Doc("The GTIDs written, one per domain that was not past the mark (empty: nothing to do, or no mark known)") List<String> written,
      @Doc("@@gtid_binlog_pos afterwards") String gtidBinlogPos,
      @Doc("The high-water mark the step moved past ('' when none was known)") String mark) {}

  @Override public String name() { return "db.gtid.advance"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    return Plan.sql(host, "SELECT @@global.gtid_binlog_pos")
        .then(Plan.Kind.SQL, host, "per domain D of the mark that the server has not passed: SET SESSION gtid_domain_id = D, "
            + "gtid_seq_no = <mark's seq in D> + 1; " + STATEMENT);
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    GtidList mark = mark(in);
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    if (mark.isEmpty()) {
      ctx.log().warn(db.where() + ": the old timeline's GTID position is unknown (the old primary did not answer), so the"
          + " sequence was not moved past it: a replica or binlog consumer that saw transactions after the restored point"
          + " may resume on reused GTIDs; rebuild every such consumer");
      return new Output(List.of(), db.value("SELECT @@global.gtid_binlog_pos"), "");
    }
    List<String> written = new ArrayList<>();
    synchronized (db) {
      GtidList now = GtidList.parse(db.value("SELECT @@global.gtid_binlog_pos"), db);
      try {
        for (Gtid m : behind(mark, now)) {
          long next = m.seq() + 1;
          db.execute("SET SESSION gtid_domain_id = " + m.domain());
          db.execute("SET SESSION gtid_seq_no = " + Long.toUnsignedString(next));
          db.execute(STATEMENT);
          written.add(m.domain() + "-" + db.value("SELECT @@session.server_id") + "-" + Long.toUnsignedString(next));
        }
      } finally {
        // The connection is shared with later steps: no explicit sequence number or domain may stay set on it.
        db.execute("SET SESSION gtid_seq_no = 0");
        db.execute("SET SESSION gtid_domain_id = @@global.gtid_domain_id");
      }
    }
    String after = db.value("SELECT @@global.gtid_binlog_pos");
    List<Gtid> still = behind(mark, GtidList.parse(after, db));
    if (!still.isEmpty()) {
      throw StepFailure.fatal(db.where() + ": @@gtid_binlog_pos " + after + " is still not past " + mark
              + " after writing " + written + " (is log_bin on?)",
          "do not open the server for writes: check the binlog settings, then run the step again");
    }
    if (!written.isEmpty()) ctx.log().info(db.hostName() + ": GTID sequence moved past the old timeline's " + mark + " with " + written);
    return new Output(written, after, mark.toString());
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      MariaDbClient db = MariaDbClient.forTarget(ctx);
      GtidList mark = mark(in);
      String pos = db.value("SELECT @@global.gtid_binlog_pos");
      if (!behind(mark, GtidList.parse(pos, db)).isEmpty()) return Reconciled.notDone();
      return Reconciled.done(new Output(List.of(), pos, mark.toString()));
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

  /** Per domain the highest GTID among the given positions. */
  static GtidList mark(Input in) throws StepFailure {
    Map<Long, Gtid> max = new LinkedHashMap<>();
    for (String p : in.past() == null ? List.<String>of() : in.past()) {
      GtidList g;
      try {
        g = GtidList.parse(p);
      } catch (IllegalArgumentException e) {
        throw StepFailure.fatal("past: " + e.getMessage(), "give GTID lists like 0-1-1042,1-2-7");
      }
      for (Gtid x : g.byDomain().values()) {
        max.merge(x.domain(), x, (a, b) -> Long.compareUnsigned(a.seq(), b.seq()) >= 0 ? a : b);
      }
    }
    return new GtidList(max);
  }

  /** The mark's GTIDs whose domain the server has not passed (its sequence there is at most the mark's). */
  static List<Gtid> behind(GtidList mark, GtidList now) {
    List<Gtid> out = new ArrayList<>();
    for (Gtid m : mark.byDomain().values()) {
      Gtid n = now.byDomain().get(m.domain());
      if (n == null || Long.compareUnsigned(n.seq(), m.seq()) <= 0) out.add(m);
    }
    return out;
  }
}

package io.runbook.steps.binlog;

import io.runbook.engine.spi.StepLog;
import io.runbook.steps.db.Gtid;
import java.util.Locale;

/** Progress of a replay from the target's GTID position: transactions, rate and ETA, logged at most every 2 s. */
final class ReplayProgress {
  private final StepLog log;
  private final GtidPosition start;
  private final long total;
  private final long bytes;
  private final long startedNanos = System.nanoTime();
  private long lastLog;

  ReplayProgress(StepLog log, GtidPosition start, long total, long bytes) {
    this.log = log;
    this.start = start;
    this.total = total;
    this.bytes = bytes;
  }

  /** Transactions applied so far, estimated from how far each domain's sequence moved (exact for one domain, no skips). */
  long applied(GtidPosition now) {
    long n = 0;
    for (Gtid g : now.asMap().values()) n += g.seq() - start.domain(g.domain()).map(Gtid::seq).orElse(0L);
    return Math.max(0, Math.min(total, n));
  }

  void report(GtidPosition now, boolean force) {
    long t = System.nanoTime();
    if (!force && t - lastLog < 2_000_000_000L) return;
    lastLog = t;
    long done = applied(now);
    double secs = Math.max(1e-3, (t - startedNanos) / 1e9);
    double rate = done / secs;
    String eta = rate > 0 ? String.format(Locale.ROOT, "%.0f s", (total - done) / rate) : "?";
    log.progress(String.format(Locale.ROOT, "replay %d/%d transactions (~%d/%d MB), %.0f trx/s, ETA %s, at %s",
        done, total, total == 0 ? 0 : bytes * done / total / 1_000_000, bytes / 1_000_000, rate, eta, now));
  }

  double seconds() { return (System.nanoTime() - startedNanos) / 1e9; }
}

package io.runbook.steps.binlog;

import io.runbook.steps.db.Gtid;
import java.util.List;
import java.util.Optional;

/** Where replay stops and exactly which bytes of which files it applies. */
public record Cut(
    String stopRule,
    List<Segment> segments,
    Optional<BinlogTransaction> lastApplied,
    Optional<BinlogTransaction> firstSkipped,
    long transactions,
    GtidPosition startAfter,
    GtidPosition endPosition,
    List<String> skipped,
    List<SkipPoint> skipPoints,
    List<String> continuity,
    List<String> warnings,
    List<BinlogFileInfo> files,
    List<BinlogTransaction> before,
    List<BinlogTransaction> after) {

  /** A transaction left out, and the position the target has right before it (replication stops there first). */
  public record SkipPoint(Gtid gtid, GtidPosition before) {}

  public long bytes() { return segments.stream().mapToLong(Segment::bytes).sum(); }
}

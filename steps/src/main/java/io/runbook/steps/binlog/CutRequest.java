package io.runbook.steps.binlog;

import io.runbook.steps.db.Gtid;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to replay: the files in order, the position the target already has (exclusive; null: from the start of the
 * first file), where to stop
 * (at most one criterion; none means to the end of the files), GTIDs to leave out, and how many transactions
 * of context to keep on each side of the cut.
 */
public record CutRequest(
    List<BinlogSource> files,
    GtidPosition startAfter,
    Optional<Gtid> beforeGtid,
    Optional<Gtid> throughGtid,
    Optional<Instant> atOrBeforeTime,
    Optional<Pattern> beforeMatch,
    Optional<FilePosition> beforePosition,
    Set<Gtid> skipGtids,
    int context) {

  /** A byte offset in a named binlog file. */
  public record FilePosition(String file, long offset) {
    /** Parses {@code bin.000007:1234}. */
    public static FilePosition parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0) throw new IllegalArgumentException("not a binlog position (file:offset): '" + text + "'");
      try {
        return new FilePosition(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a binlog position (file:offset): '" + text + "'");
      }
    }
  }

  public CutRequest {
    files = List.copyOf(files);
    skipGtids = Set.copyOf(skipGtids);
    int criteria = (beforeGtid.isPresent() ? 1 : 0) + (throughGtid.isPresent() ? 1 : 0) + (atOrBeforeTime.isPresent() ? 1 : 0)
        + (beforeMatch.isPresent() ? 1 : 0) + (beforePosition.isPresent() ? 1 : 0);
    if (criteria > 1) {
      throw new IllegalArgumentException("give at most one of beforeGtid, throughGtid, atOrBeforeTime, beforeMatch, beforePosition");
    }
  }

  String describeStop() {
    if (beforeGtid.isPresent()) return "before GTID " + beforeGtid.get();
    if (throughGtid.isPresent()) return "through GTID " + throughGtid.get();
    if (atOrBeforeTime.isPresent()) return "at or before " + atOrBeforeTime.get();
    if (beforeMatch.isPresent()) return "before the first statement matching /" + beforeMatch.get().pattern() + "/";
    if (beforePosition.isPresent()) return "before " + beforePosition.get().file() + ":" + beforePosition.get().offset();
    return "at the end of the files";
  }
}

package io.runbook.steps.db;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID position such as {@code 0-1-100,1-2-7}: the last GTID of each replication domain, as the database
 * steps compare them (a replica's position against its primary's). The binlog scanner keeps its own mutable,
 * allocation-free position ({@code binlog.GtidPosition}); both hold {@link Gtid}s.
 */
public record GtidList(Map<Long, Gtid> byDomain) {
  public GtidList { byDomain = java.util.Collections.unmodifiableMap(new TreeMap<>(byDomain)); }

  /** {@link #parse(String)} of a list read from (or meant for) {@code db}'s server: a malformed one fails the step, naming it. */
  static GtidList parse(String text, MariaDbClient db) throws io.runbook.engine.spi.StepFailure {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw io.runbook.engine.spi.StepFailure.fatal(db.where() + ": " + e.getMessage(), "a GTID list is written like 0-1-1042,1-2-7");
    }
  }

  /** Parses a GTID list; for a binlog state holding several GTIDs of one domain the last one listed wins. */
  public static GtidList parse(String text) {
    Map<Long, Gtid> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) return new GtidList(out);
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) continue;
      Gtid g = Gtid.parse(p);
      out.put(g.domain(), g);
    }
    return new GtidList(out);
  }

  public boolean isEmpty() { return byDomain.isEmpty(); }

  /**
   * Why this position cannot continue from {@code primary}'s binlog: a domain the primary never wrote, a sequence
   * beyond the primary's, or the same sequence from a different server. Empty when it can.
   */
  public List<String> divergenceFrom(GtidList primary) {
    List<String> problems = new ArrayList<>();
    for (Gtid mine : byDomain.values()) {
      Gtid theirs = primary.byDomain.get(mine.domain());
      if (theirs == null) {
        problems.add("domain " + mine.domain() + ": " + mine + " but the primary has no transactions in this domain");
      } else if (Long.compareUnsigned(mine.seq(), theirs.seq()) > 0) {
        problems.add("domain " + mine.domain() + ": " + mine + " is ahead of the primary's " + theirs);
      } else if (mine.seq() == theirs.seq() && mine.serverId() != theirs.serverId()) {
        problems.add("domain " + mine.domain() + ": " + mine + " and the primary's " + theirs + " are different transactions");
      }
    }
    return problems;
  }

  /** Whether every domain of {@code target} has been reached (sequence at least as high). */
  public boolean reached(GtidList target) {
    for (Gtid t : target.byDomain.values()) {
      Gtid mine = byDomain.get(t.domain());
      if (mine == null || Long.compareUnsigned(mine.seq(), t.seq()) < 0) return false;
    }
    return true;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    byDomain.values().forEach(g -> parts.add(g.toString()));
    return String.join(",", parts);
  }
}

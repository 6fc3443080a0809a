package io.runbook.steps.db;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A MariaDB GTID position such as {@code 0-1-100,1-2-7}: the last GTID of each replication domain. */
public record GtidList(Map<Long, Gtid> byDomain) {
  /** One GTID: domain, originating server_id, sequence number. */
  public record Gtid(long domain, long serverId, long seq) {
    @Override public String toString() { return domain + "-" + serverId + "-" + seq; }
  }

  public GtidList { byDomain = java.util.Collections.unmodifiableMap(new TreeMap<>(byDomain)); }

  /** Parses a GTID list; for a binlog state holding several GTIDs of one domain the last one listed wins. */
  public static GtidList parse(String text) {
    Map<Long, Gtid> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) return new GtidList(out);
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) continue;
      String[] f = p.split("-");
      if (f.length != 3) throw new IllegalArgumentException("'" + p + "' is not a GTID (domain-server-sequence)");
      try {
        Gtid g = new Gtid(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
        out.put(g.domain(), g);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + p + "' is not a GTID (domain-server-sequence)");
      }
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
      } else if (mine.seq() > theirs.seq()) {
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
      if (mine == null || mine.seq() < t.seq()) return false;
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

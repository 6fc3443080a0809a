package io.runbook.steps.binlog;

import io.runbook.steps.db.Gtid;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A replication position: the last applied GTID per domain, as {@code @@gtid_binlog_pos} prints it
 * ({@code 0-1-100,1-2-7}). A transaction is covered when its sequence is at or below its domain's.
 */
public final class GtidPosition {
  private final TreeMap<Long, Gtid> byDomain = new TreeMap<>();
  // A scan asks about and advances one domain millions of times in a row: its last GTID is kept in plain fields
  // (cached), and written to the map (dirty) only when something else reads the position.
  private boolean cached;
  private boolean dirty;
  private long recentDomain;
  private long recentServer;
  private long recentSeq;

  public static GtidPosition empty() { return new GtidPosition(); }

  public static GtidPosition parse(String text) {
    GtidPosition p = new GtidPosition();
    if (text == null) return p;
    for (String part : text.split(",")) {
      if (!part.isBlank()) p.advance(Gtid.parse(part));
    }
    return p;
  }

  public static GtidPosition of(Collection<Gtid> gtids) {
    GtidPosition p = new GtidPosition();
    gtids.forEach(p::advance);
    return p;
  }

  public GtidPosition copy() {
    GtidPosition c = new GtidPosition();
    c.byDomain.putAll(map());
    return c;
  }

  /** Records {@code g} as applied in its domain (keeps the highest sequence). */
  public void advance(Gtid g) { advance(g.domain(), g.serverId(), g.seq()); }

  /** Records {@code domain-server-seq} as applied; called per transaction of a scan, so it allocates only for a new domain. */
  public void advance(long domain, long serverId, long seq) {
    if (!cache(domain)) {
      byDomain.put(domain, new Gtid(domain, serverId, seq));
      cache(domain);
    } else if (Long.compareUnsigned(seq, recentSeq) > 0) {
      recentServer = serverId;
      recentSeq = seq;
      dirty = true;
    }
  }

  public boolean covers(Gtid g) { return covers(g.domain(), g.seq()); }

  public boolean covers(long domain, long seq) {
    return cache(domain) && Long.compareUnsigned(seq, recentSeq) <= 0;
  }

  /** Makes {@code domain} the cached one; false when the position has nothing in it. */
  private boolean cache(long domain) {
    if (cached && recentDomain == domain) return true;
    Gtid g = map().get(domain);
    if (g == null) return false;
    cached = true;
    recentDomain = domain;
    recentServer = g.serverId();
    recentSeq = g.seq();
    return true;
  }

  /** The map, brought up to date. */
  private TreeMap<Long, Gtid> map() {
    if (dirty) {
      byDomain.put(recentDomain, new Gtid(recentDomain, recentServer, recentSeq));
      dirty = false;
    }
    return byDomain;
  }

  public Optional<Gtid> domain(long domain) { return Optional.ofNullable(map().get(domain)); }

  public Map<Long, Gtid> asMap() { return Map.copyOf(map()); }

  public boolean isEmpty() { return byDomain.isEmpty(); }

  @Override
  public boolean equals(Object o) { return o instanceof GtidPosition p && p.map().equals(map()); }

  @Override
  public int hashCode() { return map().hashCode(); }

  @Override
  public String toString() { return map().values().stream().map(Gtid::toString).collect(Collectors.joining(",")); }
}

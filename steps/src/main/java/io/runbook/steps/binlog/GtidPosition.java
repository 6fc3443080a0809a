package io.runbook.steps.binlog;

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
    c.byDomain.putAll(byDomain);
    return c;
  }

  /** Records {@code g} as applied in its domain (keeps the highest sequence). */
  public void advance(Gtid g) {
    byDomain.merge(g.domain(), g, (a, b) -> Long.compareUnsigned(b.seq(), a.seq()) > 0 ? b : a);
  }

  /** Records {@code domain-server-seq} as applied (no allocation unless it moves the position). */
  public void advance(long domain, long serverId, long seq) {
    Gtid last = byDomain.get(domain);
    if (last == null || Long.compareUnsigned(seq, last.seq()) > 0) byDomain.put(domain, new Gtid(domain, serverId, seq));
  }

  public boolean covers(Gtid g) { return covers(g.domain(), g.seq()); }

  public boolean covers(long domain, long seq) {
    Gtid last = byDomain.get(domain);
    return last != null && Long.compareUnsigned(seq, last.seq()) <= 0;
  }

  public Optional<Gtid> domain(long domain) { return Optional.ofNullable(byDomain.get(domain)); }

  public Map<Long, Gtid> asMap() { return Map.copyOf(byDomain); }

  public boolean isEmpty() { return byDomain.isEmpty(); }

  @Override
  public boolean equals(Object o) { return o instanceof GtidPosition p && p.byDomain.equals(byDomain); }

  @Override
  public int hashCode() { return byDomain.hashCode(); }

  @Override
  public String toString() { return byDomain.values().stream().map(Gtid::toString).collect(Collectors.joining(",")); }
}

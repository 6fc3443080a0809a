package io.runbook.steps.db;

/** A MariaDB global transaction id, written {@code domain-server-seq}. */
public record Gtid(long domain, long serverId, long seq) {

  /** Parses {@code 0-1-42}; throws IllegalArgumentException with the offending text. */
  public static Gtid parse(String text) {
    String[] p = text.trim().split("-");
    if (p.length != 3) throw new IllegalArgumentException("not a GTID (domain-server-seq): '" + text + "'");
    try {
      return new Gtid(Long.parseUnsignedLong(p[0]), Long.parseUnsignedLong(p[1]), Long.parseUnsignedLong(p[2]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a GTID (domain-server-seq): '" + text + "'");
    }
  }

  @Override
  public String toString() { return domain + "-" + serverId + "-" + Long.toUnsignedString(seq); }
}

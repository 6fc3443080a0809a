package io.runbook.steps.binlog;

import io.runbook.steps.db.Gtid;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The transaction a scan is at. The scanner reuses one cursor for every transaction so a scan of millions
 * allocates almost nothing; call {@link #toTransaction()} to keep one.
 */
public final class TransactionCursor {
  String file;
  long domain;
  long serverId;
  long seq;
  long start;
  long end;
  long timestamp;
  boolean ddl;
  boolean standalone;
  boolean matched;
  String schema;
  final Set<String> tables = new LinkedHashSet<>();
  final Set<String> kinds = new LinkedHashSet<>();
  final List<String> statements = new ArrayList<>();

  void begin(String file, long domain, long serverId, long seq, long start, long timestamp, int flags) {
    this.file = file;
    this.domain = domain;
    this.serverId = serverId;
    this.seq = seq;
    this.start = start;
    this.end = -1;
    this.timestamp = timestamp;
    this.standalone = (flags & 0x01) != 0;
    this.ddl = (flags & 0x20) != 0;
    this.schema = null;
    this.matched = false;
    // most transactions leave these empty: skip the clear calls (millions of them in a scan)
    if (!tables.isEmpty()) tables.clear();
    if (!kinds.isEmpty()) kinds.clear();
    if (!statements.isEmpty()) statements.clear();
  }

  public String file() { return file; }
  public long domain() { return domain; }
  public long serverId() { return serverId; }
  public long seq() { return seq; }
  public Gtid gtid() { return new Gtid(domain, serverId, seq); }
  public long start() { return start; }
  public long end() { return end; }
  /** Event time of the GTID event, epoch seconds. */
  public long timestamp() { return timestamp; }
  public boolean ddl() { return ddl; }
  /** Whether a statement matched the scanner's pattern (false when it has none). */
  public boolean matched() { return matched; }
  /** SQL text captured so far: DDL/other statements always, annotated row SQL at Detail.TEXT and above. */
  public List<String> statements() { return statements; }

  public BinlogTransaction toTransaction() {
    return new BinlogTransaction(gtid().toString(), file, start, end, isoTime(timestamp),
        schema, List.copyOf(tables), List.copyOf(kinds), List.copyOf(statements), ddl);
  }

  /**
   * An event time (whole seconds, at most 2106) as {@code Instant.toString()} writes it, without it: its first call
   * initialises java.time's whole formatting machinery, about 20 ms of a cut that takes a few hundred.
   */
  static String isoTime(long epochSecond) {
    java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(epochSecond, 0, java.time.ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(20).append(t.getYear());
    two(b.append('-'), t.getMonthValue());
    two(b.append('-'), t.getDayOfMonth());
    two(b.append('T'), t.getHour());
    two(b.append(':'), t.getMinute());
    two(b.append(':'), t.getSecond());
    return b.append('Z').toString();
  }

  private static void two(StringBuilder b, int n) {
    if (n < 10) b.append('0');
    b.append(n);
  }
}

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
  private int flags;
  boolean matched;
  String schema;
  /** Counts begin() calls: the detail below belongs to transaction {@code detailOf} only. */
  private long ordinal;
  private long detailOf = -1;
  private final Set<String> tables = new LinkedHashSet<>();
  private final Set<String> kinds = new LinkedHashSet<>();
  private final List<String> statements = new ArrayList<>();

  /**
   * Starts the next transaction. No branch here, not even a test whether the last one left detail behind: a scan
   * calls this millions of times from compiled code, and a branch first taken there (at the first DDL after the JIT
   * compiled it) sends the whole scan loop back to the interpreter until it is compiled again.
   */
  void begin(String file, long domain, long serverId, long seq, long start, long timestamp, int flags) {
    this.file = file;
    this.domain = domain;
    this.serverId = serverId;
    this.seq = seq;
    this.start = start;
    this.end = -1;
    this.timestamp = timestamp;
    this.flags = flags;
    this.schema = null;
    this.matched = false;
    ordinal++;
  }

  /** A standalone transaction (DDL, or a statement on non-transactional tables) has no XID: its one statement ends it. */
  boolean standalone() { return (flags & 0x01) != 0; }

  /** The tables touched, to add to; what an earlier transaction left is dropped on first use. */
  Set<String> addTables() { return claimDetail().tables; }

  Set<String> addKinds() { return claimDetail().kinds; }

  List<String> addStatements() { return claimDetail().statements; }

  private TransactionCursor claimDetail() {
    if (detailOf != ordinal) {
      tables.clear();
      kinds.clear();
      statements.clear();
      detailOf = ordinal;
    }
    return this;
  }

  private boolean hasDetail() { return detailOf == ordinal; }

  public String file() { return file; }
  public long domain() { return domain; }
  public long serverId() { return serverId; }
  public long seq() { return seq; }
  public Gtid gtid() { return new Gtid(domain, serverId, seq); }
  public long start() { return start; }
  public long end() { return end; }
  /** Event time of the GTID event, epoch seconds. */
  public long timestamp() { return timestamp; }
  public boolean ddl() { return (flags & 0x20) != 0; }
  /** Whether a statement matched the scanner's pattern (false when it has none). */
  public boolean matched() { return matched; }
  /** SQL text captured so far: DDL/other statements always, annotated row SQL at Detail.TEXT and above. */
  public List<String> statements() { return hasDetail() ? statements : List.of(); }

  public BinlogTransaction toTransaction() {
    boolean detail = hasDetail();
    return new BinlogTransaction(gtid().toString(), file, start, end, isoTime(timestamp), schema,
        detail ? List.copyOf(tables) : List.of(), detail ? List.copyOf(kinds) : List.of(),
        detail ? List.copyOf(statements) : List.of(), ddl());
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

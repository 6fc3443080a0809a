package io.runbook.steps.binlog;

import io.runbook.engine.spi.Doc;
import io.runbook.steps.db.Gtid;
import java.util.List;

/** One transaction (event group) of a binlog file: where it is, when it started and what it touched. */
@Doc("A transaction found in a binlog file")
public record BinlogTransaction(
    @Doc("Its GTID, domain-server-seq") String gtid,
    @Doc("Binlog file it is in") String file,
    @Doc("Offset of its first event (its GTID event)") long start,
    @Doc("Offset just after its last event") long end,
    @Doc("Event time of its GTID event (statement start, UTC, seconds)") String time,
    @Doc("Default schema of its statements, if any") String schema,
    @Doc("Tables it touched, schema.table") List<String> tables,
    @Doc("Statement kinds: INSERT/UPDATE/DELETE for row events, the leading keywords of other statements") List<String> kinds,
    @Doc("SQL text: DDL and other statements, plus the annotated SQL of row events when it was captured") List<String> statements,
    @Doc("Whether it is DDL (flagged so by the server)") boolean ddl,
    @Doc("One line: its first statement, shortened, or its statement kinds and tables") String summary) {

  /** A transaction with its summary made from its statements. */
  public BinlogTransaction(String gtid, String file, long start, long end, String time, String schema, List<String> tables,
      List<String> kinds, List<String> statements, boolean ddl) {
    this(gtid, file, start, end, time, schema, tables, kinds, statements, ddl, summarize(statements, kinds, tables));
  }

  public Gtid parsedGtid() { return Gtid.parse(gtid); }

  private static String summarize(List<String> statements, List<String> kinds, List<String> tables) {
    if (!statements.isEmpty()) {
      String s = statements.get(0).replaceAll("\\s+", " ").trim();
      String more = statements.size() > 1 ? " (+" + (statements.size() - 1) + " more)" : "";
      return (s.length() > 120 ? s.substring(0, 117) + "..." : s) + more;
    }
    return String.join(",", kinds) + (tables.isEmpty() ? "" : " " + String.join(",", tables));
  }
}

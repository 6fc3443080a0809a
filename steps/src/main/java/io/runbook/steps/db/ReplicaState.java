package io.runbook.steps.db;

import io.runbook.engine.spi.StepFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replication status of a server as column name to text. {@link #read} is the default connection (SHOW SLAVE
 * STATUS), the one db.replica.link sets up and waits for; {@link #all} is every connection, the default and the named
 * ones of multi-source replication (CHANGE MASTER 'name' TO ...), for what a server is and for the steps that stop,
 * restart or forget replication.
 */
final class ReplicaState {
  static final String ALL_SQL = "SHOW ALL SLAVES STATUS";

  private ReplicaState() {}

  /** The default connection; empty when it is not configured. */
  static Map<String, String> read(MariaDbClient db) throws StepFailure {
    List<Map<String, Object>> rows = db.query("SHOW SLAVE STATUS");
    return rows.isEmpty() ? new LinkedHashMap<>() : text(rows.get(0));
  }

  /** Every replication connection (Connection_name empty for the default one); empty when none is configured. */
  static List<Map<String, String>> all(MariaDbClient db) throws StepFailure {
    List<Map<String, String>> out = new ArrayList<>();
    for (Map<String, Object> row : db.query(ALL_SQL)) out.add(text(row));
    return out;
  }

  /** The connection's name, empty for the default connection. */
  static String name(Map<String, String> s) {
    String n = s.get("Connection_name");
    return n == null ? "" : n;
  }

  /** The connection in a statement: {@code ""} for the default one, {@code " 'name'"} (quoted) for a named one. */
  static String inStatement(Map<String, String> s) throws StepFailure {
    return name(s).isEmpty() ? "" : " " + SqlQuoting.literal(name(s));
  }

  /** {@code Yes} / {@code No} / {@code Connecting} of both threads, and the last errors, for messages. */
  static String describe(Map<String, String> s) {
    if (s.isEmpty()) return "not a replica";
    StringBuilder b = new StringBuilder(name(s).isEmpty() ? "" : "connection '" + name(s) + "': ");
    b.append("IO thread ").append(s.get("Slave_IO_Running")).append(", SQL thread ").append(s.get("Slave_SQL_Running"));
    if (!blank(s.get("Last_IO_Error"))) b.append(", last IO error ").append(s.get("Last_IO_Errno")).append(": ").append(s.get("Last_IO_Error"));
    if (!blank(s.get("Last_SQL_Error"))) b.append(", last SQL error ").append(s.get("Last_SQL_Errno")).append(": ").append(s.get("Last_SQL_Error"));
    return b.toString();
  }

  /** {@link #describe} of each connection, joined by '; '. */
  static String describe(List<Map<String, String>> conns) {
    return conns.isEmpty() ? "not a replica" : String.join("; ", conns.stream().map(ReplicaState::describe).toList());
  }

  /** {@code host:port} of the primary the connection follows. */
  static String source(Map<String, String> s) { return s.get("Master_Host") + ":" + s.get("Master_Port"); }

  /** {@code name -> host:port}, {@code (default)} for the default connection: how steps name what they forgot. */
  static String summary(Map<String, String> s) {
    return (name(s).isEmpty() ? "(default)" : name(s)) + " -> " + source(s);
  }

  static boolean blank(String s) { return s == null || s.isBlank() || s.equals("0"); }

  private static Map<String, String> text(Map<String, Object> row) {
    Map<String, String> out = new LinkedHashMap<>();
    row.forEach((k, v) -> out.put(k, v == null ? null : v.toString()));
    return out;
  }
}

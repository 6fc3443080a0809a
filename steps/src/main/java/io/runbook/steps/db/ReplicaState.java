package io.runbook.steps.db;

import io.runbook.engine.spi.StepFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SHOW SLAVE STATUS of a server as column name to text; empty when no replication is configured. */
final class ReplicaState {
  private ReplicaState() {}

  static Map<String, String> read(MariaDbClient db) throws StepFailure {
    List<Map<String, Object>> rows = db.query("SHOW SLAVE STATUS");
    Map<String, String> out = new LinkedHashMap<>();
    if (rows.isEmpty()) return out;
    rows.get(0).forEach((k, v) -> out.put(k, v == null ? null : v.toString()));
    return out;
  }

  /** {@code Yes} / {@code No} / {@code Connecting} of both threads, and the last errors, for messages. */
  static String describe(Map<String, String> s) {
    if (s.isEmpty()) return "not a replica";
    StringBuilder b = new StringBuilder("IO thread " + s.get("Slave_IO_Running") + ", SQL thread " + s.get("Slave_SQL_Running"));
    if (!blank(s.get("Last_IO_Error"))) b.append(", last IO error ").append(s.get("Last_IO_Errno")).append(": ").append(s.get("Last_IO_Error"));
    if (!blank(s.get("Last_SQL_Error"))) b.append(", last SQL error ").append(s.get("Last_SQL_Errno")).append(": ").append(s.get("Last_SQL_Error"));
    return b.toString();
  }

  static boolean blank(String s) { return s == null || s.isBlank() || s.equals("0"); }
}

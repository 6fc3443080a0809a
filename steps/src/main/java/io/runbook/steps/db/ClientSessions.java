package io.runbook.steps.db;

import io.runbook.engine.spi.StepFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client sessions of a server that a drain waits for: everything in the process list except server threads,
 * replication threads (binlog dump to replicas, our own replica threads) and the engine's own connection.
 */
final class ClientSessions {
  static final String SQL =
      "SELECT ID AS id, USER AS user, HOST AS host, DB AS db, COMMAND AS command, TIME AS time, STATE AS state"
          + " FROM information_schema.PROCESSLIST"
          + " WHERE ID <> CONNECTION_ID()"
          + " AND USER NOT IN ('system user', 'event_scheduler', 'unauthenticated user')"
          + " AND COMMAND NOT IN ('Binlog Dump', 'Daemon', 'Slave_IO', 'Slave_SQL', 'Slave_worker')"
          + " ORDER BY ID";

  private ClientSessions() {}

  /** The sessions, optionally leaving out some user names (e.g. a monitoring agent). */
  static List<Map<String, Object>> list(MariaDbClient db, List<String> ignoredUsers) throws StepFailure {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> row : db.query(SQL)) {
      if (!ignoredUsers.contains(String.valueOf(row.get("user")))) out.add(row);
    }
    return out;
  }

  /** {@code #12 app@10.0.0.5:51234 (Sleep 42s)} for messages. */
  static String describe(Map<String, Object> s) {
    return "#" + s.get("id") + " " + s.get("user") + "@" + s.get("host") + " (" + s.get("command") + " " + s.get("time") + "s)";
  }
}

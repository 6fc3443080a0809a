package io.runbook.testkit.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A primary and a replica wired by GTID ({@code MASTER_USE_GTID=slave_pos}) through a replication user, with a
 * short connect retry so the replica reconnects quickly to a restarted primary.
 */
public final class ReplicationPair implements AutoCloseable {
  public static final String REPLICATION_USER = "repl";
  public static final String REPLICATION_PASSWORD = "repl-pass-4711";

  private final MariaDbServer primary;
  private final MariaDbServer replica;

  public ReplicationPair(MariaDbServer primary, MariaDbServer replica) {
    this.primary = primary;
    this.replica = replica;
  }

  public MariaDbServer primary() { return primary; }
  public MariaDbServer replica() { return replica; }

  /** Creates the replication user on the primary (idempotent). */
  public static void createReplicationUser(MariaDbServer primary) {
    primary.sql(
        "CREATE USER IF NOT EXISTS '" + REPLICATION_USER + "'@'%' IDENTIFIED BY '" + REPLICATION_PASSWORD + "'",
        "GRANT REPLICATION SLAVE, REPLICATION SLAVE ADMIN, BINLOG MONITOR ON *.* TO '" + REPLICATION_USER + "'@'%'");
  }

  /**
   * Points the replica at the primary from the replica's current {@code gtid_slave_pos} (empty on a fresh pair:
   * it replays the primary's binlog from the start) and waits until it has caught up.
   */
  public ReplicationPair wire() {
    createReplicationUser(primary);
    replica.sql("STOP SLAVE", "RESET SLAVE ALL",
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port()
            + ", MASTER_USER='" + REPLICATION_USER + "', MASTER_PASSWORD='" + REPLICATION_PASSWORD + "'"
            + ", MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
        "START SLAVE");
    awaitCaughtUp(Duration.ofSeconds(30));
    return this;
  }

  /** Waits until the replica has applied everything in the primary's binlog; fails with the replica's status if not. */
  public void awaitCaughtUp(Duration timeout) {
    String target = primary.queryValue("SELECT @@gtid_binlog_pos");
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      try (Connection c = replica.rootConnection();
           PreparedStatement ps = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, 1)")) {
        ps.setString(1, target);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getInt(1) == 0) return;
        }
      } catch (SQLException e) {
        throw new IllegalStateException("replica " + replica.name() + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("replica " + replica.name() + " did not reach " + target + " within " + timeout
        + "; replica status: " + replicaStatus(replica));
  }

  /** SHOW SLAVE STATUS of a server as column name to value (empty when it is not a replica). */
  public static Map<String, String> replicaStatus(MariaDbServer server) {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = server.rootConnection(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
      if (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) out.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("server " + server.name() + ": " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() {
    try { replica.close(); } finally { primary.close(); }
  }
}

package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.cli.VerifyChecks;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** planned-shutdown then planned-startup in the sandbox: no transaction lost, primary writable again, replica caught up. */
class PlannedShutdownStartupSandboxTest {

  @Test
  void stopsWithEveryTransactionOnTheReplicaAndComesBackWritable() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("planned", 1)) {
      d.sql("primary",
          "CREATE DATABASE drill",
          "CREATE TABLE drill.ledger (id INT PRIMARY KEY, amount INT NOT NULL)",
          "INSERT INTO drill.ledger SELECT seq, seq FROM drill.seq_1_to_500");
      String last = d.value("primary", "SELECT @@global.gtid_binlog_pos");
      Map<String, Long> before = d.checksums("primary", "drill");

      // A server that already runs (a service enabled at boot) is not mounted over nor taken as started.
      SandboxDrill.Result running = d.run("planned-startup", "replicas=replica-1");
      assertEquals(3, running.exit(), "a precondition stopped it: " + running.out());
      assertTrue(running.out().contains("the database service already runs"), running.out());
      assertFalse(stepStarted(d, "mount"), "host.mount did not run");
      assertEquals(last, d.value("primary", "SELECT @@global.gtid_binlog_pos"), "the running server was left alone");

      SandboxDrill.Result down = d.run("planned-shutdown", "replicas=replica-1", "drainTimeout=20s");
      assertEquals(0, down.exit(), "planned-shutdown exit code");
      assertThrows(SQLException.class, () -> d.value("primary", "SELECT 1"), "the primary is down");
      assertEquals(last, d.value("replica-1", "SELECT @@global.gtid_slave_pos"), "the replica has every transaction");
      assertEquals(before, d.checksums("replica-1", "drill"));

      SandboxDrill.Result up = d.run("planned-startup", "replicas=replica-1");
      assertEquals(0, up.exit(), "planned-startup exit code");
      assertEquals("0", d.value("primary", "SELECT @@global.read_only"), "read_only is OFF again");
      assertEquals(before, d.checksums("primary", "drill"), "the primary came back on its own data");
      Map<String, String> slave = d.replicaStatus("replica-1");
      assertEquals("Yes", slave.get("Slave_IO_Running"), slave.toString());
      assertEquals("Yes", slave.get("Slave_SQL_Running"), slave.toString());
      d.sql("primary", "INSERT INTO drill.ledger VALUES (501, 1)");
      d.awaitCaughtUp("replica-1", "primary");
      assertEquals(d.checksums("primary", "drill"), d.checksums("replica-1", "drill"), "writes replicate again");
    }
  }

  @Test
  void aReplicaPromotedDuringTheMaintenanceKeepsThePrimaryFromBeingOpened() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("planned-promoted", 1)) {
      d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1)");
      d.awaitCaughtUp("replica-1", "primary");
      SandboxDrill.Result down = d.run("planned-shutdown", "replicas=replica-1", "drainTimeout=20s");
      assertEquals(0, down.exit(), "planned-shutdown exit code");
      // Someone failed over while the primary was down: replica-1 forgot it and took writes.
      d.sql("replica-1", "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = OFF", "INSERT INTO drill.t VALUES (2)");

      SandboxDrill.Result up = d.run("planned-startup", "replicas=replica-1");
      assertEquals(1, up.exit(), up.out());
      assertTrue(up.out().contains("replica-1") && up.out().contains("no replication configured"), up.out());
      assertTrue(stepStarted(d, "start"), "the server was started and checked");
      assertFalse(stepStarted(d, "writable"), "read_only was not switched OFF");
    }
  }

  /**
   * A replica that follows the primary through a named (multi-source) connection only: STOP SLAVE / START SLAVE would
   * touch the default connection (START SLAVE fails with error 1200), Slave_running is OFF whatever it does. The run
   * restarts the named connection, waits until its threads run, and checks it caught up and healthy.
   */
  @Test
  void aReplicaThroughANamedConnectionIsRestartedAndCheckedCaughtUp() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("planned-named", 1)) {
      d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1)");
      d.awaitCaughtUp("replica-1", "primary");
      Map<String, String> slave = d.replicaStatus("replica-1");
      String password = java.nio.file.Files.readString(d.estate.passwordFile()).strip();
      d.sql("replica-1", "STOP SLAVE", "RESET SLAVE ALL",
          "CHANGE MASTER 'main' TO MASTER_HOST='" + slave.get("Master_Host") + "', MASTER_PORT=" + slave.get("Master_Port")
              + ", MASTER_USER='" + slave.get("Master_User") + "', MASTER_PASSWORD='" + password.replace("'", "''")
              + "', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=" + slave.get("Connect_Retry"),
          "START SLAVE 'main'");
      d.sql("primary", "INSERT INTO drill.t VALUES (2)");
      d.awaitCaughtUp("replica-1", "primary");
      assertTrue(d.replicaStatus("replica-1").isEmpty(), "the default connection is not configured");
      SandboxDrill.Result down = d.run("planned-shutdown", "replicas=replica-1", "drainTimeout=20s");
      assertEquals(0, down.exit(), "planned-shutdown exit code: " + down.out());

      SandboxDrill.Result up = d.run("planned-startup", "replicas=replica-1");
      assertEquals(0, up.exit(), "planned-startup exit code: " + up.out());
      String resumed = FenceSandboxTest.succeeded(java.nio.file.Files.readAllLines(d.lastRunDir().resolve("journal.jsonl")),
          "replicas[0]/replica-resume");
      assertTrue(resumed.contains("\"connections\":[\"main\"]"), "the named connection was restarted: " + resumed);
      Map<String, String> main = namedStatus(d, "replica-1", "main");
      assertEquals("Yes", main.get("Slave_IO_Running"), main.toString());
      assertEquals("Yes", main.get("Slave_SQL_Running"), main.toString());
      // What a drill promises holds through the named connection (Slave_running, the default one's, is OFF here).
      List<VerifyChecks.Result> verdict = d.verify("planned-startup", "replicas=replica-1");
      assertTrue(verdict.stream().allMatch(VerifyChecks.Result::passed), "every check holds: " + verdict);
      d.sql("replica-1", "STOP SLAVE 'main'");
      VerifyChecks.Result replicating = verdict(d.verify("planned-startup", "replicas=replica-1"), "every replica replicates");
      assertFalse(replicating.passed(), "a stopped named connection fails the check: " + replicating);
      assertTrue(replicating.what().startsWith("db.status on replica-1: "), replicating.what());
      assertTrue(replicating.detail().startsWith("replica-1: it is false (")
          && replicating.detail().contains("result.notRunning = 'connection 'main' (IO thread No, SQL thread No)'"), replicating.detail());
      d.sql("replica-1", "START SLAVE 'main'");
      d.sql("primary", "INSERT INTO drill.t VALUES (3)");
      d.awaitCaughtUp("replica-1", "primary");
      assertEquals("3", d.value("replica-1", "SELECT COUNT(*) FROM drill.t"), "writes replicate again");
    }
  }

  /** The verdict on the check whose promise starts with {@code because}. */
  private static VerifyChecks.Result verdict(List<VerifyChecks.Result> results, String because) {
    return results.stream().filter(r -> r.check().because().startsWith(because)).findFirst()
        .orElseThrow(() -> new AssertionError("no check '" + because + "' in " + results));
  }

  private static Map<String, String> namedStatus(SandboxDrill d, String host, String connection) throws SQLException {
    try (Connection c = d.connect(host); var s = c.createStatement(); var rs = s.executeQuery("SHOW SLAVE '" + connection + "' STATUS")) {
      Map<String, String> row = new java.util.TreeMap<>();
      if (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
      }
      return row;
    }
  }

  /** Whether the last run's journal has a step-started record of a top-level step. */
  private static boolean stepStarted(SandboxDrill d, String step) throws java.io.IOException {
    return java.nio.file.Files.readAllLines(d.lastRunDir().resolve("journal.jsonl")).stream()
        .anyMatch(l -> l.contains("\"step-started\"") && l.contains("\"step\":\"" + step + "\""));
  }

  @Test
  void aClientThatDoesNotLeaveStopsTheShutdownReadOnlyAndResumeFinishesIt() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("planned-drain", 1)) {
      d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1), (2)");
      String last;
      try (Connection client = d.connect("primary")) {
        SandboxDrill.Result first = d.run("planned-shutdown", "replicas=replica-1", "drainTimeout=2s");
        assertEquals(1, first.exit(), "the drain step fails while a client stays");
        assertTrue(first.out().contains("drain"), first.out());
        assertEquals("1", d.value("primary", "SELECT @@global.read_only"), "left up and read-only, not half shut down");
        last = d.value("primary", "SELECT @@global.gtid_binlog_pos");
      }
      SandboxDrill.Result resumed = d.resumeNewest();
      assertEquals(0, resumed.exit(), "resume finishes the shutdown once the client is gone");
      assertThrows(SQLException.class, () -> d.value("primary", "SELECT 1"), "the primary is down");
      assertEquals(last, d.value("replica-1", "SELECT @@global.gtid_slave_pos"), "the replica has every transaction");
    }
  }
}

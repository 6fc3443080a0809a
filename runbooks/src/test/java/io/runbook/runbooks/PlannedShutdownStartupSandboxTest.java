package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
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
}

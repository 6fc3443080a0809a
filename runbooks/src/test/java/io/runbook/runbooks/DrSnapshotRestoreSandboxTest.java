package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** dr-snapshot-restore end to end in the sandbox: the primary and its replica land on the snapshot's state. */
class DrSnapshotRestoreSandboxTest {

  @Test
  void putsPrimaryAndReplicaBackOnTheSnapshot() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("snapshot-restore", 1)) {
      d.sql("primary",
          "CREATE DATABASE drill",
          "CREATE TABLE drill.accounts (id INT PRIMARY KEY, balance INT NOT NULL)",
          "INSERT INTO drill.accounts SELECT seq, seq * 10 FROM drill.seq_1_to_300");
      d.awaitCaughtUp("replica-1", "primary");
      d.estate.snapshotNow();
      Map<String, Long> atSnapshot = d.checksums("primary", "drill");
      String gtidAtSnapshot = d.value("primary", "SELECT @@global.gtid_binlog_pos");

      // Writes after the snapshot: the rollback discards them (that is the data-loss window it asks about).
      d.sql("primary", "UPDATE drill.accounts SET balance = 0", "DELETE FROM drill.accounts WHERE id > 100");
      d.awaitCaughtUp("replica-1", "primary");
      assertNotEquals(atSnapshot, d.checksums("primary", "drill"));

      SandboxDrill.Result r = d.run("dr-snapshot-restore", "replicas=replica-1");
      assertEquals(0, r.exit(), "dr-snapshot-restore exit code");

      assertEquals(atSnapshot, d.checksums("primary", "drill"), "primary: the snapshot's state");
      assertEquals(gtidAtSnapshot, d.value("primary", "SELECT @@global.gtid_binlog_pos"));
      assertEquals("0", d.value("primary", "SELECT @@global.read_only"), "primary open for writes");
      assertEquals("1", d.value("replica-1", "SELECT @@global.read_only"), "replica read-only");
      Map<String, String> slave = d.replicaStatus("replica-1");
      assertEquals("Yes", slave.get("Slave_IO_Running"), slave.toString());
      assertEquals("Yes", slave.get("Slave_SQL_Running"), slave.toString());
      assertEquals("0", slave.get("Last_Errno"), slave.toString());
      assertEquals(atSnapshot, d.checksums("replica-1", "drill"), "replica: the same snapshot");

      d.sql("primary", "INSERT INTO drill.accounts VALUES (1000, 1)");
      d.awaitCaughtUp("replica-1", "primary");
      assertEquals(d.checksums("primary", "drill"), d.checksums("replica-1", "drill"), "new writes replicate");

      assertTrue(Files.isDirectory(d.estate.root().resolve("disks/primary-data")), "old primary disk kept");
      assertTrue(Files.isDirectory(d.estate.root().resolve("disks/replica-1-data")), "old replica disk kept");
      assertTrue(r.out().contains("Old disk kept") && r.out().contains("primary-data"), "summary reports the old disk");
      assertTrue(r.out().contains("its old disk replica-1-data is kept"), "the replica's old disk is reported");
    }
  }
}

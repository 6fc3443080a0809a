package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Door 3 in the sandbox: backup-disk-refresh writes and prepares a mariadb-backup on the backup disk and snapshots it;
 * after later writes, dr-backup-disk boots that copy on the primary, sets the GTID state from the backup, and relinks
 * the replica from it.
 */
class BackupDiskDoorSandboxTest {

  @Test
  void refreshThenRestoreTheBackupDisk() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("backup-door", 1)) {
      d.sql("primary",
          "CREATE DATABASE drill",
          "CREATE TABLE drill.stock (id INT PRIMARY KEY, qty INT NOT NULL)",
          "INSERT INTO drill.stock SELECT seq, seq % 7 FROM drill.seq_1_to_400");
      d.awaitCaughtUp("replica-1", "primary");
      Map<String, Long> atBackup = d.checksums("primary", "drill");
      String gtidAtBackup = d.value("primary", "SELECT @@global.gtid_binlog_pos");

      SandboxDrill.Result refresh = d.run("backup-disk-refresh", "dbPassword=file:" + d.estate.passwordFile(), "subdir=mysql",
          "parallel=2", "useMemory=64M");
      assertEquals(0, refresh.exit(), "backup-disk-refresh exit code");

      d.sql("primary", "DELETE FROM drill.stock WHERE id > 50", "INSERT INTO drill.stock VALUES (9999, 1)");
      d.awaitCaughtUp("replica-1", "primary");
      assertNotEquals(atBackup, d.checksums("primary", "drill"));
      String oldTip = d.value("primary", "SELECT @@global.gtid_binlog_pos");

      // replica-1's server is down when the run starts: a warning at hold-replicas, then it is rebuilt like any other.
      new io.runbook.steps.cloud.sandbox.VmServer(d.estate.cloud().layout(), "replica-1")
          .stop(java.time.Duration.ofSeconds(60), io.runbook.engine.spi.StepLog.NONE);
      assertFalse(d.answers("replica-1"));

      SandboxDrill.Result r = d.run("dr-backup-disk", "fromSnapshot=true", "replicas=replica-1");
      assertEquals(0, r.exit(), "dr-backup-disk exit code");
      assertTrue(r.out().contains("does not answer") && r.out().contains("replication on it was not stopped"), r.out());

      assertEquals(atBackup, d.checksums("primary", "drill"), "primary: the backup's state");
      // The backup's GTID state, then one marker transaction past the discarded timeline's last GTID.
      assertEquals(SandboxDrill.nextAfter(oldTip), d.value("primary", "SELECT @@global.gtid_binlog_pos"), "GTID past " + oldTip);
      assertTrue(r.out().contains("GTID " + gtidAtBackup + "\n") || r.out().contains("GTID " + gtidAtBackup + " "),
          "GTID state set from the backup: " + r.out());
      assertEquals("0", d.value("primary", "SELECT @@global.read_only"));
      assertEquals("1", d.value("replica-1", "SELECT @@global.read_only"));
      assertEquals(atBackup, d.checksums("replica-1", "drill"), "replica: the same backup point");
      d.sql("primary", "INSERT INTO drill.stock VALUES (10000, 2)");
      d.awaitCaughtUp("replica-1", "primary");
      Map<String, String> slave = d.replicaStatus("replica-1");
      assertEquals("Yes", slave.get("Slave_IO_Running"), slave.toString());
      assertEquals("Yes", slave.get("Slave_SQL_Running"), slave.toString());
      assertEquals("0", slave.get("Last_Errno"), slave.toString());
      assertEquals(d.checksums("primary", "drill"), d.checksums("replica-1", "drill"), "new writes replicate with the continued GTIDs");
    }
  }
}

package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.steps.cloud.sandbox.SandboxEstate;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Door 3 with the backup taken on a replica: backup-disk-refresh -p host=replica-1 backs the replica up with
 * --slave-info --safe-slave-backup, and dr-backup-disk -p backupHost=replica-1 restores the primary from that copy at
 * the replica's gtid_slave_pos (what it had applied from the primary), then relinks the replica from it.
 */
class BackupDiskReplicaSandboxTest {

  @Test
  void aBackupTakenOnTheReplicaRestoresThePrimaryAtTheReplicasAppliedPosition() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("backup-door-replica", 1)) {
      giveReplicaABackupDisk(d);
      d.sql("primary",
          "CREATE DATABASE drill",
          "CREATE TABLE drill.stock (id INT PRIMARY KEY, qty INT NOT NULL)",
          "INSERT INTO drill.stock SELECT seq, seq % 7 FROM drill.seq_1_to_400");
      d.awaitCaughtUp("replica-1", "primary");
      Map<String, Long> atBackup = d.checksums("replica-1", "drill");
      String applied = d.value("replica-1", "SELECT @@global.gtid_slave_pos");
      assertEquals(d.value("primary", "SELECT @@global.gtid_binlog_pos"), applied);

      SandboxDrill.Result refresh = d.run("backup-disk-refresh", "host=replica-1", "dbPassword=file:" + d.estate.passwordFile(),
          "subdir=mysql", "parallel=2", "useMemory=64M");
      assertEquals(0, refresh.exit(), refresh.out());
      // mariadb-backup's own lines for --safe-slave-backup and --slave-info
      assertTrue(refresh.out().contains("Slave is safe to backup")
          && refresh.out().matches("(?s).*Writing (xtrabackup|mariadb_backup)_slave_info.*"),
          refresh.out());
      assertTrue(refresh.out().contains("prepared backup of replica-1 at GTID " + applied + " (from its slave_info;"),
          refresh.out());
      Path backupRoot = d.estate.cloud().layout().diskFs("replica-1-backup").resolve("mysql");
      assertTrue(Files.exists(backupRoot.resolve("xtrabackup_slave_info")) || Files.exists(backupRoot.resolve("mariadb_backup_slave_info")));
      assertEquals("Yes", d.replicaStatus("replica-1").get("Slave_SQL_Running"), "--safe-slave-backup restarted the SQL thread");

      d.sql("primary", "DELETE FROM drill.stock WHERE id > 50", "INSERT INTO drill.stock VALUES (9999, 1)");
      d.awaitCaughtUp("replica-1", "primary");
      assertNotEquals(atBackup, d.checksums("primary", "drill"));

      SandboxDrill.Result r = d.run("dr-backup-disk", "fromSnapshot=true", "backupHost=replica-1", "replicas=replica-1");
      assertEquals(0, r.exit(), r.out());
      assertTrue(r.out().contains("GTID " + applied + " (from the backup's slave_info;"), r.out());
      assertEquals(atBackup, d.checksums("primary", "drill"), "primary: the replica's copy");
      assertEquals(atBackup, d.checksums("replica-1", "drill"), "replica: the same copy");
      d.sql("primary", "INSERT INTO drill.stock VALUES (10000, 2)");
      d.awaitCaughtUp("replica-1", "primary");
      Map<String, String> slave = d.replicaStatus("replica-1");
      assertEquals("Yes", slave.get("Slave_SQL_Running"), slave.toString());
      assertEquals("0", slave.get("Last_Errno"), slave.toString());
      assertEquals(d.checksums("primary", "drill"), d.checksums("replica-1", "drill"), "new writes replicate from the copy's GTID on");
    }
  }

  /**
   * A primary left with a replication configuration (SHOW SLAVE STATUS has a row) would be backed up as a primary
   * while its gtid_slave_pos is stale: the role in the inventory and the server disagree, and the refresh stops before
   * it empties the disk.
   */
  @Test
  void aRoleTheServerContradictsStopsTheRefreshBeforeTheDiskIsEmptied() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("backup-refresh-role", 0)) {
      Path checkpoints = d.estate.cloud().layout().diskFs("primary-backup").resolve("mysql").resolve("xtrabackup_checkpoints");
      String before = Files.readString(checkpoints);
      d.sql("primary", "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_USER='x', MASTER_USE_GTID=slave_pos");
      SandboxDrill.Result r = d.run("backup-disk-refresh", "dbPassword=file:" + d.estate.passwordFile(), "subdir=mysql");
      assertNotEquals(0, r.exit(), r.out());
      assertTrue(r.out().contains("the host's role in the inventory does not match its server: hosts.primary.role is primary"
          + " but its server has replication configured")
          && r.out().contains("RESET SLAVE ALL on a primary left with a replication configuration"), r.out());
      assertEquals(before, Files.readString(checkpoints), "the prepared backup on the disk was not deleted");
    }
  }

  /** The same with a named (multi-source) connection, which SHOW SLAVE STATUS does not show: db.status sees it. */
  @Test
  void aNamedReplicationConnectionOnThePrimaryIsSeenByTheRoleCheck() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("backup-refresh-named", 0)) {
      Path checkpoints = d.estate.cloud().layout().diskFs("primary-backup").resolve("mysql").resolve("xtrabackup_checkpoints");
      String before = Files.readString(checkpoints);
      d.sql("primary", "CHANGE MASTER 'old' TO MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_USER='x', MASTER_USE_GTID=slave_pos");
      SandboxDrill.Result r = d.run("backup-disk-refresh", "dbPassword=file:" + d.estate.passwordFile(), "subdir=mysql");
      assertNotEquals(0, r.exit(), r.out());
      assertTrue(r.out().contains("hosts.primary.role is primary but its server has replication configured"), r.out());
      assertEquals(before, Files.readString(checkpoints), "the prepared backup on the disk was not deleted");
    }
  }

  /** The sandbox gives only the primary a backup disk: attach one to replica-1 at the backup LUN and name it in the inventory. */
  private static void giveReplicaABackupDisk(SandboxDrill d) throws Exception {
    var cloud = d.estate.cloud();
    SandboxLayout layout = cloud.layout();
    var disk = cloud.createEmptyDisk(new NewDisk("replica-1-backup", "sandbox", null, "Standard_LRS", Map.of("role", "backup")), 4);
    cloud.attach("replica-1", disk.name(), SandboxEstate.BACKUP_LUN);
    Path mount = layout.mounts("replica-1").resolve("backup");
    Files.createDirectories(mount.getParent());
    Files.createSymbolicLink(mount, layout.diskFs(disk.name()));
    Files.writeString(layout.diskFs(disk.name()).resolve(SandboxEstate.MARKER), disk.uniqueId() + "\n");
    String inv = Files.readString(d.inventory);
    String primaryLine = inv.lines().filter(l -> l.contains("backupDisk: { name: primary-backup")).findFirst().orElseThrow();
    String replicaLine = primaryLine.replace("primary-backup", "replica-1-backup").replace("/vms/primary/", "/vms/replica-1/")
        .replace(", backupInstance: replica-1-backup", "");
    assertTrue(replicaLine.contains("/vms/replica-1/"), replicaLine);
    int at = inv.indexOf("\n", inv.indexOf("dataDisk: { name: replica-1-data")) + 1;
    Files.writeString(d.inventory, inv.substring(0, at) + replicaLine + "\n" + inv.substring(at));
  }
}

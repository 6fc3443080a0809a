package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.sandbox.SandboxEstate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * The restored disk is a copy of the backup disk, so it carries the backup disk's filesystem UUID (in the sandbox: the
   * marker made with the disk): an fstab that mounts the data disk by UUID= names the old, detached disk after the run.
   * The approval says so before anything changes; the summary says to fix the fstab, with the LUN line to use (nouuid:
   * the backup disk at LUN 11 has the same UUID).
   */
  @Test
  void anFstabByUuidIsFlaggedAtTheApprovalAndTheSummaryGivesTheLunLine() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("backup-door-fstab", 0)) {
      var layout = d.estate.cloud().layout();
      String uuid = Files.readString(layout.diskFs("primary-data").resolve(SandboxEstate.MARKER)).strip();
      Path fstab = layout.vm("primary").resolve("etc/fstab");
      String mp = layout.mounts("primary").resolve("data").toString();
      assertTrue(Files.readString(fstab).contains("/dev/disk/azure/scsi1/lun9 " + mp + " xfs"), "sandbox up writes the LUN line");
      String line = "UUID=" + uuid + " " + mp + " xfs defaults,nofail 0 2";
      Files.writeString(fstab, "UUID=0a1b2c3d-root / ext4 defaults 0 1\n" + line + "\n");

      SandboxDrill.Result r = d.run("dr-backup-disk");
      assertEquals(0, r.exit(), r.out());
      // Before the swap the UUID is the data disk's own (the sandbox's filesystem UUID is the disk's marker).
      assertTrue(r.out().contains(" mounts " + mp + " by UUID=" + uuid + ", the disk mounted there now: the next boot mounts the"
          + " right disk"), r.out());
      assertTrue(r.out().contains("FSTAB: " + fstab + " mounts the data disk by UUID=" + uuid
          + ", but the restored disk carries the filesystem UUID and label of the backup disk"), r.out());
      String fix = "FIX " + fstab + " BEFORE THE NEXT REBOOT (primary): UUID=" + uuid + " names no disk on the host now: the"
          + " next boot mounts nothing at " + mp + " (or waits for it); replace line 2 `" + line + "` with `/dev/disk/azure/scsi1/lun9 "
          + mp + " xfs defaults,nofail,nouuid 0 2` (the replicas' fstab checks are in their swap lines)";
      assertTrue(r.out().replace("\n", " ").contains(fix), "the summary: " + r.out());
    }
  }

  /**
   * mariadb-backup --backup already writes the binlog info file, ibdata1 and mysql/, and an unprepared copy boots on
   * 10.11 (InnoDB's own crash recovery): dr-backup-disk must tell it by the checkpoints file and refuse before it starts
   * the server. A new run from a prepared point (the vault's, taken when the estate was built) then restores, once
   * it is told where the old timeline ended (the refusal names it): the primary is down on the copy, so it cannot.
   */
  @Test
  void anUnpreparedBackupIsRefusedBeforeTheServerStartsAndAPreparedPointRestores() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("backup-door-unprepared", 0)) {
      Map<String, Long> atBuild = d.checksums("primary", "shop");
      d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1)");
      String oldTip = d.value("primary", "SELECT @@global.gtid_binlog_pos");

      // The backup disk gets a copy that was never prepared (a refresh that died between --backup and --prepare).
      Path target = d.estate.cloud().layout().diskFs("primary-backup").resolve("mysql");
      backUpWithoutPrepare(d, target);
      assertTrue(Files.readString(target.resolve("xtrabackup_checkpoints")).contains("backup_type = full-backuped"));
      assertTrue(Files.exists(target.resolve("xtrabackup_binlog_info")), "the binlog info is there before --prepare");
      d.estate.cloud().snapshot(d.estate.cloud().findDisk("primary-backup").orElseThrow(), "primary-backup-unprepared",
          Map.of(), StepLog.NONE);

      SandboxDrill.Result refused = d.run("dr-backup-disk", "fromSnapshot=true");
      assertEquals(1, refused.exit(), refused.out());
      assertTrue(refused.out().contains("does not hold a prepared mariadb-backup (needed: backup_type = log-applied)")
          && refused.out().contains("Found: backup_type = full-backuped;"), refused.out());
      assertTrue(refused.out().contains("-p unfinishedRun=true (this run left the copy attached) and -p oldTimelineEnd="
          + oldTip + " (where the old timeline ended)"), "the refusal names the old timeline's end\n" + refused.out());
      assertFalse(d.answers("primary"), "the server was not started on the unprepared copy");
      String journal = Files.readString(d.lastRunDir().resolve("journal.jsonl"));
      assertFalse(journal.contains("\"step\":\"start-primary\""), "start-primary never began");

      // The refused run left the primary on a new disk (the unprepared copy) while the inventory names its real one:
      // the next run says so before it changes anything. That disk was left by a run that did not finish (the
      // inventory's disk still holds the data), so the operator says so and runs again.
      String attached = d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName();
      SandboxDrill.Result stale = d.run("dr-backup-disk");
      assertEquals(3, stale.exit(), stale.out());
      assertTrue(stale.out().contains("update hosts.primary.dataDisk.name in the inventory to " + attached)
          && stale.out().contains("run again with -p unfinishedRun=true"), stale.out());
      // The primary is down on the unprepared copy: nothing the new run reads knows where the old timeline ended, and
      // without it the restored primary would hand the discarded GTIDs out again. Refused before anything changes.
      SandboxDrill.Result noEnd = d.run("dr-backup-disk", "unfinishedRun=true");
      assertEquals(3, noEnd.exit(), noEnd.out());
      assertTrue(noEnd.out().contains("primary runs on " + attached + ", left by an earlier run that did not finish: its"
          + " GTID position (not answering) is that disk's") && noEnd.out().contains("-p oldTimelineEnd=D-S-N"), noEnd.out());
      assertEquals(attached, d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName(), "no disk swapped");
      assertFalse(Files.readString(d.lastRunDir().resolve("journal.jsonl")).contains("\"step\":\"approve\""),
          "stopped before the approval");
      SandboxDrill.Result restored = d.run("dr-backup-disk", "unfinishedRun=true", "oldTimelineEnd=" + oldTip);
      assertEquals(0, restored.exit(), restored.out());
      assertEquals(SandboxDrill.nextAfter(oldTip), d.value("primary", "SELECT @@global.gtid_binlog_pos"),
          "moved past the old timeline's end");
      assertTrue(restored.out().contains("backup_type = log-applied; backup finished "), restored.out());
      assertEquals(atBuild, d.checksums("primary", "shop"), "the prepared point's data");
      assertEquals("0", d.value("primary", "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'drill'"));
      assertEquals("0", d.value("primary", "SELECT @@global.read_only"));
    }
  }

  /**
   * A prepared backup boots with an empty binlog. Something written after the boot (here: while the run was down
   * between the fenced, read-only start-primary and binlog-state, by an account read_only does not stop) is in
   * InnoDB: RESET MASTER would erase it from the binlog only, so binlog-state refuses and leaves the server as it is.
   */
  @Test
  void aWriteBinloggedSinceTheBootStopsTheBinlogReset() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("backup-door-binlogged", 0)) {
      SandboxDrill.Result baseline = d.run("dr-backup-disk");
      assertEquals(0, baseline.exit(), baseline.out());
      List<String> records = Files.readAllLines(d.lastRunDir().resolve("journal.jsonl"));
      int holdWrites = 0;
      for (int i = 0; i < records.size(); i++) {
        String r = records.get(i);
        if (r.contains("\"type\":\"step-succeeded\"") && r.contains("\"step\":\"start-primary\"")) holdWrites = i + 1;
      }
      assertTrue(holdWrites > 0, "the baseline journal has start-primary");
      d.adoptAttachedDataDisk("primary"); // as the baseline's summary asks: the primary runs on its new disk now

      SandboxDrill.Result killed = d.runKilledAfterRecord(holdWrites, "dr-backup-disk");
      assertEquals(137, killed.exit(), "the engine died right after start-primary");
      assertEquals("", d.value("primary", "SELECT @@global.gtid_binlog_pos"), "the prepared copy booted with an empty binlog");
      d.sql("primary", "CREATE DATABASE late", "CREATE TABLE late.t (id INT PRIMARY KEY)", "INSERT INTO late.t VALUES (1)");
      String written = d.value("primary", "SELECT @@global.gtid_binlog_pos");
      assertNotEquals("", written);

      SandboxDrill.Result resumed = d.resumeNewest();
      assertEquals(1, resumed.exit(), resumed.out());
      assertTrue(resumed.out().contains("@@gtid_binlog_pos is " + written + ", not empty: transactions were binlogged"), resumed.out());
      assertEquals(written, d.value("primary", "SELECT @@global.gtid_binlog_pos"), "the binlog was not reset");
      assertEquals("1", d.value("primary", "SELECT COUNT(*) FROM late.t"));
      assertEquals("1", d.value("primary", "SELECT @@global.read_only"), "not opened for writes");
    }
  }

  /**
   * backup-disk-refresh deletes the disk's only prepared copy: it needs confirmation, and it first checks that
   * mariadb-backup has the server's major.minor version (found before the wipe, not after it).
   */
  @Test
  void theRefreshAsksBeforeItEmptiesTheDiskAndChecksTheToolVersionFirst() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("backup-refresh-guards", 0)) {
      Path checkpoints = d.estate.cloud().layout().diskFs("primary-backup").resolve("mysql").resolve("xtrabackup_checkpoints");
      String before = Files.readString(checkpoints);
      assertTrue(before.contains("backup_type = log-applied"), "the estate's backup disk holds a prepared backup");
      String password = "dbPassword=file:" + d.estate.passwordFile();

      InProcessCli.Out unconfirmed = InProcessCli.runShown(List.of("--state-dir", d.stateDir.toString(), "run",
          "backup-disk-refresh.yaml", "-i", d.inventory.toString(), "-p", password, "-p", "subdir=mysql"));
      assertEquals(2, unconfirmed.exit(), "refused before the run starts without a terminal or --yes");
      assertTrue(unconfirmed.text().contains("clear"), unconfirmed.text());

      // A mariadb-backup of another version first in PATH: the run stops before the disk is emptied.
      Path bin = Files.createDirectories(d.estate.root().resolve("fake-bin"));
      Path fake = bin.resolve("mariadb-backup");
      Files.writeString(fake, "#!/bin/sh\necho 'mariadb-backup based on MariaDB server 10.6.21-MariaDB debian-linux-gnu (x86_64)' >&2\n");
      fake.toFile().setExecutable(true);
      SandboxDrill.Result wrongTool = d.runWithEnv(Map.of("PATH", bin + ":" + System.getenv("PATH")), "backup-disk-refresh",
          password, "subdir=mysql");
      assertEquals(1, wrongTool.exit(), wrongTool.out());
      assertTrue(wrongTool.out().contains("mariadb-backup on this host is 10.6, the server is 10.11"), wrongTool.out());
      assertEquals(before, Files.readString(checkpoints), "the prepared backup on the disk was not deleted");
      assertTrue(d.estate.cloud().listSnapshots().stream().noneMatch(x -> x.name().startsWith("primary-backup")),
          "no snapshot of the backup disk was taken");
    }
  }

  private static void backUpWithoutPrepare(SandboxDrill d, Path target) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", "rm -rf -- \"$1\" && mariadb-backup --backup --target-dir=\"$1\""
        + " --host=127.0.0.1 --port=\"$2\" --user=runbook", "sh", target.toString(), d.value("primary", "SELECT @@port"))
        .redirectErrorStream(true);
    pb.environment().put("MYSQL_PWD", Files.readString(d.estate.passwordFile()).strip());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }
}

package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.steps.cloud.sandbox.VmServer;
import io.runbook.steps.host.service.DbServiceStart;
import io.runbook.steps.host.service.DbServiceStop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * dr-snapshot-restore end to end in the sandbox: the primary and its replica land on the snapshot's state. replica-2
 * plays a binlog consumer the run is not told about: the run refuses until it is acknowledged, and afterwards that
 * consumer, still positioned on the discarded timeline, fails loudly instead of resuming on reused GTIDs. Tables
 * that crash recovery does not make consistent (MyISAM, Aria) are named in a warning once the primary booted.
 */
class DrSnapshotRestoreSandboxTest {

  @Test
  void putsPrimaryAndReplicaBackOnTheSnapshot() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("snapshot-restore", 2)) {
      d.sql("primary",
          "CREATE DATABASE drill",
          "CREATE TABLE drill.accounts (id INT PRIMARY KEY, balance INT NOT NULL)",
          "INSERT INTO drill.accounts SELECT seq, seq * 10 FROM drill.seq_1_to_300");
      // Tables crash recovery does not make consistent: the restored primary's log names them (InnoDB ones not).
      d.sql("primary",
          "CREATE DATABASE legacy",
          "CREATE TABLE legacy.notes (id INT PRIMARY KEY, note VARCHAR(20)) ENGINE=MyISAM",
          "CREATE TABLE legacy.cache (id INT PRIMARY KEY) ENGINE=Aria",
          "CREATE TABLE legacy.fine (id INT PRIMARY KEY) ENGINE=InnoDB",
          "INSERT INTO legacy.notes VALUES (1, 'kept')");
      d.awaitCaughtUp("replica-1", "primary");
      d.estate.snapshotNow();
      Map<String, Long> atSnapshot = d.checksums("primary", "drill");
      String gtidAtSnapshot = d.value("primary", "SELECT @@global.gtid_binlog_pos");

      // Writes after the snapshot: the rollback discards them (that is the data-loss window it asks about).
      d.sql("primary", "UPDATE drill.accounts SET balance = 0", "DELETE FROM drill.accounts WHERE id > 100");
      d.awaitCaughtUp("replica-1", "primary");
      // replica-1 lags by an hour from now on: the DR stops it at once, without applying what it received.
      d.sql("replica-1", "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 3600", "START SLAVE");
      d.sql("primary", "INSERT INTO drill.accounts VALUES (500, 5)");
      d.awaitCaughtUp("replica-2", "primary");
      Map<String, Long> beforeRun = d.checksums("primary", "drill");
      String oldTip = d.value("primary", "SELECT @@global.gtid_binlog_pos");
      assertNotEquals(atSnapshot, beforeRun);

      // replica-2 reads the binlog but is not listed: refused before anything changes.
      SandboxDrill.Result refused = d.run("dr-snapshot-restore", "replicas=replica-1");
      assertNotEquals(0, refused.exit(), refused.out());
      assertTrue(refused.out().contains("binlog consumers that are not in the listed replicas")
          && refused.out().contains("-p unlistedConsumers=true"), refused.out());
      assertEquals(beforeRun, d.checksums("primary", "drill"), "nothing changed");
      assertEquals("0", d.value("primary", "SELECT @@global.read_only"));
      assertEquals("Yes", d.replicaStatus("replica-1").get("Slave_IO_Running"), "replication not stopped");

      long t0 = System.nanoTime();
      SandboxDrill.Result r = d.run("dr-snapshot-restore", "replicas=replica-1", "unlistedConsumers=true");
      assertEquals(0, r.exit(), "dr-snapshot-restore exit code");
      // The whole warning, as it read before it moved into the part non-innodb-check.
      assertTrue(r.out().contains("[non-innodb/warning] warning: 2 user table(s) of primary are not InnoDB: "
          + "legacy.cache (Aria), legacy.notes (MyISAM). The disk snapshot is crash-consistent: crash recovery made only"
          + " the InnoDB tables consistent; these may be damaged or miss writes (MEMORY tables are empty). CHECK TABLE"
          + " them (or mariadb-check --check DB TABLE ...) before applications write to them; repair a damaged one with"
          + " REPAIR TABLE (or, with the server stopped, aria_chk for Aria, myisamchk for MyISAM) or reload it from"
          + " another copy. The run goes on.\n"), r.out());
      assertTrue(System.nanoTime() - t0 < java.time.Duration.ofMinutes(4).toNanos(), "the delayed replica did not hold the run up");

      assertEquals(atSnapshot, d.checksums("primary", "drill"), "primary: the snapshot's state");
      // The snapshot's position, moved past the discarded transactions by one marker transaction.
      assertEquals(SandboxDrill.nextAfter(oldTip), d.value("primary", "SELECT @@global.gtid_binlog_pos"));
      assertTrue(SandboxDrill.nextAfter(oldTip).startsWith(gtidAtSnapshot.substring(0, gtidAtSnapshot.lastIndexOf('-'))));
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

      // replica-2 still holds the discarded transactions' position; once the new primary is past it, restarting
      // replication must fail (1236) rather than resume silently and skip new transactions.
      for (int i = 0; i < 5; i++) d.sql("primary", "INSERT INTO drill.accounts VALUES (" + (2000 + i) + ", 1)");
      Map<String, String> stale = d.restartReplicaAndAwaitIoError("replica-2");
      assertEquals("1236", stale.get("Last_IO_Errno"), stale.toString());
      assertEquals("0", d.value("replica-2", "SELECT COUNT(*) FROM drill.accounts WHERE id >= 2000"), "nothing new applied");
    }
  }

  /**
   * After a DR the primary runs on a new disk while the inventory still names the old, detached one. A second DR must
   * not take the old disk's snapshots for fresh ones: it refuses before anything changes and names both disks and the
   * inventory edit. Once the inventory names the attached disk (what the first run's summary asks for), it restores
   * the new disk's snapshot.
   */
  @Test
  void aSecondDrWhoseInventoryStillNamesTheOldDiskIsRefusedWithNothingChanged() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("snapshot-restore-twice", 1)) {
      d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1)");
      d.awaitCaughtUp("replica-1", "primary");
      d.estate.snapshotNow();
      SandboxDrill.Result first = d.run("dr-snapshot-restore", "replicas=replica-1");
      assertEquals(0, first.exit(), first.out());
      assertFalse(first.out().contains("not InnoDB"), "only InnoDB tables: no warning\n" + first.out());
      String newDisk = d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName();
      assertTrue(newDisk.startsWith("primary-data-"), newDisk);
      assertTrue(first.out().contains("NOW UPDATE THE INVENTORY: set hosts.primary.dataDisk.name to " + newDisk), first.out());

      // Life goes on on the new disk: a snapshot of it (the estate snapshots what is attached), then later writes.
      d.sql("primary", "INSERT INTO drill.t VALUES (2)");
      d.awaitCaughtUp("replica-1", "primary");
      d.estate.snapshotNow();
      Map<String, Long> atNewSnapshot = d.checksums("primary", "drill");
      d.sql("primary", "INSERT INTO drill.t VALUES (3)");
      d.awaitCaughtUp("replica-1", "primary");

      Map<String, Long> before = d.checksums("primary", "drill");
      String gtid = d.value("primary", "SELECT @@global.gtid_binlog_pos");
      long pid = new VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow();
      List<String> disks = names(d.estate.root().resolve("disks"));
      List<Snapshot> snapshots = d.estate.cloud().listSnapshots();

      SandboxDrill.Result refused = d.run("dr-snapshot-restore", "replicas=replica-1");
      assertEquals(3, refused.exit(), "a precondition is false: exit 3\n" + refused.out());
      assertTrue(refused.out().contains("the disk at LUN 9 of the VM of primary is " + newDisk
          + ", but the inventory names primary-data"), refused.out());
      assertTrue(refused.out().contains("update hosts.primary.dataDisk.name in the inventory to " + newDisk
          + " (and protect it in the Backup Vault), then run again"), refused.out());
      // The refusal itself (the part's require) names both disks: the explanation's ${{ }} are filled in.
      assertTrue(refused.out().contains("step data-disk-check/data-disk: precondition failed: the disk at LUN 9 of the VM"
          + " of primary is " + newDisk + ", but the inventory names primary-data"), refused.out());
      assertTrue(refused.out().lines().filter(l -> l.contains("precondition failed")).noneMatch(l -> l.contains("${{")),
          "no expression left as written: " + refused.out());
      assertTrue(!refused.out().contains("step approve") && !Files.readString(d.lastRunDir().resolve("journal.jsonl"))
          .contains("\"step\":\"approve\""), "stopped before the approval");
      assertEquals(pid, new VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow(), "same server process");
      assertEquals(newDisk, d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName());
      assertEquals("0", d.value("primary", "SELECT @@global.read_only"));
      assertEquals(gtid, d.value("primary", "SELECT @@global.gtid_binlog_pos"));
      assertEquals(before, d.checksums("primary", "drill"));
      assertEquals(disks, names(d.estate.root().resolve("disks")), "no disk made");
      assertEquals(snapshots, d.estate.cloud().listSnapshots(), "no snapshot taken");
      assertEquals("Yes", d.replicaStatus("replica-1").get("Slave_SQL_Running"), "the replica still follows the primary");

      // The operator does what the refusal says; the run then restores the snapshot of the disk in use.
      assertEquals(newDisk, d.adoptAttachedDataDisk("primary"));
      d.adoptAttachedDataDisk("replica-1");
      SandboxDrill.Result second = d.run("dr-snapshot-restore", "replicas=replica-1");
      assertEquals(0, second.exit(), second.out());
      assertTrue(second.out().contains("primary runs on its inventory data disk " + newDisk), second.out());
      assertEquals(atNewSnapshot, d.checksums("primary", "drill"), "the new disk's snapshot, not the old disk's");
      assertEquals(atNewSnapshot, d.checksums("replica-1", "drill"));
    }
  }

  /**
   * A run killed right after the primary booted on the snapshot leaves it there (fenced, read-only), its disk
   * detached and kept. A new run (-p unfinishedRun=true) would read the snapshot's GTID position as the old timeline's
   * end and hand the discarded GTIDs out again: it is refused before anything changes until it gets -p oldTimelineEnd
   * (the killed run's journal holds the value: step old-end), and then moves the restored primary past the real end.
   */
  @Test
  void aNewRunAfterAnUnfinishedOneNeedsTheOldTimelinesEndAndMovesPastIt() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("snapshot-restore-unfinished", 0)) {
      d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1)");
      d.estate.snapshotNow();
      // A finished run first: its journal says which record is the primary's start (where the next run is killed).
      SandboxDrill.Result first = d.run("dr-snapshot-restore");
      assertEquals(0, first.exit(), first.out());
      int started = FenceSandboxTest.index(Files.readAllLines(d.lastRunDir().resolve("journal.jsonl")), "step-succeeded",
          "start-primary");
      d.adoptAttachedDataDisk("primary");

      d.sql("primary", "INSERT INTO drill.t VALUES (2)");
      d.estate.snapshotNow();
      Map<String, Long> atSnapshot = d.checksums("primary", "drill");
      String atSnapshotGtid = d.value("primary", "SELECT @@global.gtid_binlog_pos");
      d.sql("primary", "INSERT INTO drill.t VALUES (3)", "INSERT INTO drill.t VALUES (4)");
      String oldTip = d.value("primary", "SELECT @@global.gtid_binlog_pos");

      SandboxDrill.Result killed = d.runKilledAfterRecord(started, "dr-snapshot-restore");
      assertEquals(137, killed.exit(), "the engine died right after the primary's start");
      assertEquals(atSnapshotGtid, d.value("primary", "SELECT @@global.gtid_binlog_pos"), "the primary runs on the snapshot");
      assertEquals("1", d.value("primary", "SELECT @@global.read_only"));
      JournalRecord oldEnd = JournalReader.read(d.lastRunDir().resolve("journal.jsonl")).records().stream()
          .filter(j -> JournalRecord.STEP_SUCCEEDED.equals(j.type()) && "old-end".equals(j.step())).findFirst().orElseThrow();
      assertEquals("[\"" + oldTip + "\"]", oldEnd.get("outputs").get("values").get("gtids").toString(),
          "the killed run's journal holds the old end");

      // Without the old end the new run would move past the snapshot's position only: refused before anything changes.
      long pid = new VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow();
      String lunDisk = d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName();
      SandboxDrill.Result refused = d.run("dr-snapshot-restore", "unfinishedRun=true");
      assertEquals(3, refused.exit(), refused.out());
      assertTrue(refused.out().replace("\n", " ").contains("primary runs on " + lunDisk + ", left by an earlier run that did"
          + " not finish: its GTID position " + atSnapshotGtid + " is that disk's, not where the old timeline ended"), refused.out());
      assertTrue(refused.out().contains("-p oldTimelineEnd=D-S-N"), refused.out());
      JournalRecord failed = JournalReader.read(d.lastRunDir().resolve("journal.jsonl")).records().stream()
          .filter(j -> JournalRecord.STEP_FAILED.equals(j.type())).findFirst().orElseThrow();
      assertEquals("old-timeline/end-known", failed.step(), failed.toString());
      assertEquals(pid, new VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow(), "the primary was not stopped");
      assertEquals(lunDisk, d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName(), "no disk swapped");

      SandboxDrill.Result r = d.run("dr-snapshot-restore", "unfinishedRun=true", "oldTimelineEnd=" + oldTip);
      assertEquals(0, r.exit(), r.out());
      assertTrue(r.out().contains("(the old timeline up to " + oldTip + ", given with -p oldTimelineEnd)"), "the approval names the old end\n" + r.out());
      assertEquals(atSnapshot, d.checksums("primary", "drill"), "the snapshot's state");
      assertEquals(SandboxDrill.nextAfter(oldTip), d.value("primary", "SELECT @@global.gtid_binlog_pos"),
          "moved past the old timeline's end, not the snapshot's position");
      assertEquals("0", d.value("primary", "SELECT @@global.read_only"));
    }
  }

  private static final String FENCED = "snapshot-restore-fenced-replica";

  @AfterAll
  static void dropTemplate() throws Exception { SandboxDrill.dropTemplate(FENCED); }

  /**
   * The rebuilt replica boots fenced like the primary. The snapshot carries a replication configuration (the primary
   * once followed replica-2, say before a failover): unfenced, replica-1 would start it at boot and take writes until
   * relink. Killed right after its start, the run leaves it read-only, the configuration not started, the fence file
   * in place; the fence comes off only once relink has it replicating from the primary. The snapshot also carries a
   * named (multi-source) connection, 'old': relink stops and forgets it (the replica follows the primary and nothing
   * else), else the health check would find it stopped. The restored primary carries both too: forgotten while it is
   * fenced, so a restart after the run does not turn it into a replica of replica-2.
   */
  @Test
  void theRebuiltReplicaBootsFencedUntilItReplicatesFromThePrimary() throws Exception {
    List<String> journal;
    try (SandboxDrill d = fencedReplicaDrill()) {
      SandboxDrill.Result r = d.run("dr-snapshot-restore", "replicas=replica-1", "unlistedConsumers=true");
      assertEquals(0, r.exit(), r.out());
      journal = Files.readAllLines(d.lastRunDir().resolve("journal.jsonl"));
      String started = FenceSandboxTest.succeeded(journal, "rebuild[0]/replica-start");
      assertTrue(started.contains("\"readOnlyAtStart\":true"), "the step's own check at the first query: " + started);
      assertTrue(r.out().contains("replica-1: booted fenced"), r.out());
      assertTrue(FenceSandboxTest.succeeded(journal, "relink/each[0]/unfence").contains("\"removed\":true"), journal.toString());
      String linked = FenceSandboxTest.succeeded(journal, "relink/each[0]/link");
      assertTrue(linked.contains("\"dropped\":[\"old -> 127.0.0.1:1\"]"), linked);
      assertTrue(r.out().contains("stopped and forgot the named replication connection(s) old -> 127.0.0.1:"), r.out());
      assertTrue(FenceSandboxTest.index(journal, "step-succeeded", "relink/each[0]/healthy")
          < FenceSandboxTest.index(journal, "step-started", "relink/each[0]/unfence"), "unfenced once replicating");
      assertFollowsThePrimaryUnfenced(d);

      // The primary's own carried configuration is forgotten while it is fenced, before `open`, and named in the log.
      String carried = "(default) -> 127.0.0.1:" + portOf(d, "replica-2") + ", old -> 127.0.0.1:1";
      assertTrue(r.out().contains("primary: stopped and forgot the replication connection(s) " + carried), r.out());
      assertTrue(FenceSandboxTest.succeeded(journal, "forget-replication").contains("\"forgotten\":[\""
          + carried.replace(", ", "\",\"") + "\"]"), journal.toString());
      assertTrue(FenceSandboxTest.index(journal, "step-succeeded", "forget-replication")
          < FenceSandboxTest.index(journal, "step-started", "unfence"), "forgotten while fenced");
      assertEquals(List.of(), connections(d, "primary"), "the restored primary is no replica");
      // Its own configuration has no skip_slave_start: a restart would start whatever replication it still knew.
      try (var base = d.estate.context(d.estate.inventory())) {
        new DbServiceStop().run(new DbServiceStop.Input(Optional.of("2m"), Optional.empty()), base.forStep("by-hand", "primary"));
        new DbServiceStart().run(new DbServiceStart.Input(Optional.empty(), Optional.of("2m"), Optional.empty(),
            Optional.empty()), base.forStep("by-hand", "primary"));
      }
      assertEquals(List.of(), connections(d, "primary"), "still no replica after a restart");
      d.sql("primary", "INSERT INTO drill.t VALUES (3)");
      d.awaitCaughtUp("replica-1", "primary");
      assertEquals("3", d.value("replica-1", "SELECT COUNT(*) FROM drill.t"), "replica-1 still follows the primary");
    }

    int replicaStarted = FenceSandboxTest.index(journal, "step-succeeded", "rebuild[0]/replica-start");
    try (SandboxDrill d = fencedReplicaDrill()) {
      SandboxDrill.Result killed = d.runKilledAfterRecord(replicaStarted, "dr-snapshot-restore", "replicas=replica-1",
          "unlistedConsumers=true");
      assertEquals(137, killed.exit(), "the engine died right after the replica's fenced start");
      assertTrue(Files.exists(replicaFence(d)), "the fence file is in place at boot");
      assertEquals("1", d.value("replica-1", "SELECT @@global.read_only"));
      Map<String, String> atBoot = d.replicaStatus("replica-1");
      assertEquals(String.valueOf(portOf(d, "replica-2")), atBoot.get("Master_Port"), "the carried configuration: " + atBoot);
      assertEquals("No", atBoot.get("Slave_IO_Running"), "not started at boot: " + atBoot);
      assertEquals("No", atBoot.get("Slave_SQL_Running"), "not started at boot: " + atBoot);

      SandboxDrill.Result resumed = d.resumeNewest();
      assertEquals(0, resumed.exit(), resumed.out());
      assertFollowsThePrimaryUnfenced(d);
    }
  }

  /**
   * Two replicas; the primary holds a replication configuration towards replica-2 and a named connection 'old' to
   * another server (neither started) when snapshotted.
   */
  private static SandboxDrill fencedReplicaDrill() throws Exception {
    SandboxDrill d = SandboxDrill.fresh(FENCED, 2);
    String password = Files.readString(d.estate.passwordFile()).strip();
    d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1)",
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + portOf(d, "replica-2") + ", MASTER_USER='repl', "
            + "MASTER_PASSWORD='" + password.replace("'", "''") + "', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
        "CHANGE MASTER 'old' TO MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_USER='repl', MASTER_USE_GTID=slave_pos");
    d.awaitCaughtUp("replica-1", "primary");
    d.estate.snapshotNow();
    return d;
  }

  private static void assertFollowsThePrimaryUnfenced(SandboxDrill d) throws Exception {
    assertFalse(Files.exists(replicaFence(d)), "the fence file is gone after relink");
    assertEquals("1", d.value("replica-1", "SELECT @@global.read_only"), "still read-only: unfence leaves read_only as it is");
    d.sql("primary", "INSERT INTO drill.t VALUES (2)");
    d.awaitCaughtUp("replica-1", "primary");
    Map<String, String> slave = d.replicaStatus("replica-1");
    assertEquals(String.valueOf(portOf(d, "primary")), slave.get("Master_Port"), slave.toString());
    assertEquals("Yes", slave.get("Slave_IO_Running"), slave.toString());
    assertEquals("Yes", slave.get("Slave_SQL_Running"), slave.toString());
    assertEquals("2", d.value("replica-1", "SELECT COUNT(*) FROM drill.t"));
    assertEquals(List.of(""), connections(d, "replica-1"), "the default connection only: the carried named one is forgotten");
  }

  /** The Connection_name of each row of SHOW ALL SLAVES STATUS ("" for the default connection). */
  private static List<String> connections(SandboxDrill d, String host) throws Exception {
    try (var c = d.connect(host); var st = c.createStatement(); var rs = st.executeQuery("SHOW ALL SLAVES STATUS")) {
      List<String> names = new java.util.ArrayList<>();
      while (rs.next()) names.add(rs.getString("Connection_name"));
      return names;
    }
  }

  private static Path replicaFence(SandboxDrill d) { return d.estate.cloud().layout().fenceFile("replica-1"); }

  private static int portOf(SandboxDrill d, String host) throws Exception {
    return io.runbook.engine.load.InventoryLoader.load(d.inventory).host(host).orElseThrow().db().orElseThrow().portOrDefault();
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}

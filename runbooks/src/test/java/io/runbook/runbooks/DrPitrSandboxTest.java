package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.steps.cloud.sandbox.VmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * dr-pitr end to end in the sandbox: writes, snapshot T0, good writes, a DROP TABLE by mistake, more writes, snapshot
 * T1; the runbook lands the primary on the transaction right before the DROP, rebuilds the replica, deletes the donor.
 */
class DrPitrSandboxTest {

  /**
   * What the test knows about the incident it staged: the state and GTID right before the DROP, the DROP's GTID, and
   * the old timeline's last GTID (the recovered primary's sequence is moved past it).
   */
  record Incident(Instant bracketAt, Map<String, Long> expected, String lastGood, String dropGtid, String oldTip) {}

  /** Writes, snapshot T0, good writes, DROP TABLE, a write after it, snapshot T1. */
  static Incident stage(SandboxDrill d) throws Exception {
    return stage(d, true);
  }

  /** {@link #stage(SandboxDrill)}, with or without the snapshot T1 after the DROP. */
  static Incident stage(SandboxDrill d, boolean snapshotAfterDrop) throws Exception {
    d.sql("primary",
        "CREATE DATABASE drill",
        "CREATE TABLE drill.orders (id INT PRIMARY KEY, item VARCHAR(40) NOT NULL)",
        "CREATE TABLE drill.events (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(40) NOT NULL)",
        "INSERT INTO drill.orders SELECT seq, CONCAT('item-', seq) FROM drill.seq_1_to_200",
        "INSERT INTO drill.events (what) SELECT CONCAT('before-t0-', seq) FROM drill.seq_1_to_50");
    d.awaitCaughtUp("replica-1", "primary");
    d.estate.snapshotNow();                                                      // T0
    Instant bracketAt = Instant.now();

    // Good writes after T0: they must survive the recovery.
    d.sql("primary",
        "INSERT INTO drill.orders SELECT seq, CONCAT('late-', seq) FROM drill.seq_201_to_260",
        "UPDATE drill.orders SET item = 'changed' WHERE id <= 10",
        "INSERT INTO drill.events (what) VALUES ('good-1'), ('good-2')");
    Map<String, Long> expected = d.checksums("primary", "drill");
    String lastGood = d.value("primary", "SELECT @@global.gtid_binlog_pos");

    // The bad transaction, then writes after it: the recovery must leave both out.
    d.sql("primary", "DROP TABLE drill.orders");
    String dropGtid = d.value("primary", "SELECT @@global.gtid_binlog_pos");
    d.sql("primary", "INSERT INTO drill.events (what) VALUES ('after-the-drop')");
    String oldTip = d.value("primary", "SELECT @@global.gtid_binlog_pos");
    d.awaitCaughtUp("replica-1", "primary");
    if (snapshotAfterDrop) d.estate.snapshotNow();                               // T1
    assertEquals(1, d.checksums("primary", "drill").size(), "the drop happened");
    return new Incident(bracketAt, expected, lastGood, dropGtid, oldTip);
  }

  /** The data checks every PITR run must pass. */
  static void assertRecovered(SandboxDrill d, Incident incident) throws Exception {
    assertEquals(incident.expected(), d.checksums("primary", "drill"), "primary: exactly the state right before the DROP");
    // The last good GTID was replayed; then one marker transaction moved the sequence past the discarded ones.
    assertEquals(SandboxDrill.nextAfter(incident.oldTip()), d.value("primary", "SELECT @@global.gtid_binlog_pos"),
        "primary: past the old timeline's " + incident.oldTip() + " (replayed through " + incident.lastGood() + ")");
    assertEquals("0", d.value("primary", "SELECT COUNT(*) FROM drill.events WHERE what = 'after-the-drop'"));
    assertOpenAndRebuilt(d);
  }

  /** What every PITR run must leave whatever it replayed: the primary open and durable, the replica rebuilt, the donor gone. */
  static void assertOpenAndRebuilt(SandboxDrill d) throws Exception {
    assertEquals("0", d.value("primary", "SELECT @@global.read_only"), "primary open for writes");
    assertEquals("1", d.value("primary", "SELECT @@global.sync_binlog"), "durability restored");
    assertEquals("1", d.value("primary", "SELECT @@global.innodb_flush_log_at_trx_commit"), "durability restored");

    Map<String, String> slave = d.replicaStatus("replica-1");
    assertEquals("Yes", slave.get("Slave_IO_Running"), slave.toString());
    assertEquals("Yes", slave.get("Slave_SQL_Running"), slave.toString());
    assertEquals("0", slave.get("Last_Errno"), slave.toString());
    assertEquals("1", d.value("replica-1", "SELECT @@global.read_only"), "the replica stays read-only");
    d.sql("primary", "INSERT INTO drill.events (what) VALUES ('after-recovery')");
    d.awaitCaughtUp("replica-1", "primary");
    assertEquals(d.checksums("primary", "drill"), d.checksums("replica-1", "drill"), "replica equals the primary");

    // The donor's disk is gone; the primary's pre-incident disk is kept.
    Path disks = d.estate.root().resolve("disks");
    try (Stream<Path> s = Files.list(disks)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("scratch-donor-")), "donor disk deleted");
    }
    assertTrue(Files.isDirectory(disks.resolve("primary-data")), "the old data disk is kept");
  }

  /**
   * A cut rule that names no transaction in the donor's binlogs is refused before the primary changes: the primary
   * keeps serving on its own disk, the donor is taken off the scratch VM again, and the corrected run (on the same
   * estate) lands on the transaction right before the DROP, after ONE approval shown before the primary is stopped.
   */
  @Test
  void aCutNotFoundIsRefusedWithThePrimaryUntouchedThenTheRightCutLandsBeforeTheDrop() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("pitr", 1)) {
      Incident staged = stage(d);
      long pid = new VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow();
      SandboxDrill.Result refused = d.run("dr-pitr", "beforeMatch=DROP TABLE .*no_such_table", "bracketAt=" + staged.bracketAt(),
          "replicas=replica-1", "workdir=" + d.estate.root().resolve("work"));
      assertEquals(3, refused.exit(), "a false precondition: exit 3\n" + refused.out());
      assertTrue(refused.out().contains("NOTHING ON THE PRIMARY CHANGED"), refused.out());

      List<JournalRecord> journal = JournalReader.read(d.lastRunDir().resolve("journal.jsonl")).records();
      List<String> started = journal.stream().filter(j -> JournalRecord.STEP_STARTED.equals(j.type())).map(JournalRecord::step).toList();
      assertTrue(started.contains("seen") && started.contains("not-found/delete"), "scanned, then removed the donor: " + started);
      assertTrue(started.stream().noneMatch(s -> s.equals("approve") || s.startsWith("hold-replicas") || s.startsWith("stop-primary")
          || s.startsWith("swap")), "nothing after the scan touched the primary or the replicas: " + started);
      JournalRecord failed = journal.stream().filter(j -> JournalRecord.STEP_FAILED.equals(j.type())).findFirst().orElseThrow();
      assertEquals("found", failed.step(), failed.toString());

      // The primary: same server process, its own disk at LUN 9, writable. The scratch VM: no donor disk, none left.
      assertEquals(pid, new VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow(), "the primary was never stopped");
      assertEquals("primary-data", d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName());
      assertEquals("0", d.value("primary", "SELECT @@global.read_only"));
      assertEquals("Yes", d.replicaStatus("replica-1").get("Slave_SQL_Running"), "the replica still follows the primary");
      assertTrue(d.estate.cloud().vm("scratch").atLun(9).isEmpty(), "the donor disk is detached from the scratch VM");
      try (Stream<Path> s = Files.list(d.estate.root().resolve("disks"))) {
        assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("scratch-donor-")), "the donor disk is deleted");
      }
      d.sql("primary", "INSERT INTO drill.events (what) VALUES ('after-the-refusal')");  // writable; discarded by the PITR below
      Incident incident = new Incident(staged.bracketAt(), staged.expected(), staged.lastGood(), staged.dropGtid(),
          d.value("primary", "SELECT @@global.gtid_binlog_pos"));

      // The second run can start (the scratch VM is free) and lands right before the DROP.
      SandboxDrill.Result r = d.run("dr-pitr", "beforeMatch=DROP TABLE .*orders", "bracketAt=" + incident.bracketAt(),
          "replicas=replica-1", "workdir=" + d.estate.root().resolve("work"));
      assertEquals(0, r.exit(), "dr-pitr exit code\n" + r.out());
      assertRecovered(d, incident);
      assertEquals("0", d.value("primary", "SELECT COUNT(*) FROM drill.events WHERE what = 'after-the-refusal'"));
      assertTrue(r.out().contains(") by replication, after "), "the fast path replayed");
      assertTrue(r.out().contains("Old disk kept") && r.out().contains("primary-data"), "the summary names the old disk");
      assertNotEquals(-1, r.out().indexOf("Phases (s): donor "), "the summary prints the phases");

      // One approval, before the primary is stopped, with the restore and the cut: the transcript and the approval
      // come before the first step of the safe stop.
      int stop = r.out().indexOf("stop-primary/");
      int cutLine = r.out().indexOf("# ---- CUT: replay stops here");
      int approval = r.out().indexOf("first NOT applied " + incident.dropGtid());
      assertTrue(stop > 0 && cutLine > 0 && approval > 0 && cutLine < stop && approval < stop,
          "transcript " + cutLine + " and approval " + approval + " before the primary is stopped " + stop + "\n" + r.out());
      assertTrue(r.out().contains("CUT (transcript above): last applied " + incident.lastGood()), r.out());
      assertTrue(r.out().contains("DATA-LOSS WINDOW"), "the approval states the data-loss window");
      // Event times have second resolution: the DROP in T0's second is not "before T0".
      assertFalse(r.out().contains("NOTE: it started before T0"), "no false warning that T0 may hold the DROP");
      assertFalse(r.out().contains("approve-cut") || r.out().contains("approve-restore"), "a single approval step");
    }
  }

  /**
   * keepAfter: the DROP alone is left out; the write after it, which the default cut discards, is replayed too, and
   * the primary ends where find-cut said (the old tip), then one marker past it.
   */
  @Test
  void keepAfterSkipsOnlyTheDropAndKeepsTheWritesAfterIt() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("pitr-keep", 1)) {
      // A time names no transaction to leave out: refused by the first step, before anything is read or changed.
      SandboxDrill.Result refused = d.run("dr-pitr", "keepAfter=true", "target=" + Instant.now(), "replicas=replica-1");
      assertEquals(3, refused.exit(), refused.out());
      assertTrue(refused.out().contains("keepAfter leaves out one transaction"), refused.out());

      Incident incident = stage(d);
      Map<String, Long> expected = new java.util.TreeMap<>(d.checksums("primary", "drill"));  // the old tip: events only
      expected.put("orders", incident.expected().get("orders"));                            // orders as before the DROP
      SandboxDrill.Result r = d.run("dr-pitr", "beforeMatch=DROP TABLE .*orders", "bracketAt=" + incident.bracketAt(),
          "keepAfter=true", "replicas=replica-1", "workdir=" + d.estate.root().resolve("work"));
      assertEquals(0, r.exit(), "dr-pitr exit code");

      assertEquals(expected, d.checksums("primary", "drill"), "primary: the old tip without the DROP");
      assertEquals("1", d.value("primary", "SELECT COUNT(*) FROM drill.events WHERE what = 'after-the-drop'"), "the write after the DROP is kept");
      assertTrue(r.out().contains("keepAfter: only " + incident.dropGtid() + " is left out, 1 transactions after it are kept")
          && r.out().contains("ending at " + incident.oldTip()), "find-cut: everything to the old tip but the DROP");
      assertTrue(r.out().contains("KEEP AFTER: " + incident.dropGtid()), "the approval says what is skipped");
      assertTrue(r.out().contains("last applied " + incident.oldTip() + " (the end of the donor binlogs)"), "the approval says where the replay ends");
      assertTrue(r.out().contains("LEFT OUT: the next transaction only") && !r.out().contains("nothing below is applied"),
          "the transcript before the approval marks the one transaction left out, not a stop");
      assertTrue(r.out().contains("skipped " + incident.dropGtid() + " as asked"), "binlog.replay left the DROP out");
      assertTrue(r.out().contains("primary is at " + incident.oldTip() + ", the end of the donor binlogs without " + incident.dropGtid()),
          "the primary ended where find-cut said");
      assertEquals(SandboxDrill.nextAfter(incident.oldTip()), d.value("primary", "SELECT @@global.gtid_binlog_pos"),
          "primary: one marker past the old tip");
      assertOpenAndRebuilt(d);
    }
  }

  /**
   * A run stopped at cut-found (the rule also matches a DROP that T0 already holds) leaves the primary on its T0 base,
   * read-only, and its donor on the scratch host. The new run is refused before anything changes, naming the
   * parameter that removes that donor (-p leftoverDonor=DISK); a disk that is not a dr-pitr donor (the inventory's
   * data disk, the disk the primary runs on) is refused under that parameter, before anything changes. Without -p
   * oldTimelineEnd the new run would read the base's GTID position as the old timeline's end and hand the discarded
   * GTIDs out again: refused before anything changes (the donor still attached). With both, the run deletes exactly
   * the earlier donor, recovers, and moves the primary past the real old end.
   */
  @Test
  void aNewRunAfterAStopAtCutFoundRemovesTheLeftoverDonorNeedsTheOldTimelinesEndAndMovesPastIt() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("pitr-unfinished", 1)) {
      d.sql("primary", "CREATE DATABASE early", "CREATE TABLE early.t (id INT PRIMARY KEY)", "DROP TABLE early.t");
      Incident incident = stage(d);
      Path work = d.estate.root().resolve("work");
      SandboxDrill.Result stopped = d.run("dr-pitr", "beforeMatch=DROP TABLE", "bracketAt=" + incident.bracketAt(),
          "replicas=replica-1", "workdir=" + work);
      assertEquals(3, stopped.exit(), stopped.out());
      assertTrue(stopped.out().contains("the cut from T0's position is not the approved one"), stopped.out());
      java.util.regex.Matcher named = java.util.regex.Pattern.compile("-p oldTimelineEnd=(\\S+) ").matcher(stopped.out());
      assertTrue(named.find(), "the refusal names the old timeline's end\n" + stopped.out());
      assertEquals(incident.oldTip(), named.group(1), "the old primary's position at its stop");
      String donor = "scratch-donor-" + d.lastRunDir().getFileName();
      assertTrue(stopped.out().contains("-p leftoverDonor=" + donor + " ("), "the refusal names the donor to remove\n" + stopped.out());
      String base = d.value("primary", "SELECT @@global.gtid_binlog_pos");
      assertNotEquals(incident.oldTip(), base, "the primary runs on its T0 base, behind the old tip");
      assertEquals("1", d.value("primary", "SELECT @@global.read_only"));
      String t0Disk = d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName();
      assertEquals(donor, d.estate.cloud().vm("scratch").atLun(9).orElseThrow().diskName(), "the donor stayed behind");

      // The new run: refused at the scratch VM, before anything changes, with the command that removes that donor.
      long pid = new VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow();
      List<String> again = List.of("beforeGtid=" + incident.dropGtid(), "bracketAt=" + incident.bracketAt(),
          "unfinishedRun=true", "replicas=replica-1", "workdir=" + work);
      SandboxDrill.Result busy = d.run("dr-pitr", again.toArray(String[]::new));
      assertEquals(3, busy.exit(), busy.out());
      assertTrue(busy.out().contains("but it has " + donor + " at LUN 9")
          && busy.out().contains("bin/runbook run dr-pitr -i INVENTORY <the same parameters> -p leftoverDonor=" + donor + ")"),
          "the refusal names the disk and the parameter\n" + busy.out());
      assertEquals("primary-before", firstFailed(d).step());

      // Under leftoverDonor only a dr-pitr donor is taken: the inventory's data disk (kept, detached) and the disk the
      // primary runs on (made by the stopped run, but by its swap, and attached to the primary) are refused.
      SandboxDrill.Result inventoryDisk = d.run("dr-pitr", with(again, "leftoverDonor=primary-data"));
      assertEquals(3, inventoryDisk.exit(), inventoryDisk.out());
      assertTrue(inventoryDisk.out().contains("leftoverDonor: primary-data is the inventory's primary dataDisk, never a donor"),
          inventoryDisk.out());
      assertEquals("leftover-check", firstFailed(d).step());
      SandboxDrill.Result primaryDisk = d.run("dr-pitr", with(again, "leftoverDonor=" + t0Disk));
      assertEquals(3, primaryDisk.exit(), primaryDisk.out());
      assertTrue(primaryDisk.out().contains("leftoverDonor: " + t0Disk + " is not a donor disk a dr-pitr run made"),
          primaryDisk.out());
      assertEquals("leftover-check", firstFailed(d).step());
      assertTrue(d.estate.cloud().findDisk("primary-data").isPresent(), "the inventory's disk is kept");
      assertEquals(t0Disk, d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName(), "the primary's disk is untouched");
      assertEquals(donor, d.estate.cloud().vm("scratch").atLun(9).orElseThrow().diskName(), "the donor is untouched");

      // Without the old end the new run would move past the base's position only: refused before anything changes,
      // the leftover donor included (it is removed only once every precondition holds).
      SandboxDrill.Result refused = d.run("dr-pitr", with(again, "leftoverDonor=" + donor));
      assertEquals(3, refused.exit(), refused.out());
      assertTrue(refused.out().contains("-p oldTimelineEnd=D-S-N"), refused.out());
      assertEquals("old-timeline/end-known", firstFailed(d).step());
      assertEquals(pid, new VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow(), "the primary was not stopped");
      assertEquals(base, d.value("primary", "SELECT @@global.gtid_binlog_pos"));
      assertEquals(donor, d.estate.cloud().vm("scratch").atLun(9).orElseThrow().diskName(), "the donor is still there");

      SandboxDrill.Result r = d.run("dr-pitr", with(again, "leftoverDonor=" + donor, "oldTimelineEnd=" + named.group(1)));
      assertEquals(0, r.exit(), "dr-pitr exit code\n" + r.out());
      List<String> started = JournalReader.read(d.lastRunDir().resolve("journal.jsonl")).records().stream()
          .filter(j -> JournalRecord.STEP_STARTED.equals(j.type())).map(JournalRecord::step).toList();
      assertTrue(started.indexOf("leftover-donor/delete") >= 0 && started.indexOf("leftover-donor/delete") < started.indexOf("donor-attach"),
          "the leftover donor is deleted before this run attaches its own: " + started);
      assertTrue(d.estate.cloud().findDisk(donor).isEmpty(), "the stopped run's donor is deleted");
      assertTrue(d.estate.cloud().findDisk("primary-data").isPresent() && d.estate.cloud().findDisk(t0Disk).isPresent(),
          "no other disk of the stopped run is deleted");
      assertTrue(r.out().contains("the old timeline up to " + incident.oldTip()), "the approval names the old end");
      assertRecovered(d, incident);
    }
  }

  private static String[] with(List<String> params, String... more) {
    List<String> all = new java.util.ArrayList<>(params);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static JournalRecord firstFailed(SandboxDrill d) throws Exception {
    return JournalReader.read(d.lastRunDir().resolve("journal.jsonl")).records().stream()
        .filter(j -> JournalRecord.STEP_FAILED.equals(j.type())).findFirst().orElseThrow();
  }

  /**
   * A replica whose configuration has no log_bin boots on the fresh snapshot with an empty gtid_binlog_pos: it is
   * linked from the primary's position at that snapshot (taken while the primary is still read-only).
   */
  @Test
  void aReplicaWithoutABinlogIsLinkedFromThePrimarysPositionAtTheFreshSnapshot() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("pitr-nobinlog", 1)) {
      d.estate.withoutBinlog("replica-1");
      assertEquals("0", d.value("replica-1", "SELECT @@global.log_bin"));
      Incident incident = stage(d);
      SandboxDrill.Result r = d.run("dr-pitr", "beforeGtid=" + incident.dropGtid(), "bracketAt=" + incident.bracketAt(),
          "replicas=replica-1", "workdir=" + d.estate.root().resolve("work"));
      assertEquals(0, r.exit(), "dr-pitr exit code\n" + r.out());
      assertEquals("", d.value("replica-1", "SELECT @@global.gtid_binlog_pos"), "the rebuilt replica has no position of its own");
      assertTrue(r.out().contains("replica-1 follows primary from " + SandboxDrill.nextAfter(incident.oldTip())),
          "linked from the primary's position at the snapshot (past the old tip)\n" + r.out());
      assertRecovered(d, incident);
    }
  }

  @Test
  void withoutABootableDonorReplaysTheCopiedBinlogsThroughThePipe() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("pitr-pipe", 1)) {
      Incident incident = stage(d);
      SandboxDrill.Result r = d.run("dr-pitr", "beforeGtid=" + incident.dropGtid(), "bracketAt=" + incident.bracketAt(),
          "replicas=replica-1", "donorBoots=false", "workdir=" + d.estate.root().resolve("work"));
      assertEquals(0, r.exit(), "dr-pitr exit code");
      assertRecovered(d, incident);
      assertTrue(r.out().contains("start-donor skipped") && r.out().contains(") by pipe, after "), "no donor server; the pipe replayed");
    }
  }
}

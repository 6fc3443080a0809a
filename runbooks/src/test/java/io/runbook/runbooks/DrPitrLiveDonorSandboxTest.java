package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * dr-pitr when the bad transaction came after the newest snapshot (no T1). Without {@code donorFromLiveDisk} the run
 * stops right after picking the snapshots, before any change, and says how to go on; with it, the live data disk is
 * snapshotted and its binlogs are the donor, and the primary lands on the transaction right before the DROP. One
 * estate for both, in that order: the refusal must leave it exactly as it was.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrPitrLiveDonorSandboxTest {
  private static SandboxDrill d;
  private static DrPitrSandboxTest.Incident incident;

  /** Writes, snapshot T0, good writes, DROP TABLE, a write after it; no snapshot after the DROP. */
  @BeforeAll
  static void stage() throws Exception {
    d = SandboxDrill.up("pitr-live", 1);
    incident = DrPitrSandboxTest.stage(d, false);
  }

  @AfterAll
  static void down() throws Exception {
    if (d != null) d.close();
  }

  private static SandboxDrill.Result pitr(String... more) throws Exception {
    List<String> params = new java.util.ArrayList<>(List.of("beforeMatch=DROP TABLE .*orders",
        "bracketAt=" + incident.bracketAt(), "replicas=replica-1", "workdir=" + d.estate.root().resolve("work")));
    params.addAll(List.of(more));
    return d.run("dr-pitr", params.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void withoutT1ItStopsBeforeAnyChangeAndNamesTheLiveDiskOption() throws Exception {
    Map<String, Long> state = d.checksums("primary", "drill");
    String gtid = d.value("primary", "SELECT @@global.gtid_binlog_pos");
    long pid = new io.runbook.steps.cloud.sandbox.VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow();
    List<String> disks = names(d.estate.root().resolve("disks"));
    List<Snapshot> snapshots = d.estate.cloud().listSnapshots();

    SandboxDrill.Result r = pitr();
    assertEquals(3, r.exit(), "a precondition is false: exit 3\n" + r.out());
    assertTrue(r.out().contains("no snapshot of the primary's data disk after the cut yet (T1)"), r.out());
    assertTrue(r.out().contains("-p donorFromLiveDisk=true"), "names the option: " + r.out());

    // The journal: it stopped at the check right after picking the snapshots (a false precondition does not start
    // its step), and nothing else started (before pick: the reads that check the primary's data disk).
    List<JournalRecord> journal = JournalReader.read(d.lastRunDir().resolve("journal.jsonl")).records();
    List<String> started = journal.stream().filter(j -> JournalRecord.STEP_STARTED.equals(j.type())).map(JournalRecord::step).toList();
    assertEquals(List.of("rule", "data-disk-check/vm", "data-disk-check/data-disk", "pick"), started, journal.toString());
    JournalRecord failed = journal.stream().filter(j -> JournalRecord.STEP_FAILED.equals(j.type())).findFirst().orElseThrow();
    assertEquals("need-donor", failed.step());
    assertEquals("precondition", failed.text("kind"), failed.toString());
    assertTrue(failed.text("message").contains("donorFromLiveDisk=true"), failed.toString());
    JournalRecord finished = journal.get(journal.size() - 1);
    assertEquals(JournalRecord.RUN_FINISHED, finished.type(), journal.toString());
    assertEquals("3", finished.json().path("exitCode").asText(), finished.toString());
    JournalRecord pick = journal.stream().filter(j -> JournalRecord.STEP_SUCCEEDED.equals(j.type()) && "pick".equals(j.step()))
        .findFirst().orElseThrow();
    assertTrue(pick.json().path("outputs").path("next").isNull(), "T1 is missing: " + pick);

    // The primary is untouched: same server, same disk at LUN 9, writable, same data; no disk or snapshot was made.
    assertEquals(pid, new io.runbook.steps.cloud.sandbox.VmServer(d.estate.cloud().layout(), "primary").pid().orElseThrow());
    assertEquals("primary-data", d.estate.cloud().vm("primary").atLun(9).orElseThrow().diskName());
    assertEquals("0", d.value("primary", "SELECT @@global.read_only"));
    assertEquals(gtid, d.value("primary", "SELECT @@global.gtid_binlog_pos"));
    assertEquals(state, d.checksums("primary", "drill"));
    assertEquals(disks, names(d.estate.root().resolve("disks")));
    assertEquals(snapshots, d.estate.cloud().listSnapshots());
    assertTrue(d.estate.cloud().vm("scratch").atLun(9).isEmpty(), "nothing attached to the scratch VM");
    assertEquals("Yes", d.replicaStatus("replica-1").get("Slave_SQL_Running"), "the replica still follows the primary");
  }

  @Test
  @Order(2)
  void withDonorFromLiveDiskTheLiveBinlogsAreReplayedUpToTheDrop() throws Exception {
    List<Snapshot> before = d.estate.cloud().listSnapshots();
    SandboxDrill.Result r = pitr("donorFromLiveDisk=true");
    assertEquals(0, r.exit(), "dr-pitr exit code\n" + r.out());
    DrPitrSandboxTest.assertRecovered(d, incident);
    assertTrue(r.out().contains(") by replication, after "), "the fast path replayed from the booted donor");

    // The donor came from a snapshot of the live disk taken by this run (after the DROP), not from an older one.
    List<Snapshot> taken = d.estate.cloud().listSnapshots().stream().filter(s -> !before.contains(s))
        .filter(s -> s.sourceDiskId().endsWith("/primary-data")).sorted(Comparator.comparing(Snapshot::createdAt)).toList();
    assertEquals(1, taken.size(), "one snapshot of the live data disk: " + taken);
    List<JournalRecord> journal = JournalReader.read(d.lastRunDir().resolve("journal.jsonl")).records();
    String liveId = record(journal, JournalRecord.STEP_SUCCEEDED, "live-snapshot").json().path("outputs").path("snapshotId").asText();
    assertEquals(taken.get(0).id(), liveId);
    assertEquals(liveId, record(journal, JournalRecord.STEP_STARTED, "donor-disk").json().path("input").path("snapshot").asText(),
        "the donor disk is made from the live snapshot");
  }

  private static JournalRecord record(List<JournalRecord> journal, String type, String step) {
    return journal.stream().filter(j -> type.equals(j.type()) && step.equals(j.step())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " of " + step + " in " + journal));
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}

package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.load.InventoryLoader;
import io.runbook.steps.cloud.sandbox.VmServer;
import io.runbook.steps.host.service.DbServiceStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * dr-snapshot-restore boots the restored primary fenced: an application account (no READ_ONLY ADMIN) that reconnects
 * right after the boot cannot write, a restart before `open` boots fenced again, the fence file is gone after `open`
 * and the primary takes writes. Crashes of the engine right as the fenced start begins and right after it succeeded
 * resume to the same end.
 */
class FenceSandboxTest {
  private static final String ESTATE = "fence";

  @AfterAll
  static void dropTemplate() throws Exception { SandboxDrill.dropTemplate(ESTATE); }

  @Test
  void theRestoredPrimaryBootsFencedAndCrashesAroundTheStartResume() throws Exception {
    List<String> journal;
    try (SandboxDrill d = prepared()) {
      SandboxDrill.Result r = d.run("dr-snapshot-restore");
      assertEquals(0, r.exit(), r.out());
      journal = Files.readAllLines(d.lastRunDir().resolve("journal.jsonl"));
      String started = succeeded(journal, "start-primary");
      assertTrue(started.contains("\"readOnlyAtStart\":true"), "the step's own check at the first query: " + started);
      assertTrue(r.out().contains("booted fenced"), r.out());
      assertTrue(succeeded(journal, "unfence").contains("\"removed\":true"), journal.toString());
      assertOpen(d);
    }

    int startPrimaryStarted = index(journal, "step-started", "start-primary");
    try (SandboxDrill d = prepared()) {
      SandboxDrill.Result killed = d.runKilledAfterRecord(startPrimaryStarted, "dr-snapshot-restore");
      assertEquals(137, killed.exit(), "the engine died as the fenced start began");
      assertFalse(d.answers("primary"), "not started yet");
      SandboxDrill.Result resumed = d.resumeNewest();
      assertEquals(0, resumed.exit(), resumed.out());
      assertTrue(resumed.out().contains("booted fenced"), resumed.out());
      assertOpen(d);
    }

    int startPrimarySucceeded = index(journal, "step-succeeded", "start-primary");
    try (SandboxDrill d = prepared()) {
      SandboxDrill.Result killed = d.runKilledAfterRecord(startPrimarySucceeded, "dr-snapshot-restore");
      assertEquals(137, killed.exit(), "the engine died right after the fenced start");
      // The window the fence closes: the restored server answers, the run is not there, an application reconnects.
      SQLException refused = assertThrows(SQLException.class, () -> appInsert(d, 900));
      assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
      assertTrue(Files.exists(fenceFile(d)));

      // A restart before `open` (a crash of the server, a reboot) boots fenced again, whoever starts it.
      new VmServer(d.estate.cloud().layout(), "primary").kill();
      try (var base = d.estate.context(d.estate.inventory())) {
        new DbServiceStart().run(new DbServiceStart.Input(Optional.empty(), Optional.of("2m"), Optional.empty(),
            Optional.empty()), base.forStep("by-hand", "primary"));
      }
      assertEquals("1", d.value("primary", "SELECT @@global.read_only"), "the fence file still holds at the next start");
      assertThrows(SQLException.class, () -> appInsert(d, 901));

      SandboxDrill.Result resumed = d.resumeNewest();
      assertEquals(0, resumed.exit(), resumed.out());
      assertOpen(d);
    }
  }

  /** A fresh estate with data, an application account and a snapshot (the same for every run). */
  private static SandboxDrill prepared() throws Exception {
    SandboxDrill d = SandboxDrill.fresh(ESTATE, 0);
    d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1)");
    d.sqlAsRoot("primary", "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'", "GRANT SELECT, INSERT ON drill.* TO 'app'@'%'");
    d.estate.snapshotNow();
    return d;
  }

  private static void assertOpen(SandboxDrill d) throws Exception {
    assertFalse(Files.exists(fenceFile(d)), "the fence file is gone after open");
    assertEquals("0", d.value("primary", "SELECT @@global.read_only"));
    appInsert(d, 1000);
    assertEquals("1", d.value("primary", "SELECT COUNT(*) FROM drill.t WHERE id = 1000"));
  }

  private static Path fenceFile(SandboxDrill d) { return d.estate.cloud().layout().fenceFile("primary"); }

  private static void appInsert(SandboxDrill d, int id) throws Exception {
    int port = InventoryLoader.load(d.inventory).host("primary").orElseThrow().db().orElseThrow().portOrDefault();
    try (var c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "app", "app-pw");
         var s = c.createStatement()) {
      s.execute("INSERT INTO drill.t VALUES (" + id + ")");
    }
  }

  static String succeeded(List<String> journal, String step) {
    return journal.get(index(journal, "step-succeeded", step) - 1);
  }

  /** 1-based position of the record (what runKilledAfterRecord counts). */
  static int index(List<String> journal, String type, String step) {
    for (int i = 0; i < journal.size(); i++) {
      String r = journal.get(i);
      if (r.contains("\"type\":\"" + type + "\"") && r.contains("\"step\":\"" + step + "\"")) return i + 1;
    }
    throw new AssertionError("no " + type + " " + step + " in the journal:\n" + String.join("\n", journal));
  }
}

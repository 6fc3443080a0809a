package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shipped runbook that crashes inside a part it calls: planned-shutdown's process halts inside safe-stop (called as
 * {@code stop}); resume continues inside the part without repeating what was done, and the shutdown completes.
 */
class PartCrashResumeSandboxTest {
  /** Journal record after which the process halts: step-succeeded of stop/read-only (checked below). */
  static final int CRASH_AFTER = 8;

  @Test
  void plannedShutdownKilledInsideSafeStopResumesInsideThePart() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("part-crash", 1)) {
      d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1), (2)");
      String last = d.value("primary", "SELECT @@global.gtid_binlog_pos");

      SandboxDrill.Result crashed = d.runKilledAfterRecord(CRASH_AFTER, "planned-shutdown", "replicas=replica-1", "drainTimeout=20s");
      assertEquals(137, crashed.exit(), "the process halted");
      List<String> journal = crashed.out().lines().toList();
      assertEquals(CRASH_AFTER, journal.size(), crashed.out());
      String lastRecord = journal.get(CRASH_AFTER - 1);
      assertTrue(lastRecord.contains("\"step-succeeded\"") && lastRecord.contains("\"stop/read-only\""),
          "died inside the part, right after stop/read-only: " + lastRecord);
      assertEquals("1", d.value("primary", "SELECT @@global.read_only"), "the crash left the primary up, read-only");

      SandboxDrill.Result resumed = d.resumeNewest();
      assertEquals(0, resumed.exit(), "resume finishes the shutdown inside the part");
      assertThrows(SQLException.class, () -> d.value("primary", "SELECT 1"), "the primary is down");
      assertEquals(last, d.value("replica-1", "SELECT @@global.gtid_slave_pos"), "the replica has every transaction");

      Path journalFile = d.stateDir.resolve("runs").resolve(runIdOf(d)).resolve("journal.jsonl");
      List<String> after = Files.readAllLines(journalFile).subList(CRASH_AFTER, Files.readAllLines(journalFile).size());
      assertFalse(after.stream().anyMatch(l -> l.contains("\"step-started\"") && (l.contains("\"stop/read-only\"")
          || l.contains("\"before\"") || l.contains("\"t-start\""))), "nothing finished before the crash ran again:\n" + after);
      for (String step : List.of("stop/drain", "stop/shutdown", "stop/stop-service", "stop/confirm-down", "summary")) {
        assertTrue(after.stream().anyMatch(l -> l.contains("\"step-succeeded\"") && l.contains("\"" + step + "\"")),
            step + " ran on resume:\n" + after);
      }
    }
  }

  private static String runIdOf(SandboxDrill d) throws Exception {
    try (var s = Files.list(d.stateDir.resolve("runs"))) {
      return s.map(p -> p.getFileName().toString()).max(String::compareTo).orElseThrow();
    }
  }
}

package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash and resume for real: the CLI runs in its own JVM on a runbook of core.exec steps that each append a
 * line to a file, and dies right after journal record k is on disk (Runtime.halt, no shutdown hooks: as
 * abrupt as SIGKILL), for every k. Resume must then produce every line exactly once, in order.
 */
class CrashResumeTest {
  static final String RUNBOOK = """
      runbook: append-lines
      params:
        out: { type: string }
      steps:
        - id: one
          use: core.exec
          with: { command: [sh, -c, 'echo line1 >> "$OUT"'], env: { OUT: "${{ params.out }}" } }
        - id: two
          use: core.exec
          with: { command: [sh, -c, 'echo line2 >> "$OUT"'], env: { OUT: "${{ params.out }}" } }
        - id: three
          use: core.exec
          with: { command: [sh, -c, 'echo line3 >> "$OUT"'], env: { OUT: "${{ params.out }}" } }
      """;
  static final String INVENTORY = """
      inventory: crash-test
      cloud: { provider: sandbox, root: /tmp/runbook-crash-test-unused }
      hosts:
        here:
          transport: { kind: local }
      """;
  /** run-started, 3 x (step-started, step-succeeded), run-finished. */
  static final int RECORDS = 8;
  static final Pattern RUN_ID = Pattern.compile("run (\\d{8}-\\d{6}-[0-9a-f]{4})");

  @TempDir Path dir;

  @Test
  void killedAfterEachJournalRecordResumeRunsEveryStepExactlyOnce() throws Exception {
    Path runbook = dir.resolve("append.yaml");
    Path inventory = dir.resolve("inventory.yaml");
    Files.writeString(runbook, RUNBOOK);
    Files.writeString(inventory, INVENTORY);
    for (int k = 1; k <= RECORDS; k++) {
      Path state = dir.resolve("state-" + k);
      Path out = dir.resolve("out-" + k + ".txt");
      CliProcess.Result crashed = CliProcess.run(dir, Map.of("RUNBOOK_TEST_KILL_AFTER_RECORD", String.valueOf(k)),
          "--state-dir", state.toString(), "run", runbook.toString(), "-i", inventory.toString(), "-p", "out=" + out);
      assertEquals(137, crashed.exit(), "k=" + k + ": " + crashed.all());
      String runId = runIdOf(crashed, state);
      List<String> journal = Files.readAllLines(state.resolve("runs").resolve(runId).resolve("journal.jsonl"));
      assertEquals(k, journal.size(), "k=" + k + ": the process died right after record " + k);
      assertTrue(Files.exists(state.resolve("locks/crash-test.lock")), "the dead run left its lock behind");

      CliProcess.Result resumed = CliProcess.run(dir, Map.of(), "--state-dir", state.toString(), "resume", runId);
      CliProcess.Result firstResume = resumed;
      if (resumed.exit() == 4) {
        // Killed right after step-started: core.exec cannot tell whether its command ran, so the operator decides.
        Matcher m = Pattern.compile("--rerun (\\S+)").matcher(resumed.all());
        assertTrue(m.find(), resumed.all());
        String step = m.group(1);
        assertTrue(journal.get(k - 1).contains("\"step-started\"") && journal.get(k - 1).contains("\"" + step + "\""),
            "k=" + k + ": only the step started last is in doubt: " + step);
        resumed = CliProcess.run(dir, Map.of(), "--state-dir", state.toString(), "resume", runId, "--rerun", step);
      }
      assertEquals(0, resumed.exit(), "k=" + k + ": " + resumed.all());
      if (k < RECORDS) {
        assertTrue(firstResume.out().contains("took over the stale lock"), "k=" + k + ": " + firstResume.all());
      }
      assertEquals(List.of("line1", "line2", "line3"), Files.readAllLines(out), "k=" + k);
      assertTrue(Files.notExists(state.resolve("locks/crash-test.lock")), "released at the end");
    }
  }

  @Test
  void anInDoubtStepTheOperatorDidByHandIsAssumedDone() throws Exception {
    Path runbook = dir.resolve("append.yaml");
    Files.writeString(runbook, RUNBOOK);
    Path state = dir.resolve("state");
    Path out = dir.resolve("out.txt");
    // Record 4 is step-started of "two".
    CliProcess.Result crashed = CliProcess.run(dir, Map.of("RUNBOOK_TEST_KILL_AFTER_RECORD", "4"),
        "--state-dir", state.toString(), "run", runbook.toString(), "-p", "out=" + out);
    assertEquals(137, crashed.exit(), crashed.all());
    String runId = runIdOf(crashed, state);
    CliProcess.Result waiting = CliProcess.run(dir, Map.of(), "--state-dir", state.toString(), "resume", runId);
    assertEquals(4, waiting.exit(), waiting.all());
    assertTrue(waiting.all().contains("step two (core.exec) was in progress"), waiting.all());
    assertTrue(waiting.all().contains("runbook resume " + runId + " --assume-done two"), waiting.all());
    assertTrue(waiting.all().contains("runbook resume " + runId + " --rerun two"), waiting.all());
    assertTrue(!waiting.all().contains("Exception") && !waiting.all().contains("\tat "), waiting.all());

    Files.writeString(out, "line2\n", java.nio.file.StandardOpenOption.APPEND); // the operator did it by hand
    CliProcess.Result done = CliProcess.run(dir, Map.of(), "--state-dir", state.toString(), "resume", runId,
        "--assume-done", "two");
    assertEquals(0, done.exit(), done.all());
    assertEquals(List.of("line1", "line2", "line3"), Files.readAllLines(out));
  }

  /** The run id, from the banner or (when the process died before printing it) from the state folder. */
  static String runIdOf(CliProcess.Result r, Path state) throws Exception {
    Matcher m = RUN_ID.matcher(r.out());
    if (m.find()) return m.group(1);
    try (var s = Files.list(state.resolve("runs"))) {
      return s.findFirst().orElseThrow().getFileName().toString();
    }
  }
}

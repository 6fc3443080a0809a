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
 * Crash and resume inside a called runbook ({@code use: runbook}): the CLI dies right after each journal record of
 * the callee's steps; resume continues inside the callee without repeating its finished steps, and the callee's
 * output reaches the caller's last step.
 */
class NestedCrashResumeTest {
  static final String CALLEE = """
      runbook: append-two
      params:
        out: { type: string, required: true }
      outputs:
        code: "${{ steps.three.exitCode }}"
      steps:
        - id: two
          use: core.exec
          with: { command: [sh, -c, 'echo line2 >> "$OUT"'], env: { OUT: "${{ params.out }}" } }
        - id: three
          use: core.exec
          with: { command: [sh, -c, 'echo line3 >> "$OUT"'], env: { OUT: "${{ params.out }}" } }
      """;
  static final String CALLER = """
      runbook: append-nested
      params:
        out: { type: string }
      steps:
        - id: one
          use: core.exec
          with: { command: [sh, -c, 'echo line1 >> "$OUT"'], env: { OUT: "${{ params.out }}" } }
        - id: nest
          use: runbook
          with: { name: ./append-two.yaml, params: { out: "${{ params.out }}" } }
        - id: four
          use: core.exec
          with: { command: [sh, -c, 'echo "line4 after $CODE" >> "$OUT"'],
                  env: { OUT: "${{ params.out }}", CODE: "${{ steps.nest.code }}" } }
      """;

  @TempDir Path dir;

  @Test
  void killedInsideTheCalleeResumeRunsEveryStepExactlyOnce() throws Exception {
    Path runbook = Files.writeString(dir.resolve("append-nested.yaml"), CALLER);
    Files.writeString(dir.resolve("append-two.yaml"), CALLEE);
    // Records 4..7: step-started/succeeded of nest/two and nest/three.
    for (int k = 4; k <= 7; k++) {
      Path state = dir.resolve("state-" + k);
      Path out = dir.resolve("out-" + k + ".txt");
      CliProcess.Result crashed = CliProcess.run(dir, Map.of("RUNBOOK_TEST_KILL_AFTER_RECORD", String.valueOf(k)),
          "--state-dir", state.toString(), "run", runbook.toString(), "-p", "out=" + out);
      assertEquals(137, crashed.exit(), "k=" + k + ": " + crashed.all());
      String runId = CrashResumeTest.runIdOf(crashed, state);
      List<String> journal = Files.readAllLines(state.resolve("runs").resolve(runId).resolve("journal.jsonl"));
      assertTrue(journal.get(k - 1).contains("\"nest/"), "k=" + k + ": died inside the callee: " + journal.get(k - 1));

      CliProcess.Result resumed = CliProcess.run(dir, Map.of(), "--state-dir", state.toString(), "resume", runId);
      if (resumed.exit() == 4) {
        Matcher m = Pattern.compile("--rerun (\\S+)").matcher(resumed.all());
        assertTrue(m.find(), resumed.all());
        assertTrue(m.group(1).startsWith("nest/"), "the in-doubt step is named by its nested path: " + m.group(1));
        resumed = CliProcess.run(dir, Map.of(), "--state-dir", state.toString(), "resume", runId, "--rerun", m.group(1));
      }
      assertEquals(0, resumed.exit(), "k=" + k + ": " + resumed.all());
      assertTrue(resumed.out().contains("=  one (done before)"), resumed.out());
      assertEquals(List.of("line1", "line2", "line3", "line4 after 0"), Files.readAllLines(out), "k=" + k);
    }
  }
}

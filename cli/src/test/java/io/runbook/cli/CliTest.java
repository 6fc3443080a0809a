package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI verbs end to end, each in its own JVM: validate, run by name, approval, Ctrl-C, refusals. */
class CliTest {
  static final Path EXAMPLES = Path.of("..", "runbooks", "examples").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void validateAcceptsTheExamplesAndReportsEveryProblemWithItsPosition() throws Exception {
    CliProcess.Result ok = CliProcess.run(dir, Map.of(), "validate", EXAMPLES.toString());
    assertEquals(0, ok.exit(), ok.all());
    assertTrue(ok.out().contains("no problems"), ok.out());

    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, """
        runbook: broken
        steps:
          - id: a
            use: core.logg
            with: { message: hi }
          - id: a
            use: core.log
            with: { mesage: hi }
        """);
    CliProcess.Result bad = CliProcess.run(dir, Map.of(), "validate", broken.toString(), EXAMPLES.toString());
    assertEquals(2, bad.exit(), bad.all());
    List<String> problems = bad.out().lines().filter(l -> l.startsWith(broken.toString() + ":")).toList();
    assertTrue(problems.size() >= 3, bad.out());
    assertTrue(problems.stream().allMatch(l -> l.matches(".*broken\\.yaml:\\d+:\\d+: .+")), problems.toString());
    assertTrue(problems.stream().anyMatch(l -> l.contains(":4:") && l.contains("core.logg")), problems.toString());
    assertFalse(bad.all().contains("Exception"), bad.all());
  }

  @Test
  void validateLoadsNoCloudDatabaseOrSshClasses() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, Map.of(), List.of("-Xlog:class+load=info"), "validate", EXAMPLES.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> heavy = r.out().lines()
        .filter(l -> l.contains(" com.azure.") || l.contains(" org.mariadb.") || l.contains(" com.jcraft.")
            || l.contains(" io.netty.") || l.contains(" reactor."))
        .toList();
    assertTrue(heavy.isEmpty(), "validate must stay light; loaded: " + heavy.stream().limit(10).toList());
    assertTrue(r.out().contains(" io.runbook.engine.load.RunbookLoader "), "the log really lists classes");
  }

  @Test
  void runResolvesANameUnderRunbookHomeAndNeedsNoInventoryForCoreSteps() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("runbooks"));
    Files.copy(EXAMPLES.resolve("hello.yaml"), home.resolve("runbooks/hello.yaml"));
    CliProcess.Result r = CliProcess.run(dir, Map.of("RUNBOOK_HOME", home.toString(), "RUNBOOK_STATE_DIR",
        dir.resolve("state").toString()), "run", "hello", "-p", "who=Ada");
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("Hello, Ada."), r.out());
    assertTrue(r.out().contains("checked 2 replicas"), r.out());
    try (var runs = Files.list(dir.resolve("state/runs"))) {
      assertEquals(1, runs.count(), "RUNBOOK_STATE_DIR is used");
    }

    CliProcess.Result missing = CliProcess.run(dir, Map.of(), "run", "no-such-runbook");
    assertEquals(2, missing.exit(), missing.all());
    assertTrue(missing.err().contains("no runbook 'no-such-runbook'"), missing.err());

    CliProcess.Result badParam = CliProcess.run(dir, Map.of(), "--state-dir", dir.resolve("state").toString(),
        "run", EXAMPLES.resolve("hello.yaml").toString(), "-p", "nosuch=1");
    assertEquals(2, badParam.exit(), badParam.all());
    assertTrue(badParam.err().contains("nosuch"), badParam.err());
  }

  @Test
  void theRetryExampleRetriesAReadOnlyCheckAndTheTimeoutStopsASlowStep() throws Exception {
    String state = dir.resolve("state").toString();
    String example = EXAMPLES.resolve("retry-and-timeout.yaml").toString();
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "--state-dir", state, "run", example, "-p", "workdir=" + dir);
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("attempt 2/4 failed"), r.out());
    assertTrue(r.out().contains("ready after: check 3"), r.out());

    CliProcess.Result slow = CliProcess.run(dir, Map.of(), "--state-dir", state, "run", example, "-p", "workdir=" + dir,
        "-p", "slow=true");
    assertEquals(1, slow.exit(), slow.all());
    assertTrue(slow.out().contains("step wait failed: timed out after 1s"), slow.out());
  }

  @Test
  void anApprovalGateStopsWithExit4AndResumeApproveContinues() throws Exception {
    String state = dir.resolve("state").toString();
    CliProcess.Result waiting = CliProcess.run(dir, Map.of(), "--state-dir", state, "run",
        EXAMPLES.resolve("approval.yaml").toString(), "-p", "target=db2");
    assertEquals(4, waiting.exit(), waiting.all());
    String runId = CrashResumeTest.runIdOf(waiting, dir.resolve("state"));
    assertTrue(waiting.out().contains("runbook resume " + runId + " --approve gate"), waiting.out());

    CliProcess.Result wrong = CliProcess.run(dir, Map.of(), "--state-dir", state, "resume", runId, "--approve", "before");
    assertEquals(2, wrong.exit(), wrong.all());
    assertTrue(wrong.err().contains("waiting: gate"), wrong.err());

    CliProcess.Result approved = CliProcess.run(dir, Map.of(), "--state-dir", state, "resume", runId, "--approve", "gate");
    assertEquals(0, approved.exit(), approved.all());
    assertTrue(approved.out().contains("promoted db2"), approved.out());
  }

  private static boolean sleepRunning() {
    try (var ps = ProcessHandle.allProcesses()) {
      return ps.anyMatch(h -> h.info().commandLine().orElse("").contains("sleep 67.25"));
    }
  }

  @Test
  void ctrlCInterruptsTheRunningStepJournalsItAndExits130() throws Exception {
    Path runbook = dir.resolve("long.yaml");
    Path marker = dir.resolve("ready");
    Path lines = dir.resolve("lines.txt");
    Files.writeString(runbook, """
        runbook: long
        params:
          marker: { type: string }
          lines:  { type: string }
        steps:
          - id: wait
            use: core.exec
            with:
              command: [sh, -c, 'test -f "$M" || exec sleep 67.25']
              env: { M: "${{ params.marker }}" }
              effect: READS
          - id: after
            use: core.exec
            with: { command: [sh, -c, 'echo after >> "$L"'], env: { L: "${{ params.lines }}" } }
        """);
    Path state = dir.resolve("state");
    Path out = dir.resolve("run-out.txt");
    Process p = CliProcess.builder(dir, Map.of(), List.of("--state-dir", state.toString(), "run", runbook.toString(),
            "-p", "marker=" + marker, "-p", "lines=" + lines))
        .redirectOutput(out.toFile()).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
    long end = System.nanoTime() + 30_000_000_000L;
    while (!(Files.exists(out) && Files.readString(out).contains("-> wait")) && System.nanoTime() < end) Thread.sleep(50);
    // interrupt once the step's command runs (on a loaded machine "-> wait" can be printed well before that)
    while (!sleepRunning() && System.nanoTime() < end) Thread.sleep(50);
    assertTrue(sleepRunning(), "the step's command did not start within 30 s: " + Files.readString(out));
    new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped after Ctrl-C");
    String printed = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(130, p.exitValue(), printed);
    assertTrue(printed.contains("INTERRUPTED"), printed);
    assertFalse(printed.contains("\tat "), printed);
    String runId = CrashResumeTest.runIdOf(new CliProcess.Result(0, printed, ""), state);
    String journal = Files.readString(state.resolve("runs").resolve(runId).resolve("journal.jsonl"));
    assertTrue(journal.contains("\"type\":\"step-interrupted\",\"at\"") && journal.contains("\"step\":\"wait\""), journal);
    assertTrue(journal.contains("\"status\":\"interrupted\",\"exitCode\":130"), journal);

    // The interrupted step's command was killed, not left behind.
    assertFalse(sleepRunning(), "sleep left running");
    Files.writeString(marker, "");
    CliProcess.Result resumed = CliProcess.run(dir, Map.of(), "--state-dir", state.toString(), "resume", runId);
    assertEquals(0, resumed.exit(), resumed.all());
    assertEquals(List.of("after"), Files.readAllLines(lines));
  }
}

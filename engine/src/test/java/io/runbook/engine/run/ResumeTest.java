package io.runbook.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.spi.Reconciled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resume: finished steps are not repeated, outputs come back, in-doubt steps are reconciled or decided. */
class ResumeTest {
  @TempDir Path dir;

  final TestSteps.Record record = new TestSteps.Record();
  final TestSteps.Flaky flaky = new TestSteps.Flaky();
  final TestSteps.Uncertain uncertain = new TestSteps.Uncertain();

  static final String THREE_STEPS = """
      runbook: resume
      steps:
        - id: first
          use: test.record
          with: { value: one }
        - id: middle
          use: test.uncertain
          with: { value: "after ${{ steps.first.value }}" }
        - id: last
          use: test.record
          with: { value: "last saw ${{ steps.first.length }} and ${{ steps.middle.how }}" }
      """;

  RunHarness harness() { return new RunHarness(dir, record, flaky, uncertain); }

  @Test
  void aFailedRunResumesAtTheFailedStepWithEarlierOutputsRestored() throws Exception {
    RunHarness h = harness();
    RunOutcome failed = h.start("""
        runbook: fail-then-resume
        steps:
          - id: first
            use: test.record
            with: { value: one }
          - id: flaky
            use: test.flaky
            with: { key: k, failures: 1, retryable: false }
          - id: last
            use: test.record
            with: { value: "${{ steps.first.value }}:${{ steps.first.length }}:${{ steps.flaky.attempts }}" }
        """);
    assertEquals(RunStatus.FAILED, failed.status());
    assertTrue(failed.hint().contains("runbook resume " + failed.runId()), failed.hint());
    RunOutcome resumed = h.resume(failed.runId(), Runs.Decisions.NONE);
    assertEquals(RunStatus.SUCCEEDED, resumed.status(), h.consoleText());
    assertEquals(failed.runId(), resumed.runId());
    assertEquals(List.of("one", "one:3:2"), record.seen, "first ran once; its outputs came back typed");
    List<String> ev = h.events(failed.runId());
    assertEquals(List.of("run-started", "step-started first", "step-succeeded first", "step-started flaky",
        "step-failed flaky", "run-finished", "run-resumed", "step-started flaky", "step-succeeded flaky",
        "step-started last", "step-succeeded last", "run-finished"), ev);
    assertEquals(RunStatus.SUCCEEDED, h.resume(failed.runId(), Runs.Decisions.NONE).status());
    assertEquals(2, record.seen.size(), "resuming a finished run runs nothing");
  }

  @Test
  void aFailedForeachItemIsRunAgainAndFinishedItemsKeepTheirOutputs() throws Exception {
    RunHarness h = harness();
    RunOutcome failed = h.start("""
        runbook: foreach-resume
        params:
          names: { type: list<string>, default: [a, b, c] }
        steps:
          - id: each
            use: test.flaky
            foreach: ${{ params.names }}
            as: name
            parallel: true
            with: { key: "${{ name }}", failures: "${{ name == 'b' ? 1 : 0 }}", retryable: false }
          - id: sum
            use: test.record
            with: { value: "${{ steps.each.items[0].attempts }}${{ steps.each.items[1].attempts }}${{ steps.each.items[2].attempts }}" }
        """);
    assertEquals(RunStatus.FAILED, failed.status(), h.consoleText());
    assertTrue(failed.message().contains("each[1]"), failed.message());
    // Items that had not started when b failed are skipped (and run on resume); which ones started is up to the
    // scheduler, so the invariant is checked over both runs: every item's effect exactly once, b's failure retried.
    assertTrue(callsOf("a") <= 1 && callsOf("c") <= 1, "no item ran twice in the failed run");
    RunOutcome resumed = h.resume(failed.runId(), Runs.Decisions.NONE);
    assertEquals(RunStatus.SUCCEEDED, resumed.status(), h.consoleText());
    assertEquals(1, callsOf("a"), "a ran exactly once over the failed run and the resume");
    assertEquals(2, callsOf("b"), "b failed once, then ran again on resume");
    assertEquals(1, callsOf("c"), "c ran exactly once over the failed run and the resume");
    assertEquals(List.of("121"), record.seen, "restored and new item outputs, in item order");
  }

  private int callsOf(String key) {
    var n = flaky.calls.get(key);
    return n == null ? 0 : n.get();
  }

  @Test
  void ctrlCInterruptsTheStepAndAnUnknownNonIdempotentStepWaitsForTheOperator() throws Exception {
    RunHarness h = harness();
    RunOutcome interrupted = interruptInMiddle(h);
    assertEquals(RunStatus.INTERRUPTED, interrupted.status());
    assertEquals(130, interrupted.exitCode());
    List<String> ev = h.events(interrupted.runId());
    assertEquals(List.of("run-started", "step-started first", "step-succeeded first", "step-started middle",
        "step-interrupted middle", "run-finished"), ev);

    h.cancellation = new Cancellation();
    uncertain.block = false;
    RunOutcome waiting = h.resume(interrupted.runId(), Runs.Decisions.NONE);
    assertEquals(RunStatus.WAITING, waiting.status());
    assertEquals(4, waiting.exitCode());
    assertTrue(waiting.message().contains("middle"), waiting.message());
    assertTrue(waiting.hint().contains("runbook resume " + interrupted.runId() + " --assume-done middle"), waiting.hint());
    assertTrue(waiting.hint().contains("runbook resume " + interrupted.runId() + " --rerun middle"), waiting.hint());
    assertEquals(1, uncertain.runs.get(), "not run again while in doubt");

    RunOutcome notADoubt = h.resume(interrupted.runId(), decisions(List.of("first"), List.of()));
    assertEquals(RunStatus.INVALID, notADoubt.status());
    assertTrue(notADoubt.message().contains("in doubt: middle"), notADoubt.message());

    RunOutcome rerun = h.resume(interrupted.runId(), decisions(List.of(), List.of("middle")));
    assertEquals(RunStatus.SUCCEEDED, rerun.status(), h.consoleText());
    assertEquals(2, uncertain.runs.get());
    assertEquals(List.of("one", "last saw 3 and run"), record.seen);
  }

  @Test
  void assumeDoneSkipsTheInDoubtStep() throws Exception {
    RunHarness h = harness();
    RunOutcome interrupted = interruptInMiddle(h);
    h.cancellation = new Cancellation();
    uncertain.block = false;
    RunOutcome done = h.resume(interrupted.runId(), decisions(List.of("middle"), List.of()));
    // the operator vouched for the step but its outputs are unknown: the step that reads them fails, by name
    assertEquals(1, uncertain.runs.get());
    assertEquals(RunStatus.FAILED, done.status());
    assertTrue(done.message().startsWith("step last:"), done.message());
    JournalRecord decision = h.journal(interrupted.runId()).stream()
        .filter(r -> r.type().equals("decision")).findFirst().orElseThrow();
    assertEquals("assume-done", decision.text("decision"));
    assertEquals("middle", decision.step());
  }

  @Test
  void reconcileDoneRestoresOutputsWithoutRunningAgain() throws Exception {
    RunHarness h = harness();
    RunOutcome interrupted = interruptInMiddle(h);
    h.cancellation = new Cancellation();
    uncertain.answer = Reconciled.Status.DONE;
    RunOutcome resumed = h.resume(interrupted.runId(), Runs.Decisions.NONE);
    assertEquals(RunStatus.SUCCEEDED, resumed.status(), h.consoleText());
    assertEquals(1, uncertain.runs.get());
    assertEquals(1, uncertain.reconciles.get());
    assertEquals(List.of("one", "last saw 3 and reconciled"), record.seen);
    JournalRecord reconciled = h.journal(interrupted.runId()).stream()
        .filter(r -> "reconciled".equals(r.text("how"))).findFirst().orElseThrow();
    assertEquals("middle", reconciled.step());
    assertEquals("reconciled", reconciled.get("outputs").get("how").asText());
  }

  @Test
  void reconcileNotDoneOrUnknownForAnIdempotentStepRunsItAgain() throws Exception {
    RunHarness h = harness();
    RunOutcome interrupted = interruptInMiddle(h);
    h.cancellation = new Cancellation();
    uncertain.block = false;
    uncertain.idempotent = true;
    assertEquals(RunStatus.SUCCEEDED, h.resume(interrupted.runId(), Runs.Decisions.NONE).status(), h.consoleText());
    assertEquals(2, uncertain.runs.get());

    RunHarness h2 = new RunHarness(dir.resolve("second"), record, flaky, uncertain);
    Files.createDirectories(h2.dir);
    uncertain.block = true;
    uncertain.idempotent = false;
    RunOutcome again = interruptInMiddle(h2);
    h2.cancellation = new Cancellation();
    uncertain.block = false;
    uncertain.answer = Reconciled.Status.NOT_DONE;
    assertEquals(RunStatus.SUCCEEDED, h2.resume(again.runId(), Runs.Decisions.NONE).status(), h2.consoleText());
    assertEquals(4, uncertain.runs.get());
  }

  @Test
  void aRunThatIsStillGoingCannotBeResumedAtTheSameTime() throws Exception {
    RunHarness h = harness();
    h.write(THREE_STEPS);
    AtomicReference<RunOutcome> out = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        out.set(h.start(THREE_STEPS));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    t.start();
    ExecutorTest.waitUntil(() -> uncertain.runs.get() == 1);
    String runId;
    try (var runs = Files.list(dir.resolve("state/runs"))) {
      runId = runs.findFirst().orElseThrow().getFileName().toString();
    }
    RunHarness second = new RunHarness(dir, record, flaky, uncertain);
    RunOutcome refused = second.resume(runId, Runs.Decisions.NONE);
    assertEquals(RunStatus.INVALID, refused.status());
    assertTrue(refused.message().contains("is in use by run " + runId + " (pid " + ProcessHandle.current().pid()),
        refused.message());
    h.cancellation.cancelAndWait(java.time.Duration.ofSeconds(10));
    t.join(10_000);
    assertEquals(RunStatus.INTERRUPTED, out.get().status());
    assertEquals(1, uncertain.runs.get());
  }

  @Test
  void aChangedRunbookIsRefusedUnlessForced() throws Exception {
    RunHarness h = harness();
    RunOutcome interrupted = interruptInMiddle(h);
    h.cancellation = new Cancellation();
    uncertain.block = false;
    Files.writeString(h.runbookFile, THREE_STEPS + "# edited\n");
    RunOutcome refused = h.resume(interrupted.runId(), decisions(List.of(), List.of("middle")));
    assertEquals(RunStatus.INVALID, refused.status());
    assertTrue(refused.message().contains("changed since run " + interrupted.runId()), refused.message());
    assertTrue(refused.hint().contains("--force"), refused.hint());
    RunOutcome forced = h.resume(interrupted.runId(),
        new Runs.Decisions(List.of(), List.of("middle"), List.of(), true));
    assertEquals(RunStatus.SUCCEEDED, forced.status(), h.consoleText());
  }

  @Test
  void aTornLastLineIsReportedAndDropped() throws Exception {
    RunHarness h = harness();
    RunOutcome interrupted = interruptInMiddle(h);
    Path journal = dir.resolve("state/runs").resolve(interrupted.runId()).resolve("journal.jsonl");
    Files.writeString(journal, "{\"type\":\"step-succ", StandardOpenOption.APPEND);
    h.cancellation = new Cancellation();
    uncertain.block = false;
    RunOutcome resumed = h.resume(interrupted.runId(), decisions(List.of(), List.of("middle")));
    assertEquals(RunStatus.SUCCEEDED, resumed.status(), h.consoleText());
    assertTrue(h.consoleText().contains("cut off by a crash"), h.consoleText());
    List<String> lines = Files.readAllLines(journal);
    assertTrue(lines.stream().noneMatch(l -> l.contains("step-succ\"") || l.startsWith("{\"type\":\"step-succ{")));
    assertEquals("run-finished", h.journal(interrupted.runId()).get(h.journal(interrupted.runId()).size() - 1).type());
  }

  private RunOutcome interruptInMiddle(RunHarness h) throws Exception {
    h.write(THREE_STEPS);
    AtomicReference<RunOutcome> out = new AtomicReference<>();
    AtomicReference<Exception> error = new AtomicReference<>();
    int runsBefore = uncertain.runs.get();
    Thread t = new Thread(() -> {
      try {
        out.set(h.start(THREE_STEPS));
      } catch (Exception e) {
        error.set(e);
      }
    });
    t.start();
    ExecutorTest.waitUntil(() -> uncertain.runs.get() == runsBefore + 1);
    h.cancellation.cancelAndWait(java.time.Duration.ofSeconds(10));
    t.join(10_000);
    if (error.get() != null) throw error.get();
    return out.get();
  }

  private static Runs.Decisions decisions(List<String> assumeDone, List<String> rerun) {
    return new Runs.Decisions(assumeDone, rerun, List.of(), false);
  }
}

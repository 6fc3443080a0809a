package io.runbook.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code use: runbook}: the callee's steps run nested, its outputs flow back, and resume works inside it. */
class CompositionRunTest {
  @TempDir Path dir;

  final TestSteps.Record record = new TestSteps.Record();
  final TestSteps.Flaky flaky = new TestSteps.Flaky();
  final TestSteps.Uncertain uncertain = new TestSteps.Uncertain();

  static final String CALLEE = """
      runbook: relink
      params:
        gtid:  { type: string, required: true }
        times: { type: int, default: 2 }
      outputs:
        linked: "${{ steps.link.value }}"
        size:   "${{ steps.link.length + params.times }}"
      steps:
        - id: link
          use: test.record
          with: { value: "link at ${{ params.gtid }}" }
        - id: check
          use: test.flaky
          with: { key: "${{ params.gtid }}", failures: 1, retryable: false }
      """;

  static final String CALLER = """
      runbook: outer
      steps:
        - id: find
          use: test.record
          with: { value: "0-1-42" }
        - id: relink
          use: runbook
          with: { name: ./relink.yaml, params: { gtid: "${{ steps.find.value }}" } }
        - id: after
          use: test.record
          with: { value: "${{ steps.relink.linked }} / ${{ steps.relink.size }}" }
      """;

  RunHarness harness() { return new RunHarness(dir, record, flaky, uncertain); }

  @Test
  void theCalleeRunsNestedItsOutputsFlowBackAndResumeContinuesInsideIt() throws Exception {
    Files.writeString(dir.resolve("relink.yaml"), CALLEE);
    RunHarness h = harness();
    RunOutcome failed = h.start(CALLER);
    assertEquals(RunStatus.FAILED, failed.status(), h.consoleText());
    assertTrue(failed.message().contains("relink/check"), failed.message());
    assertTrue(h.consoleText().contains("-> relink (runbook relink)"), h.consoleText());
    assertTrue(h.consoleText().contains("-> relink/link (test.record)"), h.consoleText());

    RunOutcome resumed = h.resume(failed.runId(), Runs.Decisions.NONE);
    assertEquals(RunStatus.SUCCEEDED, resumed.status(), h.consoleText());
    assertEquals(List.of("0-1-42", "link at 0-1-42", "link at 0-1-42 / 16"), record.seen,
        "finished nested steps are not repeated; outputs are computed from restored step outputs");
    assertEquals(List.of("run-started", "step-started find", "step-succeeded find", "step-started relink/link",
        "step-succeeded relink/link", "step-started relink/check", "step-failed relink/check", "run-finished",
        "run-resumed", "step-started relink/check", "step-succeeded relink/check", "step-started after",
        "step-succeeded after", "run-finished"), h.events(failed.runId()));
  }

  @Test
  void aChangedCalleeIsAChangedRunbookForResume() throws Exception {
    Files.writeString(dir.resolve("relink.yaml"), CALLEE);
    RunHarness h = harness();
    RunOutcome failed = h.start(CALLER);
    assertEquals(RunStatus.FAILED, failed.status(), h.consoleText());
    Files.writeString(dir.resolve("relink.yaml"), CALLEE.replace("link at", "linked at"));
    RunOutcome refused = h.resume(failed.runId(), Runs.Decisions.NONE);
    assertEquals(RunStatus.INVALID, refused.status(), h.consoleText());
    assertTrue(refused.message().contains("changed since run"), refused.message());
  }

  @Test
  void aCalleeInAForeachRunsOncePerItemWithItsOwnPaths() throws Exception {
    Files.writeString(dir.resolve("one.yaml"), """
        runbook: one
        params:
          who: { type: string }
        outputs:
          said: "${{ steps.say.value }}"
        steps:
          - id: say
            use: test.record
            with: { value: "hi ${{ params.who }}" }
        """);
    RunHarness h = harness();
    RunOutcome ok = h.start("""
        runbook: each
        steps:
          - id: greet
            use: runbook
            foreach: [ann, bob]
            as: who
            with: { name: one.yaml, params: { who: "${{ who }}" } }
          - id: all
            use: test.record
            with: { value: "${{ steps.greet.items[0].said }}+${{ steps.greet.items[1].said }}" }
        """);
    assertEquals(RunStatus.SUCCEEDED, ok.status(), h.consoleText());
    assertEquals(List.of("hi ann", "hi bob", "hi ann+hi bob"), record.seen);
    assertTrue(h.events(ok.runId()).contains("step-succeeded greet[1]/say"), h.events(ok.runId()).toString());
  }

  @Test
  void anInDoubtStepInsideACalleeIsDecidedByItsNestedPath() throws Exception {
    Files.writeString(dir.resolve("inner.yaml"), """
        runbook: inner
        steps:
          - id: middle
            use: test.uncertain
            with: { value: m }
        """);
    String caller = """
        runbook: outer
        steps:
          - id: first
            use: test.record
            with: { value: one }
          - id: nest
            use: runbook
            with: { name: ./inner.yaml }
          - id: last
            use: test.record
            with: { value: last }
        """;
    RunHarness h = harness();
    h.write(caller);
    AtomicReference<RunOutcome> out = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        out.set(h.start(caller));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    t.start();
    ExecutorTest.waitUntil(() -> uncertain.runs.get() == 1);
    h.cancellation.cancelAndWait(java.time.Duration.ofSeconds(10));
    t.join(10_000);
    assertEquals(RunStatus.INTERRUPTED, out.get().status());

    h.cancellation = new Cancellation();
    uncertain.block = false;
    RunOutcome waiting = h.resume(out.get().runId(), Runs.Decisions.NONE);
    assertEquals(RunStatus.WAITING, waiting.status(), h.consoleText());
    assertTrue(waiting.hint().contains("--rerun nest/middle"), waiting.hint());
    RunOutcome done = h.resume(out.get().runId(),
        new Runs.Decisions(List.of(), List.of("nest/middle"), List.of(), false));
    assertEquals(RunStatus.SUCCEEDED, done.status(), h.consoleText());
    assertEquals(2, uncertain.runs.get());
    assertEquals(List.of("one", "last"), record.seen, "first was not repeated");
  }

  @Test
  void paramsAreBoundWithTheCalleesDefaults() throws Exception {
    Files.writeString(dir.resolve("relink.yaml"), CALLEE.replace("failures: 1", "failures: 0"));
    RunHarness h = harness();
    RunOutcome ok = h.start(CALLER.replace("gtid: \"${{ steps.find.value }}\"", "gtid: abc, times: 5"));
    assertEquals(RunStatus.SUCCEEDED, ok.status(), h.consoleText());
    assertEquals("link at abc / 16", record.seen.get(2));
  }

  @Test
  void secretParamsOfTheCalleeGetValuesAndStayRedacted() throws Exception {
    Files.writeString(dir.resolve("login.yaml"), """
        runbook: login
        params:
          password: { type: string, secret: true, default: "env:INNER_PW" }
          other:    { type: string, secret: true }
        steps:
          - id: use
            use: test.record
            with: { value: "${{ params.password }}/${{ params.other }}" }
        """);
    RunHarness h = harness();
    h.env = java.util.Map.of("INNER_PW", "s3cret-inner", "OUTER_PW", "s3cret-outer");
    RunOutcome ok = h.start("""
        runbook: outer
        params:
          pw: { type: string, secret: true, default: "env:OUTER_PW" }
        steps:
          - id: call
            use: runbook
            with: { name: login.yaml, params: { other: "${{ params.pw }}" } }
        """);
    assertEquals(RunStatus.SUCCEEDED, ok.status(), h.consoleText());
    assertEquals(List.of("s3cret-inner/s3cret-outer"), record.seen);
    String journal = Files.readString(dir.resolve("state/runs").resolve(ok.runId()).resolve("journal.jsonl"));
    assertTrue(!journal.contains("s3cret") && !h.consoleText().contains("s3cret"), journal);
  }

  @Test
  void aDestructiveStepInsideACalleeNeedsConfirmationBeforeAnythingRuns() throws Exception {
    Files.writeString(dir.resolve("wipe.yaml"), """
        runbook: wipe
        steps:
          - id: remove
            use: test.destroy
            with: { what: everything }
        """);
    RunHarness h = new RunHarness(dir, record, new TestSteps.Destroy());
    RunOutcome refused = h.start("""
        runbook: outer
        steps:
          - id: first
            use: test.record
            with: { value: one }
          - id: nested
            use: runbook
            with: { name: wipe.yaml }
        """);
    assertEquals(RunStatus.INVALID, refused.status(), h.consoleText());
    assertTrue(refused.message().contains("nested/remove (test.destroy)"), refused.message());
    assertEquals(List.of(), record.seen, "nothing ran");
  }
}

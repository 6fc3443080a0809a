package io.runbook.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.journal.JournalRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executor semantics: order, outputs, when, require, retry, timeout, foreach, nested groups, confirmation. */
class ExecutorTest {
  @TempDir Path dir;

  final TestSteps.Record record = new TestSteps.Record();
  final TestSteps.Flaky flaky = new TestSteps.Flaky();
  final TestSteps.Slow slow = new TestSteps.Slow();
  final TestSteps.Destroy destroy = new TestSteps.Destroy();

  RunHarness harness() { return new RunHarness(dir, record, flaky, slow, destroy); }

  @Test
  void stepsRunInOrderAndLaterStepsSeeEarlierOutputs() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: outputs
        params:
          who: { type: string, default: world }
        steps:
          - id: first
            use: test.record
            with: { value: "hello ${{ params.who }}" }
          - id: second
            use: test.record
            with: { value: "${{ steps.first.value }} (${{ steps.first.length }} chars)" }
        """, Map.of("who", "ops"));
    assertEquals(RunStatus.SUCCEEDED, o.status(), h.consoleText());
    assertEquals(0, o.exitCode());
    assertEquals(List.of("hello ops", "hello ops (9 chars)"), record.seen);
    assertEquals(List.of("run-started", "step-started first", "step-succeeded first", "step-started second",
        "step-succeeded second", "run-finished"), h.events(o.runId()));
    JournalRecord started = h.journal(o.runId()).get(0);
    assertEquals("outputs", started.get("runbook").get("name").asText());
    assertEquals("ops", started.get("params").get("who").asText());
    assertEquals(64, started.get("runbook").get("sha256").asText().length());
    JournalRecord secondStarted = h.journal(o.runId()).get(3);
    assertEquals("hello ops (9 chars)", secondStarted.get("input").get("value").asText());
    assertEquals(9, h.journal(o.runId()).get(2).get("outputs").get("length").asInt());
  }

  @Test
  void whenFalseSkipsTheStepAndJournalsIt() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: when
        params:
          go: { type: bool, default: false }
        steps:
          - id: maybe
            use: test.record
            when: ${{ params.go }}
            with: { value: maybe }
          - id: always
            use: test.record
            when: ${{ !params.go }}
            with: { value: always }
        """);
    assertEquals(RunStatus.SUCCEEDED, o.status(), h.consoleText());
    assertEquals(List.of("always"), record.seen);
    List<JournalRecord> j = h.journal(o.runId());
    assertEquals("step-skipped", j.get(1).type());
    assertEquals("maybe", j.get(1).step());
    assertTrue(j.get(1).text("reason").contains("false"));
  }

  @Test
  void falsePreconditionStopsWithItsMessageAndExitCode3() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: require
        params:
          replicas: { type: int, default: 0 }
        steps:
          - id: before
            use: test.record
            with: { value: before }
          - id: guarded
            use: test.record
            with: { value: guarded }
            require:
              - that: ${{ params.replicas > 0 }}
                because: there must be a replica to promote
          - id: after
            use: test.record
            with: { value: after }
        """);
    assertEquals(RunStatus.PRECONDITION_FALSE, o.status());
    assertEquals(3, o.exitCode());
    assertTrue(o.message().contains("there must be a replica to promote"), o.message());
    assertTrue(h.consoleText().contains("there must be a replica to promote"));
    assertEquals(List.of("before"), record.seen);
    JournalRecord failed = h.journal(o.runId()).get(3);
    assertEquals("step-failed", failed.type());
    assertEquals("precondition", failed.text("kind"));
    assertEquals("precondition-false", h.journal(o.runId()).get(4).text("status"));
  }

  @Test
  void retryableFailureIsRetriedWithBackoffUntilItSucceeds() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: retry
        steps:
          - id: flaky
            use: test.flaky
            with: { key: a, failures: 2, retryable: true }
            retry: { attempts: 3, backoff: 20ms }
          - id: show
            use: test.record
            with: { value: "attempts=${{ steps.flaky.attempts }}" }
        """);
    assertEquals(RunStatus.SUCCEEDED, o.status(), h.consoleText());
    assertEquals(3, flaky.calls.get("a").get());
    assertEquals(List.of("attempts=3"), record.seen);
    assertTrue(h.consoleText().contains("attempt 1/3 failed"), h.consoleText());
    assertTrue(h.consoleText().contains("attempt 2/3 failed"), h.consoleText());
  }

  @Test
  void retriesRunOutAndTheStepFails() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: retry-out
        steps:
          - id: flaky
            use: test.flaky
            with: { key: b, failures: 5, retryable: true }
            retry: { attempts: 2, backoff: 10ms }
        """);
    assertEquals(RunStatus.FAILED, o.status());
    assertEquals(1, o.exitCode());
    assertEquals(2, flaky.calls.get("b").get());
    JournalRecord failed = h.journal(o.runId()).get(2);
    assertEquals("step-failed", failed.type());
    assertEquals("call 2 of b failed", failed.text("message"));
    assertEquals(2, failed.get("attempts").asInt());
  }

  @Test
  void aFailureThatIsNotRetryableIsNotRetried() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: no-retry
        steps:
          - id: flaky
            use: test.flaky
            with: { key: c, failures: 1, retryable: false }
            retry: { attempts: 5, backoff: 10ms }
        """);
    assertEquals(RunStatus.FAILED, o.status());
    assertEquals(1, flaky.calls.get("c").get());
    assertTrue(o.hint().startsWith("try again; then continue with: runbook resume "), o.hint());
  }

  @Test
  void timeoutInterruptsTheStep() throws Exception {
    RunHarness h = harness();
    long t0 = System.nanoTime();
    RunOutcome o = h.start("""
        runbook: timeout
        steps:
          - id: slow
            use: test.slow
            with: { duration: 30s }
            timeout: 300ms
        """);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(RunStatus.FAILED, o.status());
    assertTrue(o.message().contains("timed out after 300ms"), o.message());
    assertTrue(ms < 10_000, "took " + ms + " ms");
    waitUntil(() -> slow.interrupted.get() == 1);
  }

  @Test
  void foreachRunsItemsInOrderAndCollectsTheirOutputs() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: foreach
        params:
          names: { type: list<string>, default: [a, bb, ccc] }
        steps:
          - id: each
            use: test.record
            foreach: ${{ params.names }}
            as: name
            with: { value: "item ${{ name }}" }
          - id: summary
            use: test.record
            with: { value: "${{ steps.each.items[2].value }} / ${{ steps.each.items[0].length }}" }
        """);
    assertEquals(RunStatus.SUCCEEDED, o.status(), h.consoleText());
    assertEquals(List.of("item a", "item bb", "item ccc", "item ccc / 6"), record.seen);
    List<String> ev = h.events(o.runId());
    assertTrue(ev.contains("step-succeeded each[0]"), ev.toString());
    assertTrue(ev.indexOf("step-succeeded each[1]") < ev.indexOf("step-started each[2]"), ev.toString());
  }

  @Test
  void parallelForeachRespectsMaxParallel() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: parallel
        params:
          items: { type: list<string>, default: [a, b, c, d, e, f] }
        steps:
          - id: fan
            use: test.slow
            foreach: ${{ params.items }}
            as: it
            parallel: true
            maxParallel: 2
            with: { duration: 150ms, label: "${{ it }}" }
          - id: after
            use: test.record
            with: { value: "${{ steps.fan.items[5].label }}${{ steps.fan.items[0].label }}" }
        """);
    assertEquals(RunStatus.SUCCEEDED, o.status(), h.consoleText());
    assertEquals(6, slow.started.get());
    assertEquals(2, slow.maxRunning.get(), "at most 2 at once, and really 2 at once");
    assertEquals(List.of("fa"), record.seen, "items keep their order in steps.fan.items");
  }

  @Test
  void nestedGroupsAndForeachGroupsExposeTheirStepsOutputs() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: groups
        params:
          replicas: { type: list<string>, default: [r1, r2] }
        steps:
          - id: prepare
            steps:
              - id: base
                use: test.record
                with: { value: base }
              - id: inner
                steps:
                  - id: deep
                    use: test.record
                    with: { value: "${{ steps.base.value }}-deep" }
          - id: relink
            foreach: ${{ params.replicas }}
            as: replica
            steps:
              - id: stop
                use: test.record
                with: { value: "stop ${{ replica }}" }
              - id: link
                use: test.record
                with: { value: "${{ steps.stop.value }} then link ${{ replica }} to ${{ steps.deep.value }}" }
          - id: report
            use: test.record
            with: { value: "${{ steps.relink.items[1].link.value }}" }
        """);
    assertEquals(RunStatus.SUCCEEDED, o.status(), h.consoleText());
    assertEquals(List.of("base", "base-deep", "stop r1", "stop r1 then link r1 to base-deep", "stop r2",
        "stop r2 then link r2 to base-deep", "stop r2 then link r2 to base-deep"), record.seen);
    List<String> ev = h.events(o.runId());
    assertTrue(ev.contains("step-succeeded prepare/inner/deep"), ev.toString());
    assertTrue(ev.contains("step-succeeded relink[1]/link"), ev.toString());
  }

  @Test
  void destructiveStepWithoutYesOrTerminalIsRefusedBeforeAnythingRuns() throws Exception {
    RunHarness h = harness();
    String yaml = """
        runbook: destroy
        steps:
          - id: first
            use: test.record
            with: { value: first }
          - id: wipe
            use: test.destroy
            with: { what: old disk }
        """;
    RunOutcome o = h.start(yaml);
    assertEquals(RunStatus.INVALID, o.status());
    assertEquals(2, o.exitCode());
    assertTrue(o.message().contains("wipe (test.destroy)"), o.message());
    assertTrue(o.message().contains("--yes"), o.message());
    assertEquals(List.of(), record.seen);
    assertEquals(0, destroy.runs.get());

    h.yes = true;
    assertEquals(RunStatus.SUCCEEDED, h.start(yaml).status());
    assertEquals(1, destroy.runs.get());
  }

  @Test
  void confirmTrueAsksTheOperatorAndADeclineFailsTheStep() throws Exception {
    RunHarness h = harness();
    List<String> answers = new java.util.ArrayList<>(List.of("no", "yes"));
    List<String> prompts = new java.util.ArrayList<>();
    h.operator = new Operator() {
      public boolean interactive() { return true; }
      public Optional<String> ask(String prompt) {
        prompts.add(prompt);
        return Optional.of(answers.remove(0));
      }
    };
    String yaml = """
        runbook: confirm
        steps:
          - id: careful
            use: test.record
            confirm: true
            with: { value: careful }
        """;
    RunOutcome declined = h.start(yaml);
    assertEquals(RunStatus.FAILED, declined.status());
    assertTrue(declined.message().contains("not confirmed"), declined.message());
    assertEquals(List.of(), record.seen);
    assertTrue(prompts.get(0).contains("careful"), prompts.get(0));
    RunOutcome resumed = h.resume(declined.runId(), Runs.Decisions.NONE);
    assertEquals(RunStatus.SUCCEEDED, resumed.status(), h.consoleText());
    assertEquals(List.of("careful"), record.seen);
  }

  @Test
  void anExpressionThatFailsAtRunTimeFailsTheStepWithItsName() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: bad-index
        params:
          names: { type: list<string>, default: [] }
        steps:
          - id: pick
            use: test.record
            with: { value: "${{ params.names[3] }}" }
        """);
    assertEquals(RunStatus.FAILED, o.status());
    assertTrue(o.message().startsWith("step pick:"), o.message());
    assertNotNull(o.hint());
    assertFalse(h.consoleText().contains("Exception"), h.consoleText());
  }

  static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not reached in 5 s");
      Thread.sleep(10);
    }
  }
}

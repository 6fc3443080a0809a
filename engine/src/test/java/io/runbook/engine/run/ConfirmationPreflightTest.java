package io.runbook.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A use that destroys (effectOf) is refused before anything runs when its effect is literal (whatever else is an
 * expression), else stopped when reached, saying that the steps before it ran.
 */
class ConfirmationPreflightTest {
  @TempDir Path dir;

  final TestSteps.Record record = new TestSteps.Record();
  final TestSteps.MayDestroy mayDestroy = new TestSteps.MayDestroy();

  RunHarness harness() { return new RunHarness(dir, record, mayDestroy); }

  @Test
  void aLiteralDestroysEffectIsRefusedBeforeTheFirstStepRuns() throws Exception {
    RunOutcome o = harness().start("""
        runbook: literal-destroys
        steps:
          - id: first
            use: test.record
            with: { value: first }
          - id: wipe
            use: test.may-destroy
            with: { what: datadir, effect: DESTROYS }
        """);
    assertEquals(RunStatus.INVALID, o.status());
    assertNull(o.runId(), "refused before a run was created");
    assertTrue(o.message().contains("wipe (test.may-destroy)"), o.message());
    assertEquals(List.of(), record.seen);
    assertEquals(0, mayDestroy.runs.get());
  }

  @Test
  void aLiteralChangesEffectNeedsNoConfirmation() throws Exception {
    RunOutcome o = harness().start("""
        runbook: literal-changes
        steps:
          - id: touch
            use: test.may-destroy
            with: { what: marker, effect: CHANGES }
        """);
    assertEquals(RunStatus.SUCCEEDED, o.status(), o.message());
    assertEquals(1, mayDestroy.runs.get());
  }

  @Test
  void anEffectKnownOnlyAtRunTimeIsRefusedWhenTheStepIsReached() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start("""
        runbook: runtime-destroys
        params:
          effect: { type: string, default: DESTROYS }
        steps:
          - id: first
            use: test.record
            with: { value: first }
          - id: wipe
            use: test.may-destroy
            with: { what: datadir, effect: "${{ params.effect }}" }
        """, Map.of());
    // Not exit 2 ("refused, nothing ran"): 'first' did run. A failed step that resume --yes continues.
    assertEquals(RunStatus.FAILED, o.status(), o.message());
    assertTrue(o.message().contains("wipe") && o.message().contains("needs confirmation"), o.message());
    assertTrue(o.message().contains("the steps before it did"), o.message());
    assertTrue(o.hint().contains("runbook resume " + o.runId() + " --yes"), o.hint());
    assertEquals(List.of("first"), record.seen, "the steps before it ran");
    assertEquals(0, mayDestroy.runs.get());
  }

  @Test
  void aLiteralDestroysEffectIsRefusedUpFrontWhenAnotherInputIsAnExpression() throws Exception {
    RunOutcome o = harness().start("""
        runbook: literal-destroys-templated-input
        params:
          dir: { type: string, default: /tmp/x }
        steps:
          - id: first
            use: test.record
            with: { value: first }
          - id: wipe
            use: test.may-destroy
            with: { what: "${{ params.dir }}/old", effect: DESTROYS }
        """, Map.of());
    assertEquals(RunStatus.INVALID, o.status(), o.message());
    assertNull(o.runId(), "refused before a run was created");
    assertTrue(o.message().contains("wipe (test.may-destroy)") && o.message().contains("nothing was run"), o.message());
    assertEquals(List.of(), record.seen);
    assertEquals(0, mayDestroy.runs.get());
  }

  @Test
  void aLiteralDestroysEffectInAForeachGroupIsRefusedUpFront() throws Exception {
    RunOutcome o = harness().start("""
        runbook: literal-destroys-in-loop
        steps:
          - id: first
            use: test.record
            with: { value: first }
          - id: each
            foreach: [a, b]
            as: x
            steps:
              - id: wipe
                use: test.may-destroy
                with: { what: "${{ x }}", effect: DESTROYS }
        """, Map.of());
    assertEquals(RunStatus.INVALID, o.status(), o.message());
    assertNull(o.runId(), "refused before a run was created");
    assertTrue(o.message().contains("each/wipe (test.may-destroy)"), o.message());
    assertEquals(List.of(), record.seen);
    assertEquals(0, mayDestroy.runs.get());
  }

  @Test
  void withYesBothRun() throws Exception {
    RunHarness h = harness();
    h.yes = true;
    RunOutcome o = h.start("""
        runbook: confirmed
        steps:
          - id: wipe
            use: test.may-destroy
            with: { what: datadir, effect: DESTROYS }
        """);
    assertEquals(RunStatus.SUCCEEDED, o.status(), o.message());
    assertEquals(1, mayDestroy.runs.get());
  }
}

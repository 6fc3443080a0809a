package io.runbook.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.journal.JournalRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed require's {@code because} has its templates filled in, redacted, and never hides the refusal. */
class RequireBecauseTest {
  @TempDir Path dir;

  final TestSteps.Record record = new TestSteps.Record();

  RunHarness harness() {
    RunHarness h = new RunHarness(dir, record);
    h.env = Map.of("CANARY_PW", "canary-9f3e1");
    return h;
  }

  static String guarded(String because) {
    return """
        runbook: because
        params:
          want: { type: int, default: 3 }
          names: { type: list<string>, default: [] }
          pw: { type: string, secret: true, default: "env:CANARY_PW" }
        steps:
          - id: look
            use: test.record
            with: { value: disk-7 }
          - id: guarded
            use: test.record
            with: { value: guarded }
            require:
              - that: ${{ steps.look.value == 'disk-' + string(params.want) }}
                because: "%s"
        """.formatted(because);
  }

  @Test
  void theRefusalNamesTheValuesItsBecauseReads() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start(guarded("found ${{ steps.look.value }}, expected disk-${{ params.want }} (${{ size(params.names) }} names)"));
    assertEquals(RunStatus.PRECONDITION_FALSE, o.status(), o.message() + "\n" + h.consoleText());
    assertEquals(3, o.exitCode());
    String expected = "step guarded: precondition failed: found disk-7, expected disk-3 (0 names)";
    assertEquals(expected, o.message());
    assertTrue(h.consoleText().contains(expected), h.consoleText());
    JournalRecord failed = h.journal(o.runId()).get(3);
    assertEquals("precondition", failed.text("kind"));
    assertEquals(expected, failed.text("message"));
    assertEquals(List.of("disk-7"), record.seen, "the guarded step did not run");
    // Both ways out: a resume keeps the parameters, so a refusal that needs other ones is a new run.
    assertTrue(o.hint().contains("runbook resume " + o.runId()) && o.hint().contains("start a new run"), o.hint());
  }

  @Test
  void aBecauseWhoseExpressionFailsStillRefusesWithTheTextAsWritten() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start(guarded("the first name is ${{ params.names[0] }}"));
    assertEquals(RunStatus.PRECONDITION_FALSE, o.status(), o.message() + "\n" + h.consoleText());
    assertEquals(3, o.exitCode());
    assertTrue(o.message().startsWith("step guarded: precondition failed: the first name is ${{ params.names[0] }}"
        + " (its explanation could not be filled in: "), o.message());
    assertTrue(h.consoleText().contains("precondition failed: the first name is ${{ params.names[0] }}"), h.consoleText());
    assertEquals(List.of("disk-7"), record.seen);
  }

  @Test
  void aSecretInABecauseIsMaskedInTheMessageConsoleAndJournal() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start(guarded("login with ${{ params.pw }} refused"));
    assertEquals(RunStatus.PRECONDITION_FALSE, o.status(), o.message() + "\n" + h.consoleText());
    assertTrue(o.message().contains("login with ") && o.message().contains(" refused"), o.message());
    assertFalse(o.message().contains("canary-9f3e1"), o.message());
    assertFalse(h.consoleText().contains("canary-9f3e1"), h.consoleText());
    String journal = Files.readString(dir.resolve("state/runs").resolve(o.runId()).resolve("journal.jsonl"));
    assertFalse(journal.contains("canary-9f3e1"), journal);
    String log = Files.readString(dir.resolve("state/runs").resolve(o.runId()).resolve("run.log"));
    assertFalse(log.contains("canary-9f3e1"), log);
  }

  @Test
  void aBecauseThatHoldsIsNotShown() throws Exception {
    RunHarness h = harness();
    RunOutcome o = h.start(guarded("found ${{ steps.look.value }}"), Map.of("want", "7"));
    assertEquals(RunStatus.SUCCEEDED, o.status(), o.message() + "\n" + h.consoleText());
    assertEquals(List.of("disk-7", "guarded"), record.seen);
  }
}

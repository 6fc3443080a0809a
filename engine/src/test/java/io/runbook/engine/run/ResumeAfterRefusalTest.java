package io.runbook.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A precondition refusal says "make it true, then resume". The resume reads again what the run read since its last
 * change, so a fix outside the run is seen; what was read before a change keeps its recorded value (later steps were
 * decided on it), so the refusal stands there and says so by refusing again rather than acting on a new reading.
 */
class ResumeAfterRefusalTest {
  @TempDir Path dir;

  final TestSteps.Probe probe = new TestSteps.Probe();
  final TestSteps.Record record = new TestSteps.Record();

  private static final Runs.Decisions NONE = new Runs.Decisions(List.of(), List.of(), List.of(), false);

  @Test
  void aResumeAfterTheFixReadsAgainAndGoesOn() throws Exception {
    RunHarness h = new RunHarness(dir, probe, record);
    probe.world = "no";
    RunOutcome first = h.start("""
        runbook: refuse-then-fix
        steps:
          - id: before
            use: test.record
            with: { value: before }
          - id: look
            use: test.probe
          - id: act
            use: test.record
            require:
              - that: ${{ steps.look.value == 'go' }}
                because: the world must say go
            with: { value: acted }
        """);
    assertEquals(RunStatus.PRECONDITION_FALSE, first.status(), first.message());
    assertEquals(List.of("before"), record.seen);

    probe.world = "go";
    RunOutcome resumed = h.resume(first.runId(), NONE);
    assertEquals(RunStatus.SUCCEEDED, resumed.status(), resumed.message() + h.console);
    assertEquals(List.of("before", "acted"), record.seen, "the change before the read is not repeated");
    assertEquals(2, probe.reads.get(), "look was read again");
    assertTrue(h.console.toString().contains("reading again (READS since the run's last change; the refusal may have"
        + " been fixed): look"), h.console.toString());
  }

  @Test
  void whatWasReadBeforeAChangeKeepsItsRecordedValue() throws Exception {
    RunHarness h = new RunHarness(dir, probe, record);
    probe.world = "no";
    RunOutcome first = h.start("""
        runbook: read-change-refuse
        steps:
          - id: look
            use: test.probe
          - id: change
            use: test.record
            with: { value: "${{ 'saw ' + steps.look.value }}" }
          - id: act
            use: test.record
            require:
              - that: ${{ steps.look.value == 'go' }}
                because: the world must say go
            with: { value: acted }
        """);
    assertEquals(RunStatus.PRECONDITION_FALSE, first.status(), first.message());

    probe.world = "go";
    RunOutcome resumed = h.resume(first.runId(), NONE);
    assertEquals(RunStatus.PRECONDITION_FALSE, resumed.status(), "change acted on 'no': " + resumed.message());
    assertEquals(1, probe.reads.get(), "not read again: a change came after it");
    assertEquals(List.of("saw no"), record.seen);
  }

  @Test
  void aRefusalRepeatedAfterAResumeIsReadAgainOnTheNextResume() throws Exception {
    RunHarness h = new RunHarness(dir, probe, record);
    probe.world = "no";
    RunOutcome first = h.start("""
        runbook: twice
        steps:
          - id: look
            use: test.probe
          - id: act
            use: test.record
            require:
              - that: ${{ steps.look.value == 'go' }}
                because: the world must say go
            with: { value: acted }
        """);
    assertEquals(RunStatus.PRECONDITION_FALSE, first.status());
    assertEquals(RunStatus.PRECONDITION_FALSE, h.resume(first.runId(), NONE).status(), "not fixed yet");
    probe.world = "go";
    assertEquals(RunStatus.SUCCEEDED, h.resume(first.runId(), NONE).status(), h.console.toString());
    assertEquals(3, probe.reads.get());
    assertEquals(List.of("acted"), record.seen);
  }
}

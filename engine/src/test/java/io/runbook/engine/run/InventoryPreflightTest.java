package io.runbook.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step that names a host in {@code on:} needs an inventory even when its type does not (a command run over the
 * host's transport): without one the run is refused before its first step, naming the step and where its on: is.
 */
class InventoryPreflightTest {
  @TempDir Path dir;

  final TestSteps.Record record = new TestSteps.Record();

  @Test
  void aStepGivenAHostWithoutAnInventoryIsRefusedBeforeTheFirstStepRuns() throws Exception {
    RunHarness h = new RunHarness(dir, record);
    RunOutcome o = h.start("""
        runbook: on-without-inventory
        params:
          h: { type: string, default: db1 }
        steps:
          - id: first
            use: test.record
            with: { value: first }
          - id: literal
            use: test.record
            on: primray
            with: { value: literal }
          - id: expression
            use: test.record
            on: ${{ params.h }}
            with: { value: expression }
        """);
    assertEquals(RunStatus.INVALID, o.status(), o.message());
    assertNull(o.runId(), "refused before a run was created");
    assertTrue(o.message().contains("steps literal (test.record, on: primray at " + h.runbookFile + ":10:9), expression"
        + " (test.record, on: ${{ params.h }} at " + h.runbookFile + ":14:9) need hosts or a cloud: give an inventory"
        + " with -i FILE"), o.message());
    assertEquals(List.of(), record.seen, "nothing ran");
  }

  @Test
  void aLongListOfStepsNeedingAnInventoryNamesTheFirstFiveAndCountsTheRest() throws Exception {
    RunHarness h = new RunHarness(dir, record);
    StringBuilder steps = new StringBuilder();
    for (int i = 1; i <= 7; i++) steps.append("  - id: s").append(i).append("\n    use: test.record\n    on: db1\n    with: { value: x }\n");
    RunOutcome o = h.start("runbook: many-hosts\nsteps:\n" + steps);
    assertEquals(RunStatus.INVALID, o.status(), o.message());
    assertTrue(o.message().startsWith("steps s1 (test.record, on: db1 at "), o.message());
    assertTrue(o.message().contains("s5 (test.record, on: db1 at " + h.runbookFile + ":21:9) and 2 more need hosts or a"
        + " cloud: give an inventory with -i FILE"), o.message());
    assertTrue(!o.message().contains("s6"), "the sixth and later are counted, not listed: " + o.message());
    assertEquals(List.of(), record.seen, "nothing ran");
  }
}

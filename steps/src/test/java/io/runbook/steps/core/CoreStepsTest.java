package io.runbook.steps.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.AwaitingOperator;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** core.sleep, core.assert, core.log, core.set, core.approve, and their registration. */
class CoreStepsTest {
  final List<String> lines = new ArrayList<>();
  final StepLog log = new StepLog() {
    public void info(String m) { lines.add("info " + m); }
    public void warn(String m) { lines.add("warn " + m); }
    public void output(String l) { lines.add("out " + l); }
    public void progress(String m) { lines.add("progress " + m); }
  };
  final StandaloneStepContext ctx = StandaloneStepContext.builder().runId("20261125-171501-ab12").stepId("gate").log(log)
      .confirmed(false).build();

  @Test
  void allCoreTypesAreRegistered() {
    StepRegistry r = StepRegistry.load(getClass().getClassLoader());
    for (String name : List.of("core.exec", "core.sleep", "core.assert", "core.log", "core.set", "core.approve")) {
      assertTrue(r.find(name).isPresent(), name);
    }
  }

  @Test
  void sleepWaitsAndIsInterruptible() throws Exception {
    long t0 = System.nanoTime();
    new Sleep().run(new Sleep.Input(Duration.ofMillis(120)), ctx);
    assertTrue((System.nanoTime() - t0) / 1_000_000 >= 110);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> new Sleep().run(new Sleep.Input(Duration.ofSeconds(30)), ctx));
  }

  @Test
  void assertFailsWithItsMessage() throws Exception {
    new Assert().run(new Assert.Input(true, Optional.of("fine")), ctx);
    StepFailure f = assertThrows(StepFailure.class,
        () -> new Assert().run(new Assert.Input(false, Optional.of("replica lag too high")), ctx));
    assertEquals("step gate: assertion failed: replica lag too high", f.getMessage());
  }

  @Test
  void logWritesAtItsLevel() {
    new Log().run(new Log.Input("hello", Optional.empty()), ctx);
    new Log().run(new Log.Input("careful", Optional.of(Log.Level.WARN)), ctx);
    assertEquals(List.of("info hello", "warn careful"), lines);
  }

  @Test
  void setReturnsItsValues() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("name", "db1-data-r1");
    values.put("count", 3L);
    assertEquals(values, new SetValues().run(new SetValues.Input(values), ctx).values());
  }

  @Test
  void approveWithoutATerminalWaitsForResumeApprove() {
    AwaitingOperator w = assertThrows(AwaitingOperator.class,
        () -> new Approve().run(new Approve.Input("promote r1?", Optional.empty()), ctx));
    assertTrue(w.getMessage().contains("promote r1?"), w.getMessage());
    assertEquals("when approved: runbook resume 20261125-171501-ab12 --approve gate", w.hint());
  }

  @Test
  void approveIsPassedInAdvanceByYes() throws Exception {
    StandaloneStepContext yes = StandaloneStepContext.builder().runId("r").stepId("gate").log(log).confirmed(true).build();
    assertEquals("--yes by " + System.getProperty("user.name"),
        new Approve().run(new Approve.Input("replay 3 transactions?", Optional.empty()), yes).approvedBy());
    assertTrue(lines.contains("info approved in advance with --yes: replay 3 transactions?"), lines.toString());
  }

  @Test
  void approveAcceptsOnlyTheConfirmationWord() throws Exception {
    assertEquals("terminal by " + System.getProperty("user.name"),
        new Approve().run(new Approve.Input("go?", Optional.of("promote")), answering("promote")).approvedBy());
    StepFailure f = assertThrows(StepFailure.class,
        () -> new Approve().run(new Approve.Input("go?", Optional.of("promote")), answering("yes")));
    assertTrue(f.getMessage().contains("not approved"), f.getMessage());
  }

  private StepContext answering(String typed) {
    return new DelegatingContext(ctx) {
      @Override public Optional<String> ask(String prompt) { return Optional.of(typed); }
    };
  }
}

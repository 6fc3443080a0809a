package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.plan.PlanDocument;
import io.runbook.engine.plan.PlanDocument.Disposition;
import io.runbook.engine.plan.Planner;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepLog;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** db.drain is READS (a wait) unless it may kill, and the dry-run does not sit in a plain drain. */
class DrainPlanTest {
  @TempDir Path dir;

  @Test
  void effectDependsOnKill() {
    Drain drain = new Drain();
    var plain = new Drain.Input(Optional.of(Duration.ofSeconds(30)), Optional.empty(), Optional.empty(), Optional.empty());
    var noKill = new Drain.Input(Optional.empty(), Optional.empty(), Optional.of(false), Optional.empty());
    var kill = new Drain.Input(Optional.empty(), Optional.empty(), Optional.of(true), Optional.empty());
    assertEquals(Effect.READS, drain.effectOf(plain));
    assertEquals(Effect.READS, drain.effectOf(noKill));
    assertEquals(Effect.CHANGES, drain.effectOf(kill));
    assertEquals(Effect.CHANGES, drain.effect(), "declared: the most it can do");
    var ctx = TestDb.context("db1", TestDb.host("db1", "127.0.0.1", 1, TestDb.PASSWORD_ENV));
    assertTrue(drain.plan(plain, ctx).actions().stream().allMatch(a -> a.kind() == Plan.Kind.WAIT));
    assertTrue(drain.plan(kill, ctx).actions().stream().anyMatch(a -> a.kind() == Plan.Kind.SQL));
  }

  /**
   * The host's port is closed: a step the planner ran would fail there (the db.query proves it), so a drain that
   * ends PLANNED was not run, and a 30s drain does not make the plan wait.
   */
  @Test
  void planningDoesNotRunADrain() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) { closed = s.getLocalPort(); }
    Inventory inv = TestDb.inventory(TestDb.host("db1", "127.0.0.1", closed, TestDb.PASSWORD_ENV));
    StepRegistry registry = StepRegistry.ofTypes(new Drain(), new Query());
    Path file = dir.resolve("drain.yaml");
    Files.writeString(file, """
        runbook: drain
        summary: drain then look
        steps:
          - id: drain
            use: db.drain
            on: db1
            with: { timeout: 30s }
          - id: look
            use: db.query
            on: db1
            with: { sql: SELECT 1 }
          - id: drain-kill
            use: db.drain
            on: db1
            with: { timeout: 30s, kill: true }
          - id: look-after
            use: db.query
            on: db1
            with: { sql: SELECT 1 }
        """);
    Runbook rb = RunbookLoader.load(file, registry);
    Map<String, Object> params = ParamBinder.bind(rb, Map.of(), Optional.empty(), inv, Instant.now());
    long start = System.nanoTime();
    PlanDocument p = Planner.plan(new Planner.Request(rb, Optional.empty(), inv, Map.of(), params, false,
        "20261125-120000-abcd", Instant.now(), TestDb.env(), dir, StepLog.NONE), registry);
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    PlanDocument.Step drain = step(p, "drain");
    assertEquals(Effect.READS, drain.effect());
    assertEquals(Disposition.PLANNED, drain.disposition(), "not run: " + drain.note());
    assertEquals("a wait: not run while planning", drain.note());
    PlanDocument.Step kill = step(p, "drain-kill");
    assertEquals(Effect.CHANGES, kill.effect());
    assertEquals(Disposition.PLANNED, kill.disposition());
    assertEquals(Disposition.FAILED, step(p, "look").disposition(), "READS steps do run against this host");
    PlanDocument.Step after = step(p, "look-after");
    assertEquals(Disposition.PLANNED, after.disposition(), "not run: the planned kill changes db1 first");
    assertTrue(after.note().contains("step drain-kill changes what it reads first"), after.note());
    assertTrue(tookMs < 25_000, "the plan did not wait out the drain's timeout: " + tookMs + " ms");
  }

  private static PlanDocument.Step step(PlanDocument p, String path) {
    return p.steps().stream().filter(s -> s.path().equals(path)).findFirst().orElseThrow();
  }
}

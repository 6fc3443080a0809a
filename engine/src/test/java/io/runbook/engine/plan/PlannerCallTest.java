package io.runbook.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.plan.PlanDocument.Check;
import io.runbook.engine.plan.PlanDocument.Disposition;
import io.runbook.engine.plan.PlanDocument.Step;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planning a {@code use: runbook} step whose params are only known at run time: the callee's steps are still planned
 * (nothing of it disappears from the plan); those that read such a param are decided at run time, the others are
 * planned with their actions, also through a further call.
 */
class PlannerCallTest {
  @TempDir Path dir;

  final StepRegistry registry = StepRegistry.ofTypes(new PlanTypes.Find(), new PlanTypes.Create(), new PlanTypes.Swap(),
      new PlanTypes.Wipe());

  static final String OUTER = """
      runbook: outer
      steps:
        - id: wipe0
          use: t.wipe
          with: { disk: d0 }
        - id: call
          use: runbook
          with: { name: ./inner.yaml, params: { disk: "${{ steps.wipe0.wiped }}", name: n1 } }
        - id: after
          use: t.swap
          with: { disk: "${{ steps.call.named }}" }
        - id: after2
          use: t.swap
          with: { disk: "${{ steps.call.wiped }}" }
      """;
  static final String INNER = """
      runbook: inner
      params:
        disk: { type: string, required: true }
        name: { type: string, default: x }
      outputs:
        wiped: "${{ steps.wipe.wiped }}"
        named: "${{ params.name }}"
      steps:
        - id: fixed
          use: t.swap
          with: { disk: "${{ params.name }}" }
        - id: attach
          use: t.swap
          when: ${{ params.disk != '' }}
          with: { disk: "${{ params.disk }}" }
        - id: wipe
          use: t.wipe
          with: { disk: "${{ params.name }}" }
        - id: deeper
          use: runbook
          with: { name: ./deepest.yaml, params: { disk: "${{ params.disk }}", label: "${{ params.name }}" } }
      """;
  static final String DEEPEST = """
      runbook: deepest
      params:
        disk:  { type: string, required: true }
        label: { type: string, required: true }
      steps:
        - id: attach2
          use: t.swap
          with: { disk: "${{ params.disk }}" }
        - id: label
          use: t.swap
          with: { disk: "${{ params.label }}" }
      """;

  PlanDocument plan() throws Exception {
    Files.writeString(dir.resolve("inner.yaml"), INNER);
    Files.writeString(dir.resolve("deepest.yaml"), DEEPEST);
    Path file = Files.writeString(dir.resolve("outer.yaml"), OUTER);
    Runbook rb = RunbookLoader.load(file, registry);
    Map<String, Object> params = ParamBinder.bind(rb, Map.of(), Optional.empty(), Inventory.EMPTY, Instant.now());
    return Planner.plan(new Planner.Request(rb, Optional.empty(), Inventory.EMPTY, Map.of(), params, false,
        "20261125-120000-abcd", Instant.parse("2026-11-25T12:00:00Z"), Map.of(), dir, StepLog.NONE), registry);
  }

  @Test
  void aCallWithParamsOnlyKnownAtRunTimeStillPlansEveryStepOfTheCallee() throws Exception {
    PlanDocument p = plan();
    assertEquals(List.of("wipe0", "call/fixed", "call/attach", "call/wipe", "call/deeper/attach2", "call/deeper/label",
        "after", "after2"), p.steps().stream().map(Step::path).toList());
    assertTrue(p.problems().isEmpty(), p.problems().toString());

    Step fixed = PlannerTest.step(p, "call/fixed");
    assertEquals(Disposition.PLANNED, fixed.disposition(), "a decided param plans as usual");
    assertEquals("attach n1", fixed.actions().get(0).text());

    Step attach = PlannerTest.step(p, "call/attach");
    assertEquals(Disposition.UNRESOLVED, attach.disposition());
    assertEquals(List.of(new Check("when", "${{ params.disk != '' }}", "runs only when this holds", Check.RUN_TIME)),
        attach.checks());
    assertTrue(attach.note().startsWith("decided at run time: it depends on params.disk (passed by the caller"),
        attach.note());

    assertEquals("wipe n1", PlannerTest.step(p, "call/wipe").actions().get(0).text());
    Step attach2 = PlannerTest.step(p, "call/deeper/attach2");
    assertTrue(attach2.note().startsWith("decided at run time: it depends on params.disk"), "passed on: " + attach2.note());
    assertEquals("attach n1", PlannerTest.step(p, "call/deeper/label").actions().get(0).text(),
        "a decided param passed on through a further call");

    assertEquals("attach n1", PlannerTest.step(p, "after").actions().get(0).text(), "a decided output reaches the caller");
    Step after2 = PlannerTest.step(p, "after2");
    assertEquals(Disposition.UNRESOLVED, after2.disposition());
    assertTrue(after2.note().startsWith("decided at run time: it depends on the outputs of steps.call"), after2.note());
  }

  @Test
  void aDestructiveStepSkippedByItsWhenIsNotListedAsDestructive() throws Exception {
    Files.writeString(dir.resolve("inner.yaml"), """
        runbook: inner
        params:
          wipe: { type: bool, default: false }
        steps:
          - id: wipe
            use: t.wipe
            when: ${{ params.wipe }}
            with: { disk: d1 }
        """);
    Path file = Files.writeString(dir.resolve("outer.yaml"), """
        runbook: outer
        steps:
          - id: keep
            use: runbook
            with: { name: ./inner.yaml }
          - id: really
            use: runbook
            with: { name: ./inner.yaml, params: { wipe: true } }
        """);
    Runbook rb = RunbookLoader.load(file, registry);
    PlanDocument p = Planner.plan(new Planner.Request(rb, Optional.empty(), Inventory.EMPTY, Map.of(), Map.of(), false,
        "20261125-120000-abcd", Instant.parse("2026-11-25T12:00:00Z"), Map.of(), dir, StepLog.NONE), registry);
    assertEquals(Disposition.SKIPPED, PlannerTest.step(p, "keep/wipe").disposition());
    assertEquals(List.of("really/wipe"), p.destructive().stream().map(Step::path).toList());
  }

  @Test
  void aStepInsideACallWhoseWhenIsOnlyKnownAtRunTimeCarriesThatCondition() throws Exception {
    Files.writeString(dir.resolve("inner.yaml"), """
        runbook: inner
        steps:
          - id: wipe
            use: t.wipe
            with: { disk: d1 }
        """);
    Path file = Files.writeString(dir.resolve("outer.yaml"), """
        runbook: outer
        steps:
          - id: first
            use: t.wipe
            with: { disk: d0 }
          - id: maybe
            use: runbook
            when: ${{ steps.first.wiped != '' }}
            with: { name: ./inner.yaml }
        """);
    Runbook rb = RunbookLoader.load(file, registry);
    PlanDocument p = Planner.plan(new Planner.Request(rb, Optional.empty(), Inventory.EMPTY, Map.of(), Map.of(), false,
        "20261125-120000-abcd", Instant.parse("2026-11-25T12:00:00Z"), Map.of(), dir, StepLog.NONE), registry);
    // The call has no row: its condition travels with the steps it holds, or the wipe would read as certain.
    assertEquals(List.of(new Check("when (maybe)", "${{ steps.first.wiped != '' }}", "runs only when this holds",
        Check.RUN_TIME)), PlannerTest.step(p, "maybe/wipe").checks());
    assertEquals(List.of(), PlannerTest.step(p, "first").checks());
  }
}

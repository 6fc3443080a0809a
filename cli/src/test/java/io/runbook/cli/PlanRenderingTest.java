package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.plan.PlanDocument;
import io.runbook.engine.registry.StepRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Golden files of the text, Markdown and JSON plans of the plan-review example (fixed run id and time). */
class PlanRenderingTest {
  static final Path EXAMPLE = Path.of("..", "runbooks", "examples", "plan-review.yaml");
  static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

  static PlanDocument plan(StepRegistry registry) throws Exception {
    Runbook rb = RunbookLoader.load(EXAMPLE, registry);
    Map<String, String> given = Map.of("replicas", "db2,db3,db4");
    Map<String, Object> params = ParamBinder.bind(rb, given, Optional.empty(), Inventory.EMPTY, Instant.now());
    RunbookArgs.Loaded loaded = new RunbookArgs.Loaded(rb, Optional.empty(), Inventory.EMPTY, params, given);
    return PlanCommand.make(loaded, registry, false, "20261125-030000-beef", Instant.parse("2026-11-25T03:00:00Z"),
        new PrintWriter(new StringWriter()));
  }

  @Test
  void theExamplePlanMatchesTheGoldenFilesInEveryFormat() throws Exception {
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    PlanDocument p = plan(registry);
    RunbookArgs.Loaded loaded = new RunbookArgs.Loaded(RunbookLoader.load(EXAMPLE, registry), Optional.empty(),
        Inventory.EMPTY, Map.of(), Map.of());
    String text = PlanCommand.render(p, PlanCommand.Format.text, registry, loaded);
    String markdown = PlanCommand.render(p, PlanCommand.Format.markdown, registry, loaded);
    String json = PlanCommand.render(p, PlanCommand.Format.json, registry, loaded);

    // What the golden files must show, asserted here so that regenerating them cannot hide a regression.
    assertTrue(text.contains("1. newest  core.exec  READS  [ran (read only)]"), text);
    assertTrue(text.contains("outputs: exitCode=0, stdout=snap-20261125-0300"), text);
    assertTrue(text.contains("DESTRUCTIVE STEPS (1):\n  4. clear-old (core.exec)"), text);
    assertTrue(text.contains("require ${{ steps.prepare.exitCode == 0 }}: decided at run time"), text);
    assertTrue(text.contains("relink[2]/link"), "foreach items expanded: " + text);
    assertTrue(markdown.contains("```mermaid\nflowchart TD\n"), markdown);
    assertTrue(markdown.contains("subgraph g"), markdown);
    assertTrue(markdown.contains("(parallel)"), markdown);
    assertTrue(markdown.contains("class s3 destroys"), "the destructive step is marked in the chart: " + markdown);
    assertTrue(markdown.contains("Run a local command: rm -rf /tmp/runbook-plan-review/old (on local)"), markdown);
    assertTrue(markdown.contains("## Destructive steps\n\nThese steps"), markdown);
    assertTrue(json.contains("\"formatVersion\" : 1"), json);

    Golden.check(GOLDEN.resolve("plan-review.plan.txt"), text);
    Golden.check(GOLDEN.resolve("plan-review.plan.md"), markdown);
    Golden.check(GOLDEN.resolve("plan-review.plan.json"), json);
  }

  @Test
  void stepsAreNumberedInRunOrderAndOnlyReadsRan() throws Exception {
    PlanDocument p = plan(StepRegistry.load(Main.class.getClassLoader()));
    assertEquals(java.util.List.of("newest", "names", "prepare", "clear-old", "relink[0]/point", "relink[0]/link",
        "relink[1]/point", "relink[1]/link", "relink[2]/point", "relink[2]/link", "check"),
        p.steps().stream().map(PlanDocument.Step::path).toList());
    for (PlanDocument.Step s : p.steps()) {
      if (s.disposition() == PlanDocument.Disposition.RAN) assertTrue(s.readsOnly(), s.path());
    }
  }
}

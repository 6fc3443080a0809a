package io.runbook.cli;

import io.runbook.cli.progress.ConsoleView;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.RunOutcome;
import io.runbook.engine.run.Runs;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook run NAME|FILE -i INVENTORY -p k=v ...}: validates everything, then runs the steps, journaled. */
@Command(name = "run", description = "Run a runbook (validated first; journaled so that it can be resumed).")
final class RunCommand implements Callable<Integer> {
  @Mixin RunbookArgs args;

  @Option(names = "--plan", paramLabel = "PLAN.json",
      description = "A reviewed plan (runbook plan --out): refuse to run when the runbook, params or inventory changed since")
  Path plan;

  @Option(names = "--yes", description = "Confirm destructive steps (and steps with confirm: true) without asking")
  boolean yes;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec);
    StepRegistry registry = Session.registry(console);
    Optional<RunbookArgs.Loaded> loaded = args.load(registry, console, "nothing was run");
    if (loaded.isEmpty()) return 2;
    RunbookArgs.Loaded l = loaded.get();
    Optional<String> runId = Optional.empty();
    if (plan != null) {
      runId = ReviewedPlan.check(plan, l, registry, console);
      if (runId.isEmpty()) return 2;
    }
    ConsoleView view = Session.view(main);
    RunOutcome outcome = Session.runs(main, registry, yes, view).start(
        new Runs.Start(l.runbook(), l.inventoryFile(), l.inventory(), l.params(), runId));
    return Session.finish(main, outcome, view, console);
  }
}

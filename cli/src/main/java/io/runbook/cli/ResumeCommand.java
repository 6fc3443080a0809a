package io.runbook.cli;

import io.runbook.cli.progress.ConsoleView;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.RunOutcome;
import io.runbook.engine.run.Runs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook resume RUN_ID}: continues a stopped run from its journal without repeating finished steps. */
@Command(name = "resume", description = "Continue a stopped run: finished steps are skipped, an in-doubt step is checked.")
final class ResumeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run to continue, e.g. 20261125-171501-ab12")
  String runId;

  @Option(names = "--assume-done", paramLabel = "STEP", description = "An in-doubt step took effect: do not run it again")
  List<String> assumeDone = new ArrayList<>();

  @Option(names = "--rerun", paramLabel = "STEP", description = "An in-doubt step did not take effect: run it again")
  List<String> rerun = new ArrayList<>();

  @Option(names = "--approve", paramLabel = "STEP", description = "Approve a step that waits for approval")
  List<String> approve = new ArrayList<>();

  @Option(names = "--force", description = "Resume even though the runbook or inventory changed since the run started")
  boolean force;

  @Option(names = "--yes", description = "Confirm destructive steps without asking")
  boolean yes;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec);
    StepRegistry registry = Session.registry(console);
    ConsoleView view = Session.view(main);
    RunOutcome outcome = Session.runs(main, registry, yes, view)
        .resume(runId, new Runs.Decisions(assumeDone, rerun, approve, force));
    return Session.finish(main, outcome, view, console);
  }
}

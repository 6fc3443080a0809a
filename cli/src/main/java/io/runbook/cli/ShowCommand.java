package io.runbook.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code runbook show RUN_ID}: a finished or stopped run from its journal: each step with its status, duration and
 * outputs (redacted, as journaled), where it stopped and how to go on.
 */
@Command(name = "show", description = "Show a run's steps, durations and outputs, where it stopped and how to resume it.")
final class ShowCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run, e.g. 20261125-171501-ab12 (see runbook runs)")
  String runId;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // The journal classes (and Jackson) load only here: picocli creates every command at start-up.
    return RunReport.show(Main.stateDir(main.stateDir), runId, Console.of(spec));
  }
}

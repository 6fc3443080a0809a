package io.runbook.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook runs [--limit N]}: the runs in the state folder, newest first, with how each ended. */
@Command(name = "runs", description = "List the runs in the state folder, newest first (details: runbook show RUN_ID).")
final class RunsCommand implements Callable<Integer> {
  @Option(names = "--limit", paramLabel = "N", description = "At most this many runs (default 20)")
  int limit = 20;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Console console = Console.of(spec);
    if (limit < 1) {
      console.error("--limit must be 1 or more, not " + limit, "leave it out for the newest 20 runs");
      return 2;
    }
    return RunReport.list(Main.stateDir(main.stateDir), limit, console);
  }
}

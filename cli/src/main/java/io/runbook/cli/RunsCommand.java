package io.runbook.cli;

import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.JournalWriter;
import io.runbook.engine.journal.RunHistory;
import io.runbook.engine.run.StateDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
    PrintWriter out = spec.commandLine().getOut();
    StateDir state = Main.stateDir(main.stateDir);
    List<Path> dirs = List.of();
    if (Files.isDirectory(state.runs())) {
      try (Stream<Path> s = Files.list(state.runs())) {
        dirs = s.filter(p -> StateDir.isRunId(p.getFileName().toString()))
            .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).limit(Math.max(0, limit)).toList();
      }
    }
    if (dirs.isEmpty()) {
      out.println("no runs in " + state.runs());
      out.flush();
      return 0;
    }
    out.println(String.format("%-20s  %-24s  %-20s  %-11s  %s", "RUN", "RUNBOOK", "STARTED", "STATUS", "STEPS DONE"));
    for (Path dir : dirs) {
      String id = dir.getFileName().toString();
      try {
        RunHistory h = RunHistory.fold(JournalReader.read(dir.resolve(JournalWriter.FILE_NAME)).records());
        JournalRecord begin = h.started();
        int done = h.stepsIn(RunHistory.State.SUCCEEDED).size() + h.stepsIn(RunHistory.State.SKIPPED).size();
        out.println(String.format("%-20s  %-24s  %-20s  %-11s  %d", id, begin.get("runbook").get("name").asText(),
            begin.text("at").substring(0, 19).replace('T', ' '), status(h), done));
      } catch (IOException | RuntimeException e) {
        out.println(String.format("%-20s  %s", id, "(unreadable journal: " + e.getMessage() + ")"));
      }
    }
    out.flush();
    return 0;
  }

  /** How a run ended, or "stopped" when its process ended without a final record (crash, kill). */
  static String status(RunHistory h) {
    return h.finished().map(f -> f.text("status")).orElse("stopped");
  }
}

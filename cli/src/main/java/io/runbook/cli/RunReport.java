package io.runbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.cli.progress.ProgressLines;
import io.runbook.cli.progress.StepTimeline;
import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.JournalWriter;
import io.runbook.engine.journal.RunHistory;
import io.runbook.engine.run.StateDir;
import io.runbook.engine.util.FileErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What {@code runbook show} and {@code runbook runs} read from a run's journal, and how they print it. */
final class RunReport {
  private RunReport() {}

  /** Prints one run; exit code 0, or 2 when there is no such run or its journal cannot be read. */
  static int show(StateDir state, String runId, Console console) {
    Path journal = state.runDir(runId).resolve(JournalWriter.FILE_NAME);
    if (!StateDir.isRunId(runId) || !Files.isRegularFile(journal)) {
      console.error("no run " + runId + " in " + state.runs(), "list them with: runbook runs");
      return 2;
    }
    List<JournalRecord> records;
    RunHistory h;
    try {
      records = JournalReader.read(journal).records();
      h = RunHistory.fold(records);
    } catch (IOException | RuntimeException e) {
      console.error("cannot read the journal of run " + runId + ": " + e.getMessage(), null);
      return 2;
    }
    if (console.json()) {
      // The journal records are the machine form of a run (as run --output json prints them), then a summary.
      for (JournalRecord r : records) console.raw(r.json().toString());
      console.result("summary", summary(runId, records, h, state.runDir(runId)), "");
    } else {
      console.result("summary", Console.fields(), render(runId, records, h, state.runDir(runId)));
    }
    return 0;
  }

  /** What {@link #render} says, as the fields of the {@code summary} event of {@code show --output json}. */
  static java.util.Map<String, Object> summary(String runId, List<JournalRecord> records, RunHistory h, Path runDir) {
    StepTimeline timeline = new StepTimeline();
    records.forEach(timeline::record);
    Instant end = h.finished().map(f -> Instant.parse(f.text("at"))).orElse(Instant.parse(records.get(records.size() - 1).text("at")));
    List<Object> steps = new ArrayList<>();
    for (StepTimeline.Entry e : timeline.entries()) {
      JsonNode outputs = h.step(e.path()).map(RunHistory.StepStanding::outputs).filter(o -> o != null && !o.isNull())
          .orElse(null);
      steps.add(Console.fields("step", e.path(), "status", e.status().name().toLowerCase(), "ms",
          e.elapsed(end).toMillis(), "outputs", outputs == null ? null : new Console.RawJson(outputs.toString())));
    }
    boolean succeeded = h.finished().map(f -> "succeeded".equals(f.text("status"))).orElse(false);
    String stoppedAt = null;
    String next = null;
    if (!succeeded) {
      List<String> inDoubt = h.stepsIn(RunHistory.State.IN_DOUBT);
      List<String> waiting = h.stepsIn(RunHistory.State.WAITING);
      List<String> failed = h.stepsIn(RunHistory.State.FAILED);
      stoppedAt = !inDoubt.isEmpty() ? inDoubt.get(0) : !waiting.isEmpty() ? waiting.get(0)
          : !failed.isEmpty() ? failed.get(failed.size() - 1) : null;
      next = "runbook resume " + runId + (waiting.isEmpty() ? "" : " --approve " + waiting.get(0));
    }
    return Console.fields("run", runId, "status", status(h), "steps", steps, "stoppedAt", stoppedAt, "next", next,
        "log", runDir.resolve("run.log").toString());
  }

  static String render(String runId, List<JournalRecord> records, RunHistory h, Path runDir) {
    StringBuilder b = new StringBuilder();
    JournalRecord begin = h.started();
    JsonNode rb = begin.get("runbook");
    b.append("run ").append(runId).append(": runbook ").append(rb.get("name").asText()).append('\n');
    b.append("  file      ").append(rb.get("path").asText()).append(" (sha256 ").append(rb.get("sha256").asText()).append(")\n");
    JsonNode inv = begin.get("inventory");
    b.append("  inventory ").append(inv == null || inv.isNull() ? "none" : inv.get("name").asText() + " from "
        + inv.get("path").asText()).append('\n');
    b.append("  params    ").append(begin.get("params") == null ? "{}" : begin.get("params").toString()).append('\n');
    b.append("  started   ").append(begin.text("at")).append('\n');
    h.finished().ifPresentOrElse(
        f -> b.append("  finished  ").append(f.text("at")).append(": ").append(f.text("status"))
            .append(f.text("message") == null ? "" : " - " + f.text("message")).append('\n'),
        () -> b.append("  finished  no: the process stopped without a final record (crash or kill)\n"));
    StepTimeline timeline = new StepTimeline();
    records.forEach(timeline::record);
    Instant end = h.finished().map(f -> Instant.parse(f.text("at"))).orElse(Instant.parse(records.get(records.size() - 1).text("at")));
    b.append("\nsteps:\n");
    for (StepTimeline.Entry e : timeline.entries()) {
      String line = ProgressLines.stepLine(e, end, 0, 0);
      b.append("  ").append(e.status() == StepTimeline.Status.RUNNING ? line.replaceFirst("⠋", "…") : line).append('\n');
      h.step(e.path()).map(RunHistory.StepStanding::outputs).filter(o -> o != null && !o.isNull() && o.size() > 0)
          .ifPresent(o -> b.append("  ").append("  ".repeat(e.depth())).append("    outputs: ").append(o).append('\n'));
    }
    boolean succeeded = h.finished().map(f -> "succeeded".equals(f.text("status"))).orElse(false);
    if (!succeeded) {
      List<String> inDoubt = h.stepsIn(RunHistory.State.IN_DOUBT);
      List<String> waiting = h.stepsIn(RunHistory.State.WAITING);
      List<String> failed = h.stepsIn(RunHistory.State.FAILED);
      b.append('\n');
      String stoppedAt = !inDoubt.isEmpty() ? inDoubt.get(0) : !waiting.isEmpty() ? waiting.get(0)
          : !failed.isEmpty() ? failed.get(failed.size() - 1) : null;
      if (stoppedAt != null) b.append("stopped at: ").append(stoppedAt).append('\n');
      b.append("next: runbook resume ").append(runId);
      if (!waiting.isEmpty()) b.append(" --approve ").append(waiting.get(0));
      b.append('\n');
      if (!inDoubt.isEmpty()) {
        b.append("      (").append(inDoubt.get(0)).append(" was in progress: resume checks whether it took effect; if it")
            .append(" cannot tell, decide with --assume-done ").append(inDoubt.get(0)).append(" or --rerun ")
            .append(inDoubt.get(0)).append(")\n");
      }
    }
    b.append("log: ").append(runDir.resolve("run.log")).append('\n');
    return b.toString();
  }

  /** Prints the newest {@code limit} runs, one a line. */
  static int list(StateDir state, int limit, Console console) throws IOException {
    List<Path> dirs = List.of();
    if (Files.isDirectory(state.runs())) {
      try (Stream<Path> s = Files.list(state.runs())) {
        dirs = s.filter(p -> StateDir.isRunId(p.getFileName().toString())).toList();
      }
    }
    if (dirs.isEmpty()) {
      console.text("no runs in " + state.runs() + "\n");
      return 0;
    }
    // Run ids sort by second only: order by the journal's start time, newest first.
    record Row(String sortKey, java.util.Map<String, Object> fields, String text) {}
    List<Row> rows = new ArrayList<>();
    for (Path dir : dirs) {
      String id = dir.getFileName().toString();
      try {
        RunHistory h = RunHistory.fold(JournalReader.read(dir.resolve(JournalWriter.FILE_NAME)).records());
        JournalRecord begin = h.started();
        int done = h.stepsIn(RunHistory.State.SUCCEEDED).size() + h.stepsIn(RunHistory.State.SKIPPED).size();
        String runbook = begin.get("runbook").get("name").asText();
        rows.add(new Row(String.format("%020d", Instant.parse(begin.text("at")).toEpochMilli()),
            Console.fields("id", id, "runbook", runbook, "started", begin.text("at"), "status", status(h), "stepsDone", done),
            String.format("%-20s  %-24s  %-20s  %-11s  %d", id, runbook, begin.text("at").substring(0, 19).replace('T', ' '),
                status(h), done)));
      } catch (IOException | RuntimeException e) {
        // The file and the reason: a run folder without its journal (removed by hand) says so.
        String why = e instanceof IOException io ? FileErrors.at(io) : e.getMessage();
        rows.add(new Row("", Console.fields("id", id, "status", "unreadable", "message", why),
            String.format("%-20s  %s", id, "(unreadable journal: " + why + ")")));
      }
    }
    rows.sort(Comparator.comparing(Row::sortKey).reversed());
    console.text(String.format("%-20s  %-24s  %-20s  %-11s  %s%n", "RUN", "RUNBOOK", "STARTED", "STATUS", "STEPS DONE"));
    rows.stream().limit(Math.max(0, limit)).forEach(r -> console.result("run", r.fields(), r.text() + "\n"));
    return 0;
  }

  /** How a run ended, or "stopped" when its process ended without a final record (crash, kill). */
  static String status(RunHistory h) {
    return h.finished().map(f -> f.text("status")).orElse("stopped");
  }
}

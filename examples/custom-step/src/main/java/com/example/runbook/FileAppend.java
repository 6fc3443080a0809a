package com.example.runbook;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Appends a line to a file on the machine running the runbook; after a crash, the file's last line tells. */
@Doc("Append a line to a local file (an example of a team's own step type)")
public final class FileAppend implements StepType<FileAppend.Input, FileAppend.Output> {
  public record Input(@Doc("The file; created when missing") String path, @Doc("The line to append") String line) {}

  @Doc("The file after the append")
  public record Output(@Doc("How many lines the file has now") int lines) {}

  @Override public String name() { return "team.file.append"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }

  @Override
  public Plan plan(Input in, StepContext ctx) { return Plan.note("append to " + in.path() + ": " + in.line()); }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    if (in.line().contains("\n")) {
      throw new StepFailure("team.file.append: the line for " + in.path() + " holds a line break", false,
          "append one line per step", null);
    }
    try {
      Files.writeString(Path.of(in.path()), in.line() + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return new Output(Files.readAllLines(Path.of(in.path())).size());
    } catch (IOException e) {
      // A full disk or a missing folder will not fix itself between two attempts.
      throw new StepFailure("team.file.append: cannot append to " + in.path() + ": " + e.getMessage(), false,
          "check that the folder exists and is writable", e);
    }
  }

  /** The append happened when the file already ends with the line. */
  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      List<String> lines = Files.readAllLines(Path.of(in.path()));
      boolean done = !lines.isEmpty() && lines.get(lines.size() - 1).equals(in.line());
      return done ? Reconciled.done(new Output(lines.size())) : Reconciled.notDone();
    } catch (IOException e) {
      return Reconciled.notDone();
    }
  }
}

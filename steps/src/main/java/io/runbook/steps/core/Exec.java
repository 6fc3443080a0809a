package io.runbook.steps.core;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import io.runbook.steps.process.OutputTail;
import io.runbook.steps.process.PosixShell;
import io.runbook.steps.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Runs a local command (an argument list, no shell); its output streams to the step log and is captured. */
@Doc("Run a local command: argument list, environment, working folder, timeout; non-zero exit fails unless allowed"
    + " (and is retried by retry: only when the command is marked effect: READS)")
public final class Exec implements StepType<Exec.Input, Exec.Output> {
  public record Input(
      @Doc("The program and its arguments; no shell is involved (use [sh, -c, '...'] for one)") List<String> command,
      @Doc("Environment variables added for the command") Optional<Map<String, String>> env,
      @Doc("Working folder; default: the current folder") Optional<String> dir,
      @Doc("Kill the command when it runs longer than this") Optional<Duration> timeout,
      @Doc(value = "Exit codes that count as success", defaultValue = "[0]") Optional<List<Integer>> allowExitCodes,
      @Doc(value = "What the command does: READS (safe in a dry-run), CHANGES or DESTROYS", defaultValue = "CHANGES")
      Optional<Effect> effect) {}

  @Doc("What the command did")
  public record Output(
      @Doc("Exit code") int exitCode,
      @Doc("Standard output (the last 1 MiB), lines joined with newlines") String stdout,
      @Doc("Standard error (the last 1 MiB)") String stderr) {}

  @Override public String name() { return "core.exec"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public Effect effectOf(Input in) { return in.effect().orElse(Effect.CHANGES); }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String env = in.env().map(e -> e.keySet().stream().sorted().map(k -> k + "=...").collect(Collectors.joining(" ")) + " ")
        .orElse("");
    String dir = in.dir().map(d -> "(in " + d + ") ").orElse("");
    return Plan.command("local", dir + env + PosixShell.join(in.command()));
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    ProcessRunner.Command command = new ProcessRunner.Command(in.command(), in.env().orElse(Map.of()),
        in.dir().map(Path::of), in.timeout());
    ProcessRunner.Result r;
    try {
      r = ProcessRunner.run(command, ctx.log()::output, ctx.log()::output);
    } catch (IOException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + e.getMessage(),
          "check that the program exists and is executable" + in.dir().map(d -> " from " + d).orElse(""));
    }
    if (r.timedOut()) {
      throw new StepFailure("step " + ctx.stepId() + ": " + in.command().get(0) + " was killed after its timeout of "
          + Durations.format(in.timeout().get()), effectOf(in) == Effect.READS, "raise timeout: or find out why it hangs", null);
    }
    List<Integer> allowed = in.allowExitCodes().orElse(List.of(0));
    if (!allowed.contains(r.exitCode())) {
      // A read-only check (is the replica caught up?) may pass later, and repeating it cannot harm: retryable.
      throw new StepFailure("step " + ctx.stepId() + ": " + in.command().get(0) + " exited with " + r.exitCode()
          + OutputTail.of(r.stdout(), r.stderr()), effectOf(in) == Effect.READS,
          "see the command's output above; exit codes counted as success: " + allowed, null);
    }
    return new Output(r.exitCode(), joinedLines(r.stdout()), joinedLines(r.stderr()));
  }

  /** The captured lines joined with newlines, as the output documents: no newline after the last line. */
  private static String joinedLines(String captured) {
    return captured.endsWith("\n") ? captured.substring(0, captured.length() - 1) : captured;
  }
}

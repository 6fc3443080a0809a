package io.runbook.cli;

import io.runbook.cli.progress.ConsoleView;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.Cancellation;
import io.runbook.engine.run.Operator;
import io.runbook.engine.run.RunOutcome;
import io.runbook.engine.run.Runs;
import java.time.Duration;

/** What run and resume share: the settings of this process and Ctrl-C handling. */
final class Session {
  /** How long Ctrl-C waits for the running step to stop and the journal to close. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private Session() {}

  /**
   * The step types of this process, built-ins and plugins ({@code <state-dir>/plugins/*.jar}, {@code --plugin JAR}):
   * the one way every command that validates or runs a runbook loads them; a broken plugin is a warning.
   */
  static StepRegistry registry(Console console) {
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    registry.problems().forEach(console::warning);
    return registry;
  }

  /**
   * Settings for a run of this process. Ctrl-C (SIGINT) or SIGTERM runs a shutdown hook that interrupts the
   * current step and waits until the journal records it; the JVM then exits with 130 (143 for SIGTERM).
   */
  static Runs runs(Main main, StepRegistry registry, boolean yes, ConsoleView view) {
    Cancellation cancellation = new Cancellation();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> cancellation.cancelAndWait(STOP_GRACE), "runbook-stop"));
    return new Runs(new Runs.Settings(Main.stateDir(main.stateDir), view.console(), view.around(Operator.console()),
        cancellation, System.getenv(), yes, view), registry);
  }

  /** The console view of this process: JSON lines with --output json, the live view on a terminal, else plain lines. */
  static ConsoleView view(Main main) {
    return ConsoleView.choose(main.output == Main.Output.json, System.console() != null, main.stdout);
  }

  /** Reports a run refused before it started (the run itself already reported its end) and returns the exit code. */
  static int finish(Main main, RunOutcome outcome, ConsoleView view, Console console) {
    view.finish();
    if (outcome.runId() == null || outcome.runDir() == null) console.error(outcome.message(), outcome.hint());
    main.stdout.flush();
    return outcome.exitCode();
  }
}

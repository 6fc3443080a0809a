package io.runbook.cli.progress;

import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.run.Operator;
import io.runbook.engine.run.RunListener;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Optional;

/**
 * How a run shows on the console: {@link #console()} receives what the run says, {@link RunListener} the journal
 * records and step output as they happen, {@link #finish()} prints the summary. Three forms: a live terminal view,
 * plain timestamped lines (no terminal), JSON lines ({@code --output json}).
 */
public abstract class ConsoleView implements RunListener {
  protected final StepTimeline timeline = new StepTimeline();
  protected final PrintStream out;
  protected final Clock clock;

  protected ConsoleView(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  /** The view for this process: JSON lines when asked, the live view on a terminal, plain lines otherwise. */
  public static ConsoleView choose(boolean json, boolean terminal, PrintStream out) {
    if (json) return new JsonView(out, Clock.systemUTC());
    if (terminal) return new TerminalView(out, Clock.systemUTC(), TerminalView.width(), true);
    return new PlainView(out, Clock.systemUTC());
  }

  /** Where the run's messages go (the run's console). */
  public abstract PrintStream console();

  @Override
  public void recorded(JournalRecord r) { timeline.record(r); }

  @Override
  public void output(String path, String line) { timeline.output(path, line); }

  /** The run ended: stop any live drawing and print the summary. */
  public abstract void finish();

  /** An operator whose questions do not fight with the live view for the terminal. */
  public Operator around(Operator operator) { return operator; }

  /** Wraps an operator so that {@code before}/{@code after} run around each question. */
  static Operator pausing(Operator o, Runnable before, Runnable after) {
    return new Operator() {
      public boolean interactive() { return o.interactive(); }
      public Optional<String> ask(String prompt) {
        before.run();
        try {
          return o.ask(prompt);
        } finally {
          after.run();
        }
      }
    };
  }
}

package io.runbook.cli.progress;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * On a terminal: finished steps scroll up as one line each (mark, path, type, time); the steps running now stay at
 * the bottom with a spinner, their elapsed time and the last lines of their output, redrawn in place. Messages
 * that are not step progress (warnings, failures, prompts) print above the live region; the full detail is in
 * run.log.
 */
public final class TerminalView extends ConsoleView {
  private static final String UP_AND_CLEAR = "\033[1A\033[2K";

  private final int width;
  private final PrintStream console;
  private final ScheduledExecutorService ticker;
  private int drawn;
  private int frame;
  private boolean paused;

  /** {@code animate}: redraw every 100 ms (off in tests, which call {@link #redraw()} themselves). */
  public TerminalView(PrintStream out, Clock clock, int width, boolean animate) {
    super(out, clock);
    this.width = width;
    this.console = LineStream.of(this::message);
    if (animate) {
      ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
      });
      ticker.scheduleAtFixedRate(this::redraw, 100, 100, TimeUnit.MILLISECONDS);
    } else {
      ticker = null;
    }
  }

  /** The terminal's width: $COLUMNS when exported, else what {@code stty size} says of /dev/tty, else 100. */
  static int width() {
    String columns = System.getenv("COLUMNS");
    try {
      if (columns != null && !columns.isBlank()) return Integer.parseInt(columns.trim());
      Process p = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty"))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String[] rowsCols = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim().split("\\s+");
      // A pseudo-terminal without a size (script, some CI runners) says 0: keep the default then.
      if (p.waitFor(1, TimeUnit.SECONDS) && rowsCols.length == 2 && Integer.parseInt(rowsCols[1]) >= 20) {
        return Integer.parseInt(rowsCols[1]);
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // no tty to ask: the default will do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }

  @Override public PrintStream console() { return console; }

  /** Lines the live view already shows (step start/end, output) are left to it; the rest print above it. */
  private synchronized void message(String line) {
    if (line.startsWith("-> ") || line.startsWith("ok ") || line.contains("] | ")) return;
    clear();
    out.println(line); // whole: a failure's message or the resume command must not be cut
    draw();
  }

  @Override
  public synchronized void recorded(io.runbook.engine.journal.JournalRecord r) {
    StepTimeline.Entry e = timeline.record(r);
    if (e == null || e.status() == StepTimeline.Status.RUNNING) {
      redraw();
      return;
    }
    clear();
    out.println(ProgressLines.stepLine(e, clock.instant(), frame, width));
    draw();
  }

  @Override
  public synchronized void output(String path, String line) {
    timeline.output(path, line);
  }

  /** Draws the live region again (the spinner moves one frame). */
  public synchronized void redraw() {
    if (paused) return;
    frame++;
    clear();
    draw();
  }

  private void clear() {
    for (int i = 0; i < drawn; i++) out.print(UP_AND_CLEAR);
    drawn = 0;
  }

  private void draw() {
    if (paused) return;
    List<String> live = ProgressLines.live(timeline, clock.instant(), frame, width);
    live.forEach(out::println);
    drawn = live.size();
    out.flush();
  }

  @Override
  public io.runbook.engine.run.Operator around(io.runbook.engine.run.Operator operator) {
    return pausing(operator, () -> {
      synchronized (this) {
        clear();
        paused = true;
        out.flush();
      }
    }, () -> {
      synchronized (this) {
        paused = false;
        draw();
      }
    });
  }

  @Override
  public synchronized void finish() {
    if (ticker != null) ticker.shutdownNow();
    clear();
    if (!timeline.entries().isEmpty()) {
      out.println();
      ProgressLines.summary(timeline, clock.instant()).forEach(out::println);
    }
    out.flush();
  }
}

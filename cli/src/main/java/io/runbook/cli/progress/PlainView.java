package io.runbook.cli.progress;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneId;

/** No terminal (CI, cron, a pipe): every line the run says, with the time in front; the summary table at the end. */
public final class PlainView extends ConsoleView {
  private final PrintStream console;
  private final ZoneId zone;

  public PlainView(PrintStream out, Clock clock) {
    super(out, clock);
    this.zone = clock.getZone();
    this.console = LineStream.of(line -> {
      synchronized (out) { out.println(ProgressLines.plain(clock.instant(), zone, line)); }
    });
  }

  @Override public PrintStream console() { return console; }

  @Override
  public void finish() {
    if (timeline.entries().isEmpty()) return;
    synchronized (out) {
      out.println();
      ProgressLines.summary(timeline, clock.instant()).forEach(out::println);
      out.flush();
    }
  }
}

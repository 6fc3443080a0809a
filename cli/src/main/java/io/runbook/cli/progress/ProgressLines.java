package io.runbook.cli.progress;

import io.runbook.cli.progress.StepTimeline.Entry;
import io.runbook.engine.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How progress looks, as pure functions of the timeline, the time and the terminal width (so it can be tested
 * without a terminal): a line per step with its mark and elapsed time, the output tail under a running step, and
 * the summary table at the end.
 */
public final class ProgressLines {
  static final String[] SPINNER = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

  private ProgressLines() {}

  /** The mark of a finished step (a running one gets a spinner frame). */
  static String mark(StepTimeline.Status s) {
    return switch (s) {
      case SUCCEEDED -> "✓";
      case FAILED -> "✗";
      case SKIPPED -> "-";
      case INTERRUPTED -> "!";
      case WAITING -> "?";
      case RUNNING -> " ";
    };
  }

  /** One step's line: indented by depth, mark, path, type, elapsed; cut to {@code width}. */
  public static String stepLine(Entry e, Instant now, int frame, int width) {
    String mark = e.status() == StepTimeline.Status.RUNNING ? SPINNER[Math.floorMod(frame, SPINNER.length)] : mark(e.status());
    StringBuilder b = new StringBuilder();
    b.append("  ".repeat(e.depth())).append(mark).append(' ').append(e.path());
    if (e.type != null) b.append("  ").append(e.type);
    b.append("  ").append(Durations.format(round(e.elapsed(now))));
    if (e.status() == StepTimeline.Status.SKIPPED && e.detail() != null) b.append("  skipped: ").append(e.detail());
    if (e.status() == StepTimeline.Status.FAILED && e.detail() != null) b.append("  ").append(e.detail());
    return cut(b.toString(), width);
  }

  /** The live region: each running step with its spinner and the tail of its output. */
  public static List<String> live(StepTimeline t, Instant now, int frame, int width) {
    List<String> out = new ArrayList<>();
    for (Entry e : t.running()) {
      out.add(stepLine(e, now, frame, width));
      for (String line : t.tail(e)) out.add(cut("  ".repeat(e.depth()) + "  │ " + line, width));
    }
    return out;
  }

  /** A plain, timestamped line for a log without a terminal. */
  public static String plain(Instant at, java.time.ZoneId zone, String text) {
    return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone).format(at) + " " + text;
  }

  /** The table at the end of a run: step, status, duration. */
  public static List<String> summary(StepTimeline t, Instant now) {
    List<Entry> entries = t.entries();
    int w = Math.max(4, entries.stream().mapToInt(e -> e.path().length()).max().orElse(4));
    List<String> out = new ArrayList<>();
    out.add(pad("STEP", w) + "  " + pad("STATUS", 11) + "  DURATION");
    for (Entry e : entries) {
      out.add(pad(e.path(), w) + "  " + pad(e.status().name().toLowerCase(), 11) + "  "
          + Durations.format(round(e.elapsed(now))));
    }
    return out;
  }

  /** Whole tenths of a second at most: a live display need not show milliseconds. */
  static Duration round(Duration d) {
    return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofMillis(d.toMillis() / 100 * 100) : Duration.ofSeconds(d.toSeconds());
  }

  static String pad(String s, int n) { return s + " ".repeat(Math.max(0, n - s.length())); }

  static String cut(String s, int width) {
    if (width <= 1 || s.codePointCount(0, s.length()) <= width) return s;
    return s.substring(0, s.offsetByCodePoints(0, width - 1)) + "…";
  }
}

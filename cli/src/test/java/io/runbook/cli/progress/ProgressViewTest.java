package io.runbook.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console views rendered into a string with a fixed clock and width: terminal, plain and JSON lines. */
class ProgressViewTest {
  static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  final Clock clock = Clock.fixed(T0.plusSeconds(7), ZoneOffset.UTC);

  static JournalRecord rec(String type, String step, int second) {
    return JournalRecord.of(type, step).with("at", T0.plusSeconds(second).toString());
  }

  String text() { return bytes.toString(StandardCharsets.UTF_8); }

  /** A foreach with two items: item 0 finished, item 1 running with output; then it finishes. */
  void play(ConsoleView v) {
    v.console().println("run 20261125-030000-beef: relink");
    v.recorded(rec(JournalRecord.STEP_STARTED, "pick", 0).with("use", "cloud.snapshot.find"));
    v.console().println("-> pick (cloud.snapshot.find)");
    v.recorded(rec(JournalRecord.STEP_SUCCEEDED, "pick", 2));
    v.console().println("ok pick (2s)");
    v.recorded(rec(JournalRecord.STEP_STARTED, "relink[0]/link", 2).with("use", "db.replica.link"));
    v.recorded(rec(JournalRecord.STEP_SUCCEEDED, "relink[0]/link", 3));
    v.recorded(rec(JournalRecord.STEP_STARTED, "relink[1]/link", 3).with("use", "db.replica.link"));
    v.output("relink[1]/link", "CHANGE MASTER TO MASTER_HOST='db1', MASTER_PORT=3306, MASTER_USE_GTID=slave_pos");
    v.output("relink[1]/link", "START SLAVE");
    v.console().println("  [relink[1]/link] | START SLAVE");
  }

  @Test
  void terminalShowsFinishedStepsOnceAndRedrawsTheRunningOneWithSpinnerAndOutputTail() {
    TerminalView v = new TerminalView(out, clock, 60, false);
    play(v);
    v.redraw();
    String screen = text();
    assertTrue(screen.contains("run 20261125-030000-beef: relink\n"), screen);
    assertTrue(screen.contains("✓ pick  cloud.snapshot.find  2s\n"), screen);
    assertTrue(screen.contains("    ✓ relink[0]/link  db.replica.link  1s\n"), "foreach items nested: " + screen);
    List<String> spins = screen.lines().filter(l -> l.matches(".*    [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] relink\\[1\\]/link  db.replica.link  4s"))
        .map(l -> l.substring(l.length() - "x relink[1]/link  db.replica.link  4s".length()).substring(0, 1)).distinct().toList();
    assertTrue(spins.size() >= 2, "a spinner that moves, with the elapsed time: " + screen);
    assertTrue(screen.contains("      │ START SLAVE\n"), "output tail: " + screen);
    String cut = screen.lines().filter(l -> l.contains("│ CHANGE")).reduce((a, b) -> b).orElseThrow();
    assertEquals(60, cut.codePointCount(0, cut.length()), "cut to the width: " + cut);
    assertTrue(cut.endsWith("…"), cut);
    assertTrue(screen.contains("\033[1A\033[2K"), "the live region is redrawn in place");
    assertFalse(screen.contains("-> pick") || screen.contains("ok pick") || screen.contains("] | START"),
        "step progress lines are the view's job: " + screen);

    v.recorded(rec(JournalRecord.STEP_FAILED, "relink[1]/link", 5).with("message", "replica db3 refused"));
    v.finish();
    String end = text();
    assertTrue(end.contains("    ✗ relink[1]/link  db.replica.link  2s  replica db3 refu…\n"), end);
    assertTrue(end.endsWith("""

        STEP            STATUS       DURATION
        pick            succeeded    2s
        relink[0]/link  succeeded    1s
        relink[1]/link  failed       2s
        """), end);
  }

  @Test
  void withoutATerminalEveryLineIsTimestampedAndTheSummaryFollows() {
    PlainView v = new PlainView(out, clock);
    play(v);
    v.finish();
    List<String> lines = text().lines().toList();
    assertEquals("03:00:07 run 20261125-030000-beef: relink", lines.get(0));
    assertEquals("03:00:07 -> pick (cloud.snapshot.find)", lines.get(1));
    assertEquals("03:00:07   [relink[1]/link] | START SLAVE", lines.get(3));
    assertTrue(text().contains("relink[1]/link  running      4s\n"), text());
    assertFalse(text().contains("\033["), "no terminal codes in plain mode");
  }

  @Test
  void jsonModePrintsOneParsableEventPerLine() throws Exception {
    JsonView v = new JsonView(out, clock);
    play(v);
    v.finish();
    List<JsonNode> events = text().lines().map(l -> {
      try {
        return Json.MAPPER.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + l, e);
      }
    }).toList();
    assertEquals(List.of("message", "step-started", "message", "step-succeeded", "message", "step-started",
        "step-succeeded", "step-started", "output", "output", "message", "summary"),
        events.stream().map(e -> e.get("type").asText()).toList());
    assertEquals("START SLAVE", events.get(9).get("line").asText());
    assertEquals(3, events.get(11).get("steps").size());
  }
}

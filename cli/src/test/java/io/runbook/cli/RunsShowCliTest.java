package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.journal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runs, show, the plain console of a run without a terminal, and --output json, each in its own JVM. */
class RunsShowCliTest {
  @TempDir Path dir;

  @Test
  void runsListsRunsAndShowTellsWhereARunStoppedAndHowToResume() throws Exception {
    String state = dir.resolve("state").toString();
    CliProcess.Result ok = CliProcess.run(dir, Map.of(), "--state-dir", state, "run",
        CliTest.EXAMPLES.resolve("hello.yaml").toString(), "-p", "who=Ada");
    assertEquals(0, ok.exit(), ok.all());
    assertTrue(ok.out().lines().allMatch(l -> l.isEmpty() || l.matches("\\d\\d:\\d\\d:\\d\\d .*|STEP .*|\\S+ +\\w+ +\\S+")),
        "plain timestamped lines, then the summary table: " + ok.out());
    assertTrue(ok.out().contains("\nSTEP "), ok.out());
    assertTrue(ok.out().matches("(?s).*\\neach\\[1\\] +succeeded +\\S+\\n.*"), ok.out());
    String first = CrashResumeTest.runIdOf(ok, dir.resolve("state"));

    CliProcess.Result waiting = CliProcess.run(dir, Map.of(), "--state-dir", state, "run",
        CliTest.EXAMPLES.resolve("approval.yaml").toString());
    assertEquals(4, waiting.exit(), waiting.all());

    CliProcess.Result runs = CliProcess.run(dir, Map.of(), "--state-dir", state, "runs");
    assertEquals(0, runs.exit(), runs.all());
    List<String> rows = runs.out().lines().toList();
    assertEquals(3, rows.size(), runs.out());
    assertTrue(rows.get(1).contains("approval") && rows.get(1).contains("waiting"), runs.out());
    assertTrue(rows.get(2).startsWith(first) && rows.get(2).contains("hello") && rows.get(2).contains("succeeded"), runs.out());
    assertEquals(2, CliProcess.run(dir, Map.of(), "--state-dir", state, "runs", "--limit", "1").out().lines().count());

    String second = rows.get(1).substring(0, 20);
    CliProcess.Result show = CliProcess.run(dir, Map.of(), "--state-dir", state, "show", second);
    assertEquals(0, show.exit(), show.all());
    assertTrue(show.out().contains("runbook approval"), show.out());
    assertTrue(show.out().contains("✓ before  core.log"), show.out());
    assertTrue(show.out().contains("? gate  core.approve"), show.out());
    assertTrue(show.out().contains("stopped at: gate"), show.out());
    assertTrue(show.out().contains("next: runbook resume " + second + " --approve gate"), show.out());

    CliProcess.Result shown = CliProcess.run(dir, Map.of(), "--state-dir", state, "show", first);
    assertTrue(shown.out().contains("outputs: {\"values\":{\"checked\":2"), shown.out());
    assertTrue(shown.out().contains("finished  ") && shown.out().contains(": succeeded"), shown.out());
    assertTrue(Files.exists(dir.resolve("state/runs").resolve(first).resolve("run.log")));

    CliProcess.Result none = CliProcess.run(dir, Map.of(), "--state-dir", state, "show", "20990101-000000-0000");
    assertEquals(2, none.exit(), none.all());
  }

  @Test
  void outputJsonPrintsOneEventPerLine() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "--state-dir", dir.resolve("state").toString(), "--output", "json",
        "run", CliTest.EXAMPLES.resolve("hello.yaml").toString(), "-p", "who=Ada");
    assertEquals(0, r.exit(), r.all());
    List<JsonNode> events = r.out().lines().map(l -> {
      try {
        return Json.MAPPER.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("not a JSON line: " + l);
      }
    }).toList();
    List<String> types = events.stream().map(e -> e.get("type").asText()).toList();
    assertEquals("run-started", types.get(types.indexOf("run-started")));
    assertTrue(types.contains("step-started") && types.contains("step-succeeded") && types.contains("run-finished"), types.toString());
    assertEquals("summary", types.get(types.size() - 1), types.toString());
    assertTrue(events.stream().anyMatch(e -> e.path("text").asText().contains("Hello, Ada.")), r.out());
  }
}

package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.journal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The global --output json: every command prints one JSON object a line, errors included, never plain text. */
class JsonOutputCliTest {
  @TempDir Path dir;

  Map<String, String> home() throws Exception {
    Path home = dir.resolve("home");
    if (!Files.isDirectory(home)) {
      Files.createDirectories(home.resolve("runbooks"));
      for (String f : List.of("hello.yaml", "plan-review.yaml")) {
        Files.copy(CliTest.EXAMPLES.resolve(f), home.resolve("runbooks").resolve(f));
      }
    }
    return Map.of("RUNBOOK_HOME", home.toString());
  }

  /** Runs {@code runbook --output json ARGS}, with the state folder in the test's folder. */
  CliProcess.Result json(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--output", "json", "--state-dir", dir.resolve("state").toString()));
    all.addAll(List.of(args));
    return CliProcess.run(dir, home(), all.toArray(String[]::new));
  }

  /** Each line of {@code text} as a JSON object; fails on a line that is not one. */
  static List<JsonNode> lines(String text) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : text.lines().toList()) {
      JsonNode n;
      try {
        n = Json.MAPPER.readTree(line);
      } catch (Exception e) {
        throw new AssertionError("not a JSON line: " + line + "\nin:\n" + text);
      }
      assertTrue(n.isObject() && n.hasNonNull("type"), "a JSON object with a type: " + line);
      out.add(n);
    }
    return out;
  }

  static List<String> types(List<JsonNode> events) {
    return events.stream().map(e -> e.get("type").asText()).toList();
  }

  @Test
  void describeListAndGraphPrintJsonLines() throws Exception {
    CliProcess.Result d = json("describe", "plan-review");
    assertEquals(0, d.exit(), d.all());
    List<JsonNode> events = lines(d.out());
    assertEquals(List.of("runbook"), types(events));
    JsonNode rb = events.get(0);
    assertEquals("plan-review", rb.get("name").asText());
    assertTrue(rb.get("params").isArray() && rb.get("params").size() > 0, d.out());
    assertTrue(rb.get("steps").get(0).has("effect"), d.out());

    CliProcess.Result l = json("list");
    assertEquals(0, l.exit(), l.all());
    List<JsonNode> listed = lines(l.out());
    assertTrue(listed.stream().anyMatch(e -> e.get("type").asText().equals("runbook")
        && e.get("name").asText().equals("hello")), l.out());
    assertTrue(listed.stream().anyMatch(e -> e.get("type").asText().equals("step-type")
        && e.get("name").asText().equals("core.exec") && e.get("effect").asText().equals("CHANGES")), l.out());

    CliProcess.Result g = json("graph", "plan-review");
    assertEquals(0, g.exit(), g.all());
    List<JsonNode> graph = lines(g.out());
    assertEquals(List.of("graph"), types(graph));
    assertTrue(graph.get(0).get("text").asText().startsWith("flowchart"), g.out());
  }

  @Test
  void runRunsAndShowPrintJsonLines() throws Exception {
    CliProcess.Result r = json("run", "hello");
    assertEquals(0, r.exit(), r.all());
    lines(r.out());
    CliProcess.Result runs = json("runs");
    assertEquals(0, runs.exit(), runs.all());
    List<JsonNode> listed = lines(runs.out());
    assertEquals(List.of("run"), types(listed));
    String id = listed.get(0).get("id").asText();
    assertEquals("succeeded", listed.get(0).get("status").asText());

    CliProcess.Result show = json("show", id);
    assertEquals(0, show.exit(), show.all());
    List<JsonNode> shown = lines(show.out());
    assertEquals("run-started", shown.get(0).get("type").asText(), show.out());
    JsonNode summary = shown.get(shown.size() - 1);
    assertEquals("summary", summary.get("type").asText());
    assertEquals("succeeded", summary.get("status").asText());
    assertTrue(summary.get("steps").size() > 0, show.out());
  }

  @Test
  void planIsOneJsonLineAndSchemaIsTheSchemaAlone() throws Exception {
    CliProcess.Result p = json("plan", "plan-review", "--offline", "--format", "markdown");
    List<JsonNode> plan = lines(p.out());
    assertEquals(List.of("plan"), types(plan), p.out());
    assertEquals("plan-review", plan.get(0).get("plan").get("runbook").get("name").asText());
    lines(p.err());

    CliProcess.Result s = json("schema");
    assertEquals(0, s.exit(), s.all());
    JsonNode schema = Json.MAPPER.readTree(s.out());
    assertTrue(schema.has("$schema"), s.out());
    assertEquals(SchemaCommand.generate(SchemaCommand.Kind.runbook,
        io.runbook.engine.registry.StepRegistry.load(Main.class.getClassLoader())), s.out(), "as it is, nothing else");
  }

  @Test
  void newAndCompletionAnswerInJson() throws Exception {
    CliProcess.Result n = json("new", "mine", "--dir", dir.resolve("rbs").toString());
    assertEquals(0, n.exit(), n.all());
    assertEquals(List.of("written", "validated"), types(lines(n.out())));

    CliProcess.Result again = json("new", "mine", "--dir", dir.resolve("rbs").toString());
    assertEquals(2, again.exit(), again.all());
    assertEquals("", again.out());
    List<JsonNode> err = lines(again.err());
    assertEquals(List.of("error"), types(err));
    assertTrue(err.get(0).get("message").asText().contains("already exists"), again.err());

    CliProcess.Result c = json("completion", "bash");
    assertEquals(2, c.exit(), c.all());
    assertEquals("", c.out());
    List<JsonNode> cerr = lines(c.err());
    assertEquals(List.of("error"), types(cerr));
    assertTrue(cerr.get(0).get("message").asText().contains("no JSON form"), c.err());
  }

  @Test
  void errorsAreOneJsonObjectOnStderrNeverAStackTrace() throws Exception {
    CliProcess.Result missing = json("describe", "no-such-runbook");
    assertEquals(2, missing.exit(), missing.all());
    assertEquals("", missing.out());
    assertEquals(List.of("error"), types(lines(missing.err())));

    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "runbook: broken\nsteps:\n  - id: a\n    use: core.log\n    with: { mesage: hi }\n");
    CliProcess.Result invalid = json("plan", broken.toString());
    assertEquals(2, invalid.exit(), invalid.all());
    List<JsonNode> problems = lines(invalid.err());
    assertEquals("problem", problems.get(0).get("type").asText(), invalid.err());
    assertEquals(5, problems.get(0).get("line").asInt());
    assertEquals("error", problems.get(problems.size() - 1).get("type").asText());

    CliProcess.Result usage = json("runs", "--limit", "many");
    assertEquals(2, usage.exit(), usage.all());
    assertEquals(List.of("error"), types(lines(usage.err())));
    assertFalse(usage.err().contains("Usage:"), usage.err());
  }

  @Test
  void sandboxStatusOfAMissingEstateIsJson() throws Exception {
    CliProcess.Result r = json("sandbox", "status", "--root", dir.resolve("no-estate").toString());
    assertEquals(1, r.exit(), r.all());
    List<JsonNode> events = lines(r.out());
    JsonNode status = events.get(events.size() - 1);
    assertEquals("status", status.get("type").asText(), r.out());
    assertFalse(status.get("ready").asBoolean());
    lines(r.err());
  }
}

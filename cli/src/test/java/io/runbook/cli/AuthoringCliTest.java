package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** describe, list, graph, schema and completion end to end, each in its own JVM. */
class AuthoringCliTest {
  @TempDir Path dir;

  Map<String, String> home() throws Exception {
    Path home = dir.resolve("home");
    if (Files.isDirectory(home)) return Map.of("RUNBOOK_HOME", home.toString());
    Files.createDirectories(home.resolve("runbooks"));
    for (String f : List.of("hello.yaml", "plan-review.yaml")) {
      Files.copy(CliTest.EXAMPLES.resolve(f), home.resolve("runbooks").resolve(f));
    }
    return Map.of("RUNBOOK_HOME", home.toString());
  }

  @Test
  void describeShowsParamsAndStepsWithEffectsAndLoadsNothingHeavy() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, home(), List.of("-Xlog:class+load=info"), "describe", "plan-review");
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("plan-review: A dry-run worth reviewing"), r.out());
    assertTrue(r.out().contains("replicas  list<string>, default [replica-1, replica-2] - replicas to relink"), r.out());
    assertTrue(r.out().contains("  newest  core.exec  READS\n"), "core.exec's effect comes from its with: " + r.out());
    assertTrue(r.out().contains("  clear-old  core.exec  DESTROYS  (1 precondition)"), r.out());
    assertTrue(r.out().contains("  relink  foreach ${{ params.replicas }} as replica (parallel)\n    point  core.log  READS"), r.out());
    List<String> heavy = r.out().lines()
        .filter(l -> l.contains(" com.azure.") || l.contains(" org.mariadb.") || l.contains(" com.jcraft.")
            || l.contains(" io.netty.") || l.contains(" reactor."))
        .toList();
    assertTrue(heavy.isEmpty(), "describe must stay light; loaded: " + heavy.stream().limit(10).toList());

    CliProcess.Result names = CliProcess.run(dir, home(), "describe", "plan-review", "--param-names");
    assertEquals("workdir\nreplicas\n", names.out());
  }

  @Test
  void listShowsRunbooksWithSummariesAndTheStepTypes() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, home(), "list");
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("  hello        A first runbook of core steps"), r.out());
    assertTrue(r.out().contains("  core.exec "), r.out());
    assertTrue(r.out().matches("(?s).*\n  cloud.disk.delete +DESTROYS +Delete a managed disk.*"), r.out());
    CliProcess.Result names = CliProcess.run(dir, home(), "list", "--names");
    assertEquals("hello\nplan-review\n", names.out());
  }

  @Test
  void listShowsThePartsInASectionOfTheirOwnAndDescribeFindsThemByName() throws Exception {
    Map<String, String> env = home();
    Path parts = Path.of(env.get("RUNBOOK_HOME"), "runbooks", "parts");
    Files.createDirectories(parts);
    Files.copy(CliTest.EXAMPLES.resolve("../parts/safe-stop.yaml"), parts.resolve("safe-stop.yaml"));
    CliProcess.Result r = CliProcess.run(dir, env, "list");
    assertEquals(0, r.exit(), r.all());
    int runbooks = r.out().indexOf("  hello ");
    int section = r.out().indexOf("Parts (called from runbooks with use: runbook; docs/runbooks/parts.md):\n");
    int part = r.out().indexOf("  safe-stop    Stop a MariaDB server without losing a committed transaction");
    int types = r.out().indexOf("Step types:");
    assertTrue(runbooks >= 0 && runbooks < section && section < part && part < types, r.out());
    assertEquals("hello\nplan-review\n", CliProcess.run(dir, env, "list", "--names").out(), "parts are not offered to run");

    CliProcess.Result d = CliProcess.run(dir, env, "describe", "safe-stop");
    assertEquals(0, d.exit(), d.all());
    assertTrue(d.out().matches("(?s).*\n +graceful +bool, default true - .*"), d.out());
  }

  @Test
  void graphPrintsAMermaidFlowchart() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, home(), "graph", "plan-review");
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().startsWith("flowchart TD\n"), r.out());
    assertTrue(r.out().contains("subgraph g4[\"foreach relink: replica in params.replicas (parallel)\"]"), r.out());
    assertTrue(r.out().contains("class s3 destroys"), r.out());
  }

  @Test
  void schemaPrintsTheCheckedInSchemas() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "schema", "inventory");
    assertEquals(0, r.exit(), r.all());
    assertEquals(Files.readString(SchemaTest.ROOT.resolve("schemas/inventory.schema.json")), r.out());
  }

  @Test
  void bashCompletionOffersVerbsRunbookNamesAndParamNames() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "completion", "bash");
    assertEquals(0, r.exit(), r.all());
    Path script = dir.resolve("runbook-completion.bash");
    Files.writeString(script, r.out());
    // A stand-in for the runbook command answers the questions the script asks; the real answers are tested above.
    String probe = """
        runbook() {
          case "$*" in
            "list --names") printf 'hello\\nplan-review\\n' ;;
            "describe plan-review --param-names") printf 'workdir\\nreplicas\\n' ;;
          esac
        }
        source "$1"
        complete_at() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _runbook_dynamic; echo "${COMPREPLY[*]}"; }
        echo "verbs: $(complete_at runbook pl)"
        echo "names: $(complete_at runbook plan pl)"
        echo "params: $(complete_at runbook run plan-review -p re)"
        """;
    Path probeFile = dir.resolve("probe.bash");
    Files.writeString(probeFile, probe);
    Process p = new ProcessBuilder("bash", probeFile.toString(), script.toString()).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("verbs: plan"), out);
    assertTrue(out.contains("names: plan-review"), out);
    assertTrue(out.contains("params: replicas="), out);
  }

  @Test
  void validateWithOutputJsonPrintsOneProblemPerLine() throws Exception {
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "runbook: broken\nsteps:\n  - id: a\n    use: core.log\n    with: { mesage: \"say \\\"hi\\\"\" }\n");
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "--output", "json", "validate", broken.toString());
    assertEquals(2, r.exit(), r.all());
    List<com.fasterxml.jackson.databind.JsonNode> events = new java.util.ArrayList<>();
    for (String line : r.out().lines().toList()) events.add(io.runbook.engine.journal.Json.MAPPER.readTree(line));
    com.fasterxml.jackson.databind.JsonNode first = events.get(0);
    assertEquals("problem", first.get("type").asText());
    assertEquals(broken.toString(), first.get("file").asText());
    assertEquals(5, first.get("line").asInt());
    assertTrue(events.stream().anyMatch(e -> e.path("message").asText().contains("mesage")), r.out());
    assertEquals("summary", events.get(events.size() - 1).get("type").asText());
    assertEquals(events.size() - 1, events.get(events.size() - 1).get("problems").asInt());
  }
}

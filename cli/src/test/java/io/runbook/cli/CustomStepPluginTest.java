package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepType;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped plugin example for real: examples/custom-step is built by Maven (offline, its own test included)
 * against this build's engine, installed into a temporary local repository, never ~/.m2; its jar is then used
 * from a runbook with --plugin and from the state folder's plugins/.
 */
class CustomStepPluginTest {
  static final Path EXAMPLE = Path.of("..", "examples", "custom-step").toAbsolutePath().normalize();

  @TempDir static Path build;
  static Path pluginJar;

  static final String RUNBOOK = """
      runbook: uses-a-plugin
      params:
        out: { type: string }
      steps:
        - id: first
          use: team.file.append
          with: { path: "${{ params.out }}", line: one }
        - id: second
          use: team.file.append
          with: { path: "${{ params.out }}", line: "two after ${{ steps.first.lines }}" }
      """;

  @BeforeAll
  static void buildTheExample() throws Exception {
    Path engineJar = engineJar(build);
    Path repo = build.resolve("repo");
    Path settings = build.resolve("settings.xml");
    // The temporary repository gets Maven's plugins from the shared one, read as a file mirror (offline allows file:).
    Files.writeString(settings, "<settings><mirrors><mirror><id>shared</id><mirrorOf>*</mirrorOf><url>"
        + sharedRepository().toUri() + "</url></mirror></mirrors></settings>");
    List<String> common = List.of("-o", "-q", "-B", "-s", settings.toString(), "-Dmaven.repo.local=" + repo,
        "-Daether.offline.protocols=file");
    // The engine is laid into the temporary repository as an install would lay it (jar + a pom of its own: the one
    // inside a packaged engine jar names the reactor's parent, which is not installed). No Maven plugin does it, so
    // the test also works offline on a fresh machine whose repository never saw maven-install-plugin.
    Path coordinates = repo.resolve("io/runbook/runbook-engine/0.1.0-SNAPSHOT");
    Files.createDirectories(coordinates);
    Files.copy(engineJar, coordinates.resolve("runbook-engine-0.1.0-SNAPSHOT.jar"));
    Files.writeString(coordinates.resolve("runbook-engine-0.1.0-SNAPSHOT.pom"), "<project><modelVersion>4.0.0</modelVersion>"
        + "<groupId>io.runbook</groupId><artifactId>runbook-engine</artifactId><version>0.1.0-SNAPSHOT</version>"
        + "</project>");
    Path project = build.resolve("custom-step");
    copy(EXAMPLE, project);
    mvn(project, common, "package");
    pluginJar = project.resolve("target/custom-step-1.0.0.jar");
    assertTrue(Files.isRegularFile(pluginJar), "the example builds its jar");
    assertTrue(Files.isRegularFile(project.resolve("target/surefire-reports/TEST-com.example.runbook.FileAppendTest.xml")),
        "the example's own test ran");
  }

  @Test
  void aRunbookUsesThePluginsStepTypeGivenWithPlugin() throws Exception {
    Path rb = Files.writeString(build.resolve("uses.yaml"), RUNBOOK);
    Path out = build.resolve("out-1.txt");
    CliProcess.Result r = CliProcess.run(build, Map.of(), "--plugin", pluginJar.toString(),
        "--state-dir", build.resolve("state-1").toString(), "run", rb.toString(), "-p", "out=" + out);
    assertEquals(0, r.exit(), r.all());
    assertEquals(List.of("one", "two after 1"), Files.readAllLines(out));
    assertTrue(r.out().contains("-> first (team.file.append)"), r.out());
  }

  @Test
  void thePluginsFolderOfTheStateDirIsLoadedAndABrokenJarIsOnlyAWarning() throws Exception {
    Path state = build.resolve("state-2");
    Files.createDirectories(state.resolve("plugins"));
    Files.copy(pluginJar, state.resolve("plugins/custom-step.jar"));
    Files.writeString(state.resolve("plugins/broken.jar"), "not a jar");
    Path rb = Files.writeString(build.resolve("uses.yaml"), RUNBOOK);
    Path out = build.resolve("out-2.txt");
    CliProcess.Result r = CliProcess.run(build, Map.of(), "--state-dir", state.toString(), "run", rb.toString(),
        "-p", "out=" + out);
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.err().contains("warning: plugin broken.jar: "), r.all());
    assertFalse(r.all().contains("\tat "), r.all());
    assertEquals(List.of("one", "two after 1"), Files.readAllLines(out));
  }

  @Test
  void thePluginsStepTypeIsValidatedLikeABuiltIn() throws Exception {
    Path rb = Files.writeString(build.resolve("typo.yaml"), RUNBOOK.replace("line: one", "lines: one")
        .replace("steps.first.lines", "steps.first.line"));
    CliProcess.Result r = CliProcess.run(build, Map.of(), "--plugin", pluginJar.toString(), "validate", rb.toString());
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.out().contains("typo.yaml:7:") && r.out().contains("unknown input 'lines' (did you mean 'line'?)"),
        r.out());
    assertTrue(r.out().contains("typo.yaml:7:") && r.out().contains("missing required input 'line' (The line to append)"),
        r.out());
    assertTrue(r.out().contains("typo.yaml:10:") && r.out().contains("has no field 'line'"), r.out());

    CliProcess.Result without = CliProcess.run(build, Map.of(), "validate", rb.toString());
    assertTrue(without.out().contains("unknown step type 'team.file.append'"), without.out());
  }

  /**
   * {@code runbook drill} loads plugins as run and validate do: a runbook of the plugin's step type is validated,
   * run on a fresh estate and verified; with {@code --output json} everything it prints is JSON lines, and the
   * report is one {@code drill} event (docs/json-output.md).
   */
  @Test
  void drillLoadsThePluginAndReportsAsJson() throws Exception {
    Path out = build.resolve("out-drill.txt");
    Path rb = Files.writeString(build.resolve("drill-uses.yaml"), RUNBOOK + """
        verify:
          - that: ${{ steps.second.lines == 2 }}
            because: the plugin's step appended both lines
          - sql: SELECT @@global.read_only
            on: primary
            expect: 0
            because: the estate's primary takes writes
          - that: ${{ steps.first.lines == 5 }}
            because: a check that cannot hold
        """);
    Path root = build.resolve("drill-estate");
    Path stdout = build.resolve("drill.out");
    Path stderr = build.resolve("drill.err");
    Process p = CliProcess.builder(build, Map.of(), List.of("--output", "json", "--state-dir", build.resolve("state-3").toString(),
            "drill", rb.toString(), "--plugin", pluginJar.toString(), "--replicas", "0", "--root", root.toString(),
            "-p", "out=" + out))
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).redirectInput(new File("/dev/null")).start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("runbook drill did not end in 300 s");
    }
    String o = Files.readString(stdout);
    String e = Files.readString(stderr);
    assertEquals(1, p.exitValue(), o + e);
    assertEquals(List.of("one", "two after 1"), Files.readAllLines(out), "the plugin's step ran in the drill");
    assertFalse(Files.exists(root), "the estate is torn down");
    var events = JsonOutputCliTest.lines(o);
    JsonOutputCliTest.lines(e);
    assertFalse(e.contains("unknown step type"), e);
    List<String> types = JsonOutputCliTest.types(events);
    assertTrue(types.contains("progress"), "the estate's build as progress events: " + types);
    assertEquals(1, types.stream().filter("drill"::equals).count(), "one report: " + types);
    assertTrue(types.contains("run-started") && types.indexOf("run-finished") < types.indexOf("drill"),
        "the run's journal records, then the report (the teardown's progress follows it): " + types);
    var report = events.get(types.indexOf("drill"));
    assertEquals("uses-a-plugin", report.get("runbook").asText());
    assertFalse(report.get("passed").asBoolean(), report.toString());
    assertEquals("succeeded", report.get("run").get("status").asText(), report.toString());
    assertEquals(1, report.get("failed").asInt(), report.toString());
    var checks = report.get("checks");
    assertEquals(3, checks.size(), report.toString());
    assertEquals("the plugin's step appended both lines", checks.get(0).get("because").asText());
    assertTrue(checks.get(0).get("passed").asBoolean(), report.toString());
    assertTrue(checks.get(1).get("passed").asBoolean(), report.toString());
    assertEquals("SELECT @@global.read_only on primary = 0", checks.get(1).get("check").asText());
    assertFalse(checks.get(2).get("passed").asBoolean(), report.toString());
    assertEquals("it is false", checks.get(2).get("detail").asText(), report.toString());
    assertEquals(List.of("estate", "run", "verify"),
        java.util.stream.StreamSupport.stream(report.get("phases").spliterator(), false).map(n -> n.get("phase").asText()).toList());
    assertTrue(report.get("dataLossWindow").isArray() && report.get("dataLossWindow").isEmpty(), report.toString());
    assertTrue(report.get("verdict").asText().startsWith("DRILL FAILED: 1 of 3 check(s) failed"), report.toString());
  }

  /** The engine as a jar: the reactor's jar when it was packaged, else its classes packed here. */
  static Path engineJar(Path dir) throws Exception {
    Path where = Path.of(StepType.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isRegularFile(where)) return where;
    Path jar = dir.resolve("runbook-engine.jar");
    var tool = java.util.spi.ToolProvider.findFirst("jar").orElseThrow();
    assertEquals(0, tool.run(System.out, System.err, "cf", jar.toString(), "-C", where.toString(), "."));
    return jar;
  }

  static Path sharedRepository() {
    String configured = System.getProperty("runbook.test.localRepository");
    return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  static void mvn(Path workDir, List<String> common, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("mvn");
    cmd.addAll(common);
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(build, "mvn", ".log");
    Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).redirectInput(new File("/dev/null")).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not end in 120 s");
    }
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + Files.readString(log, StandardCharsets.UTF_8));
  }

  static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.filter(f -> !from.relativize(f).startsWith("target")).toList()) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) Files.createDirectories(t);
        else Files.copy(f, t);
      }
    }
  }
}

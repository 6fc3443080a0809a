package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input guarantee at the command line: every file of the broken corpus ({@code engine/src/test/resources/
 * broken}, the one corpus; its header comments say which problems it must produce) goes through {@code validate},
 * {@code plan} and {@code run} of the real {@link Main}, and each ends with exit 2, exactly the expected problems at
 * {@code file:line:col} (or naming the parameter, for {@code -p}), no stack trace or exception class name, and
 * nothing run: the {@code test.touch} steps in the corpus leave no marker file, and the state folder stays empty.
 * The engine's test step types (test.note, test.touch, ...) are given to the CLI as a plugin jar, exactly as a team
 * adds its own.
 */
class BadInputCliTest {
  static final Path ENGINE_TESTS = Path.of("..", "engine", "src", "test", "resources").toAbsolutePath().normalize();
  static final Path CORPUS = ENGINE_TESTS.resolve("broken");
  static final Path VALID = ENGINE_TESTS.resolve("valid");
  static final Path INVENTORY = VALID.resolve("inventory.yaml");
  static final Path TEST_TYPES = Path.of("..", "engine", "target", "test-classes").toAbsolutePath().normalize();
  static final String MARKERS = "runbook.test.markers";
  /** A Java class name ending in Exception or Error (e.g. NoSuchFileException), or a stack frame. */
  static final Pattern LEAK = Pattern.compile("\\b[A-Z][A-Za-z]*(Exception|Error)\\b|\\tat |\\n\\s+at [a-z]");

  @TempDir static Path shared;
  static Path plugin;

  @TempDir Path dir;

  /** One command line and what it printed. */
  record Outcome(List<String> args, int exit, String out, String err) {
    String all() { return "runbook " + String.join(" ", args) + "\n--- stdout\n" + out + "--- stderr\n" + err; }
  }

  @BeforeAll
  static void testTypesAsAPlugin() throws IOException {
    Path classes = TEST_TYPES.resolve("io/runbook/engine/testtypes");
    assertTrue(Files.isDirectory(classes), "the engine's test classes are missing; build through the reactor: "
        + "mvn -pl cli -am test");
    plugin = shared.resolve("engine-test-types.jar");
    List<String> types = new ArrayList<>();
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plugin)); Stream<Path> files = Files.list(classes)) {
      for (Path c : files.sorted().toList()) {
        String entry = "io/runbook/engine/testtypes/" + c.getFileName();
        jar.putNextEntry(new JarEntry(entry));
        jar.write(Files.readAllBytes(c));
        jar.closeEntry();
        String name = c.getFileName().toString();
        if (!name.contains("$")) types.add("io.runbook.engine.testtypes." + name.replace(".class", ""));
      }
      jar.putNextEntry(new JarEntry("META-INF/services/io.runbook.engine.spi.StepType"));
      jar.write(String.join("\n", types).getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
  }

  static Stream<Path> corpus() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void everyCommandRefusesWithTheProblemsAndRunsNothing(Path file) throws Exception {
    List<String> header = BrokenHeader.of(file);
    String name = file.getFileName().toString();
    List<List<String>> commands = new ArrayList<>();
    if (name.startsWith("params-")) {
      // A params file belongs to a (valid) runbook: there is nothing for validate to check.
      List<String> given = new ArrayList<>(List.of(VALID.resolve(BrokenHeader.value(header, "runbook")).toString(),
          "-i", INVENTORY.toString(), "--params-file", file.toString()));
      for (String kv : BrokenHeader.values(header, "cli")) given.addAll(List.of("-p", kv));
      commands.add(concat(List.of("plan"), given));
      commands.add(concat(List.of("run", "--yes"), given));
    } else if (name.startsWith("inventory-")) {
      commands.add(List.of("validate", file.toString()));
      commands.add(List.of("plan", VALID.resolve("restore.yaml").toString(), "-i", file.toString()));
      commands.add(List.of("run", "--yes", VALID.resolve("restore.yaml").toString(), "-i", file.toString()));
    } else {
      commands.addAll(runbookCommands(file));
    }
    for (List<String> args : commands) {
      // A file validate cannot classify (a bare list) gets validate's own message, given as '# validate:'.
      List<String> validateSays = BrokenHeader.values(header, "validate");
      List<String> expected = args.get(0).equals("validate") && !validateSays.isEmpty()
          ? validateSays : BrokenHeader.expected(header, file);
      Outcome o = cli(args);
      assertRefused(o);
      List<String> problems = problemLines(o, file);
      for (String e : expected) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(e.substring(0, e.indexOf(' ')) + " ")
            && p.contains(e.substring(e.indexOf(' ') + 1))), "expected '" + e + "' in\n" + o.all());
      }
      assertEquals(expected.size(), problems.size(), "exactly the expected problems:\n" + o.all());
      for (String absent : BrokenHeader.values(header, "absent")) {
        assertFalse(o.out().contains(absent) || o.err().contains(absent), "'" + absent + "' printed:\n" + o.all());
      }
    }
  }

  /** The control: the same set-up does see a step that runs, so the empty marker folder above means something. */
  @Test
  void aValidRunbookDoesTouchItsMarkersWhenPlannedAndRun() throws Exception {
    Path runbook = VALID.resolve("touch-params.yaml");
    Outcome plan = cli(List.of("plan", runbook.toString(), "-i", INVENTORY.toString(), "-p", "primary=db1"));
    assertEquals(0, plan.exit(), plan.all());
    // A run reads the inventory's secrets before its first step: here from a file instead of unset variables.
    Path secret = Files.writeString(dir.resolve("secret"), "control-secret\n");
    Path inventory = Files.writeString(dir.resolve("inventory.yaml"), Files.readString(INVENTORY)
        .replace("env:AZ_SECRET", "file:" + secret).replace("env:DB1_PASSWORD", "file:" + secret));
    Outcome run = cli(List.of("run", "--yes", runbook.toString(), "-i", inventory.toString(), "-p", "primary=db1",
        "-p", "label=control"));
    assertEquals(0, run.exit(), run.all());
    try (Stream<Path> m = Files.list(dir.resolve("markers"))) {
      assertEquals(List.of("params-control.ran", "params-nightly.planned"),
          m.map(p -> p.getFileName().toString()).sorted().toList());
    }
    try (Stream<Path> runs = Files.list(dir.resolve("state/runs"))) {
      assertEquals(1, runs.count());
    }
  }

  @Test
  void aHugeFileIsRefusedBeforeParsingAndALongOneReportsItsProblemAtTheEnd() throws Exception {
    // Over the 2 MiB limit: refused at 1:1 without reading it as YAML.
    Path huge = dir.resolve("huge.yaml");
    StringBuilder b = new StringBuilder("runbook: huge\nsteps:\n  - { id: touch, use: test.touch, with: { marker: huge } }\n");
    while (b.length() <= 2 * 1024 * 1024) b.append("# padding padding padding padding padding padding padding padding\n");
    Files.writeString(huge, b);
    for (List<String> args : runbookCommands(huge)) {
      Outcome o = cli(args);
      assertRefused(o);
      assertEquals(List.of("1:1 file is larger than 2048 KiB; a runbook or inventory is never that big"),
          problemLines(o, huge), o.all());
    }
    // Under it but long: 5,000 steps that would each touch a marker, and one typo in the last.
    Path longOne = dir.resolve("long.yaml");
    b = new StringBuilder("runbook: long\nsteps:\n");
    int steps = 5_000;
    for (int i = 0; i < steps - 1; i++) b.append("  - { id: s").append(i).append(", use: test.touch, with: { marker: m").append(i).append(" } }\n");
    b.append("  - { id: last, use: test.touch, with: { marker: \"${{ params.nosuch }}\" } }\n");
    Files.writeString(longOne, b);
    for (List<String> args : runbookCommands(longOne)) {
      Outcome o = cli(args);
      assertRefused(o);
      List<String> problems = problemLines(o, longOne);
      assertEquals(1, problems.size(), o.all());
      assertTrue(problems.get(0).startsWith((steps + 2) + ":") && problems.get(0).contains("'params' has no field 'nosuch'"),
          problems.toString());
    }
  }

  @Test
  void missingFilesAndMalformedOptionsAreNamedNeverThrown() throws Exception {
    Path runbook = VALID.resolve("touch-params.yaml");
    Path nowhere = dir.resolve("nowhere");
    Outcome noRunbook = cli(List.of("run", "--yes", nowhere.resolve("rb.yaml").toString(), "-i", INVENTORY.toString()));
    assertRefused(noRunbook);
    assertTrue(noRunbook.err().contains("no runbook '" + nowhere.resolve("rb.yaml") + "'"), noRunbook.all());

    Outcome noInventory = cli(List.of("plan", runbook.toString(), "-i", nowhere.resolve("inv.yaml").toString(), "-p", "primary=db1"));
    assertRefused(noInventory);
    assertTrue(noInventory.err().contains(nowhere.resolve("inv.yaml") + ": cannot read the file: no such file"),
        noInventory.all());

    Outcome noParams = cli(List.of("run", "--yes", runbook.toString(), "-i", INVENTORY.toString(), "--params-file",
        nowhere.resolve("params.yaml").toString()));
    assertRefused(noParams);
    assertTrue(noParams.err().contains(nowhere.resolve("params.yaml") + ": cannot read the file: no such file"),
        noParams.all());

    Outcome folderAsParams = cli(List.of("run", "--yes", runbook.toString(), "-i", INVENTORY.toString(), "--params-file",
        dir.toString(), "-p", "primary=db1"));
    assertRefused(folderAsParams);
    assertTrue(folderAsParams.err().contains(dir + ": cannot read the file: "), folderAsParams.all());

    Outcome notAFile = cli(List.of("validate", nowhere.toString()));
    assertRefused(notAFile);
    assertTrue(notAFile.out().contains(nowhere + ": no such file or folder"), notAFile.all());

    Outcome noEquals = cli(List.of("run", "--yes", runbook.toString(), "-i", INVENTORY.toString(), "-p", "primary"));
    assertRefused(noEquals);
    assertTrue(noEquals.err().contains("primary"), noEquals.all());

    Outcome emptyName = cli(List.of("plan", runbook.toString(), "-i", INVENTORY.toString(), "-p", "=db1", "-p", "primary=db1"));
    assertRefused(emptyName);
    assertTrue(emptyName.err().contains("command line: parameter ''"), emptyName.all());
  }

  @Test
  void commandLineParameterProblemsSayTheyComeFromTheCommandLineAndADuplicateIsRefused() throws Exception {
    String runbook = VALID.resolve("touch-params.yaml").toString();
    Outcome missing = cli(List.of("run", "--yes", runbook, "-i", INVENTORY.toString()));
    assertRefused(missing);
    assertTrue(missing.err().contains("command line: parameter 'primary' is required (host): pass -p primary=..."),
        missing.all());

    Path empty = Files.writeString(dir.resolve("empty-params.yaml"), "");
    Outcome emptyFile = cli(List.of("plan", runbook, "-i", INVENTORY.toString(), "--params-file", empty.toString()));
    assertRefused(emptyFile);
    assertTrue(emptyFile.err().contains(empty + ": parameter 'primary' is required (host): add primary: ... to it or"
        + " pass -p primary=..."), emptyFile.all());

    Outcome twice = cli(List.of("run", "--yes", runbook, "-i", INVENTORY.toString(), "-p", "primary=db1",
        "-p", "label=first", "-p", "label=second"));
    assertRefused(twice);
    assertTrue(twice.err().contains("command line: parameter 'label' is given twice with -p; give it once"), twice.all());
    assertFalse(twice.err().contains("second"), "the values are not echoed:\n" + twice.all());

    Outcome json = cli(List.of("--output", "json", "plan", runbook, "-i", INVENTORY.toString(), "-p", "nosuch=1"));
    assertRefused(json);
    assertTrue(json.err().contains("{\"type\":\"problem\",\"file\":\"command line\",\"line\":0,\"col\":0,"
        + "\"message\":\"parameter 'nosuch' is not declared"), json.all());
  }

  @Test
  void validateOfAFolderWithoutRunbooksIsRefused() throws Exception {
    Path emptyDir = Files.createDirectories(dir.resolve("no-runbooks"));
    Files.writeString(emptyDir.resolve("notes.txt"), "not yaml");
    Outcome o = cli(List.of("validate", emptyDir.toString()));
    assertRefused(o);
    assertTrue(o.out().contains(emptyDir + ": no runbook or inventory files in this folder"), o.all());
  }

  @Test
  void inJsonFormEveryProblemIsAnObjectWithItsPosition() throws Exception {
    for (String name : List.of("many-errors.yaml", "yaml-syntax.yaml", "not-utf8.yaml", "control-character.yaml")) {
      Path file = CORPUS.resolve(name);
      for (List<String> args : runbookCommands(file)) {
        Outcome o = cli(concat(List.of("--output", "json"), args));
        assertRefused(o);
        List<String> lines = (o.out() + o.err()).lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"type\":\"") && l.endsWith("}")), o.all());
        long problems = lines.stream().filter(l -> l.startsWith("{\"type\":\"problem\",\"file\":\"" + file + "\",\"line\":")
            && !l.contains("\"line\":0,")).count();
        assertEquals(BrokenHeader.expected(BrokenHeader.of(file), file).size(), problems, o.all());
      }
    }
  }

  /** A child JVM, as an operator's shell starts it (same Main as the shaded jar): a sample of the corpus. */
  /**
   * A literal on: host is checked before anything runs wherever the hosts are known: without an inventory plan and
   * run refuse naming the step and its on: (a test.touch needs no host by type, so nothing else would stop it); with
   * an inventory that has no hosts the problem says so instead of listing none.
   */
  @Test
  void aLiteralOnHostIsRefusedBeforeAnythingRunsWithoutAnInventoryOrWithAnEmptyOne() throws Exception {
    Path rb = Files.writeString(dir.resolve("on-literal.yaml"), """
        runbook: on-literal
        steps:
          - id: first
            use: test.touch
            with: { marker: first }
          - id: second
            use: test.touch
            on: db9
            with: { marker: second }
        """);
    String noInventory = "steps second (test.touch, on: db9 at " + rb + ":8:9) need hosts or a cloud: give an"
        + " inventory with -i FILE";
    for (List<String> args : List.of(List.of("plan", rb.toString()), List.of("run", "--yes", rb.toString()))) {
      Outcome o = cli(args);
      assertRefused(o);
      assertTrue(o.err().contains(noInventory), o.all());
      assertFalse(o.all().contains("known hosts"), o.all());
    }
    Path empty = Files.writeString(dir.resolve("no-hosts.yaml"), """
        inventory: empty
        cloud: { provider: sandbox, root: %s }
        hosts: {}
        """.formatted(dir.resolve("sandbox")));
    for (List<String> args : List.of(List.of("validate", "-i", empty.toString(), rb.toString()),
        List.of("plan", rb.toString(), "-i", empty.toString()), List.of("run", "--yes", rb.toString(), "-i", empty.toString()))) {
      Outcome o = cli(args);
      assertRefused(o);
      assertEquals(List.of("8:9 step 'second': host 'db9' is not in inventory 'empty'; the inventory has no hosts"),
          problemLines(o, rb), o.all());
      assertFalse(o.all().contains("known hosts"), o.all());
    }
  }

  /**
   * An on: expression: when its value is known while planning and names no host, the plan shows it as a problem at
   * the on: with the host and the known hosts, and exits 2 (the run would stop there after the steps before it ran);
   * the run, which evaluates it when the step is reached, fails that step naming the host.
   */
  @Test
  void anOnExpressionThatNamesNoHostIsAPlanProblemAndFailsItsStepInARun() throws Exception {
    Path rb = Files.writeString(dir.resolve("on-expression.yaml"), """
        runbook: on-expression
        params:
          h: { type: string, default: db9 }
        steps:
          - id: first
            use: test.touch
            with: { marker: first }
          - id: second
            use: test.touch
            on: ${{ params.h }}
            with: { marker: second }
        """);
    String names = "on: ${{ params.h }}: host 'db9' is not in inventory 'staging' (did you mean 'db1'?);"
        + " known hosts: db1, db2";
    Outcome plan = cli(List.of("plan", rb.toString(), "-i", INVENTORY.toString()));
    assertEquals(2, plan.exit(), plan.all());
    assertTrue(plan.all().contains(rb + ":10:9: step 'second': " + names), plan.all());
    Path secret = Files.writeString(dir.resolve("secret"), "control-secret\n");
    Path inventory = Files.writeString(dir.resolve("inventory.yaml"), Files.readString(INVENTORY)
        .replace("env:AZ_SECRET", "file:" + secret).replace("env:DB1_PASSWORD", "file:" + secret));
    Outcome run = cli(List.of("run", "--yes", rb.toString(), "-i", inventory.toString()));
    assertEquals(1, run.exit(), run.all());
    assertTrue(run.all().contains("step second: " + names), run.all());
    assertTrue(Files.exists(dir.resolve("markers/first.ran")), "the step before it ran");
    assertFalse(Files.exists(dir.resolve("markers/second.ran")));
  }

  @Test
  void aSampleRefusesTheSameWayInItsOwnProcess() throws Exception {
    Path markers = Files.createDirectories(dir.resolve("markers"));
    for (String name : List.of("touch-expression-typos.yaml", "not-utf8.yaml")) {
      Path file = CORPUS.resolve(name);
      for (List<String> args : runbookCommands(file)) {
        List<String> full = concat(List.of("--state-dir", dir.resolve("state").toString(), "--plugin", plugin.toString()), args);
        CliProcess.Result r = CliProcess.run(dir, Map.of(), List.of("-D" + MARKERS + "=" + markers),
            full.toArray(String[]::new));
        Outcome o = new Outcome(args, r.exit(), r.out(), r.err());
        assertRefused(o);
        assertEquals(BrokenHeader.expected(BrokenHeader.of(file), file).size(), problemLines(o, file).size(), o.all());
      }
    }
  }

  static List<List<String>> runbookCommands(Path file) {
    return List.of(List.of("validate", "-i", INVENTORY.toString(), file.toString()),
        List.of("plan", file.toString(), "-i", INVENTORY.toString()),
        List.of("run", "--yes", file.toString(), "-i", INVENTORY.toString()));
  }

  /** Runs the CLI in this JVM, through the same {@link Main#run} the jar's main calls, with the test types as a plugin. */
  Outcome cli(List<String> args) throws IOException {
    Path markers = Files.createDirectories(dir.resolve("markers"));
    List<String> full = concat(List.of("--state-dir", dir.resolve("state").toString(), "--plugin", plugin.toString()), args);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String before = System.getProperty(MARKERS);
    System.setProperty(MARKERS, markers.toString());
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = Main.run(full.toArray(String[]::new), o, e);
    } finally {
      if (before == null) System.clearProperty(MARKERS);
      else System.setProperty(MARKERS, before);
    }
    return new Outcome(args, exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Exit 2, no exception or stack trace, no step planned or run, nothing left in the state folder. */
  void assertRefused(Outcome o) throws IOException {
    assertEquals(2, o.exit(), o.all());
    Matcher leak = LEAK.matcher(o.out() + o.err());
    assertFalse(leak.find(), "'" + (leak.hitEnd() ? "" : leak.group()) + "' on the console:\n" + o.all());
    assertFalse((o.out() + o.err()).contains("internal error"), o.all());
    try (Stream<Path> m = Files.list(dir.resolve("markers"))) {
      assertEquals(List.of(), m.map(p -> p.getFileName().toString()).toList(), "a step was planned or run:\n" + o.all());
    }
    Path state = dir.resolve("state");
    if (Files.exists(state)) {
      try (Stream<Path> s = Files.walk(state)) {
        assertEquals(List.of(), s.filter(Files::isRegularFile).map(Path::toString).toList(),
            "a refused command leaves no run, journal, lock or error log:\n" + o.all());
      }
    }
  }

  /**
   * The problem lines a command printed about {@code file} (or a {@code -p} value), as "line:col message": validate
   * prints them on stdout, plan and run on stderr, in the same {@code file:line:col: message} form.
   */
  static List<String> problemLines(Outcome o, Path file) {
    List<String> out = new ArrayList<>();
    // A problem at no line (a whole file, the command line) prints as "SOURCE: message": counted as 0:0.
    Pattern p = Pattern.compile("^(?:" + Pattern.quote(file.toString()) + "(?::(\\d+):(\\d+))?|command line): (.*)$");
    for (String line : (o.out() + o.err()).lines().toList()) {
      Matcher m = p.matcher(line);
      if (m.matches()) out.add((m.group(1) == null ? "0:0" : m.group(1) + ":" + m.group(2)) + " " + m.group(3));
    }
    return out;
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}

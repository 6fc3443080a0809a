package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.journal.JournalWriter;
import io.runbook.engine.registry.StepRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What commands say about an argument that is not what they need: what it is and why it does not do, with the next
 * thing to try; never an empty answer, never only a path without the reason.
 */
class CommandMessagesCliTest {
  static final String HELLO = CliTest.EXAMPLES.resolve("hello.yaml").toString();

  @TempDir Path dir;

  record Out(int exit, String out, String err) {
    String all() { return "--- stdout\n" + out + "--- stderr\n" + err; }
  }

  /** {@code runbook --state-dir STATE ARGS} in this JVM, through {@link Main#run} as the jar's main does. */
  Out cli(Path state, String... args) {
    List<String> all = new ArrayList<>(List.of("--state-dir", state.toString()));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = Main.run(all.toArray(String[]::new), o, e);
    }
    return new Out(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Out cli(String... args) { return cli(dir.resolve("state"), args); }

  @Test
  void aFolderGivenForAFileIsCalledAFolder() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("somedir.yaml"));
    Out run = cli("run", folder.toString());
    assertEquals(2, run.exit(), run.all());
    assertTrue(run.err().contains("no runbook '" + folder + "': it is a directory, not a runbook file"), run.all());

    Out plugin = cli("--plugin", dir.toString(), "validate", HELLO);
    assertEquals(0, plugin.exit(), plugin.all());
    assertTrue(plugin.err().contains(dir + " is a directory, not a jar; the plugin is not loaded"), plugin.all());
    assertFalse(plugin.err().contains("no such file"), plugin.all());
  }

  @Test
  void describeShowsAStepTypeAndSuggestsTheNearestForAMisspeltOne() {
    Out type = cli("describe", "core.log");
    assertEquals(0, type.exit(), type.all());
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    assertEquals(StepDocs.page(registry.find("core.log").orElseThrow()), type.out());

    Out typo = cli("describe", "core.logg");
    assertEquals(2, typo.exit(), typo.all());
    assertTrue(typo.err().contains("no runbook 'core.logg'") && typo.err().contains(
        "did you mean the step type core.log? runbook describe core.log"), typo.all());

    Out runbookTypo = cli("describe", "hellp");
    assertEquals(2, runbookTypo.exit(), runbookTypo.all());
    assertFalse(runbookTypo.err().contains("step type"), "a runbook name is not a step type: " + runbookTypo.all());
  }

  @Test
  void runsRefusesALimitBelowOne() {
    for (String limit : List.of("-1", "0")) {
      Out r = cli("runs", "--limit", limit);
      assertEquals(2, r.exit(), r.all());
      assertTrue(r.err().contains("--limit must be 1 or more, not " + limit), r.all());
      assertEquals("", r.out());
    }
  }

  @Test
  void aLockOrAJournalThatCannotBeUsedSaysWhy() throws Exception {
    Path state = Files.createDirectories(dir.resolve("blocked"));
    Path locks = Files.writeString(state.resolve("locks"), "a file where the locks folder belongs\n");
    Out run = cli(state, "run", HELLO);
    assertEquals(2, run.exit(), run.all());
    assertTrue(run.err().contains("cannot take the lock run-") && run.err().contains(": " + locks + ": already exists"),
        run.all());
    assertTrue(run.err().contains("the locks folder must be a folder this user can write"), run.all());

    Path runDir = Files.createDirectories(dir.resolve("state/runs/20261125-171501-ab12"));
    Out runs = cli("runs");
    assertEquals(0, runs.exit(), runs.all());
    assertTrue(runs.out().contains("(unreadable journal: " + runDir.resolve(JournalWriter.FILE_NAME) + ": no such file)"),
        runs.all());
  }
}

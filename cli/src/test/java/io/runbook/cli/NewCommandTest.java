package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runbook new}: a skeleton that validates and runs, a renamed copy of a shipped runbook, no overwrites. */
class NewCommandTest {
  static final Path HELLO = Path.of("..", "runbooks", "examples", "hello.yaml").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void theSkeletonValidatesAndRunsAndIsNeverOverwritten() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "new", "rebuild-replica");
    assertEquals(0, r.exit(), r.all());
    Path file = dir.resolve("runbooks/rebuild-replica.yaml");
    assertTrue(r.out().contains("wrote runbooks/rebuild-replica.yaml") && r.out().contains("it validates"), r.out());
    String text = Files.readString(file);
    assertTrue(text.startsWith("# yaml-language-server: $schema="), text);
    assertTrue(text.contains("\nrunbook: rebuild-replica\n") && text.contains("\nsummary: ")
        && text.contains("\nparams:\n") && text.contains("\nsteps:\n  - id: "), text);
    assertTrue(text.contains("runbook describe") && text.contains("docs/"), text);

    CliProcess.Result run = CliProcess.run(dir, Map.of(), "--state-dir", dir.resolve("state").toString(), "run",
        "rebuild-replica");
    assertEquals(0, run.exit(), run.all());
    assertTrue(run.out().contains("starts on localhost"), run.out());

    Files.writeString(file, text + "# my edits\n");
    CliProcess.Result again = CliProcess.run(dir, Map.of(), "new", "rebuild-replica");
    assertEquals(2, again.exit(), again.all());
    assertTrue(again.err().contains("already exists"), again.all());
    assertTrue(Files.readString(file).endsWith("# my edits\n"), "the existing file is untouched");
  }

  @Test
  void fromCopiesAShippedRunbookUnderTheNewName() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("runbooks"));
    Files.copy(HELLO, home.resolve("runbooks/hello.yaml"));
    Path work = Files.createDirectories(dir.resolve("work"));
    CliProcess.Result r = CliProcess.run(work, Map.of("RUNBOOK_HOME", home.toString()), "new", "greet-team",
        "--from", "hello");
    assertEquals(0, r.exit(), r.all());
    String copy = Files.readString(work.resolve("runbooks/greet-team.yaml"));
    String original = Files.readString(HELLO);
    assertTrue(copy.contains("\nrunbook: greet-team\n") && !copy.contains("runbook: hello"), copy);
    assertTrue(copy.contains("# Copied from hello.yaml"), copy);
    assertEquals(original.substring(original.indexOf("summary:")), copy.substring(copy.indexOf("summary:")),
        "everything but the name is the original");

    CliProcess.Result unknown = CliProcess.run(work, Map.of("RUNBOOK_HOME", home.toString()), "new", "x",
        "--from", "no-such-runbook");
    assertEquals(2, unknown.exit(), unknown.all());
    assertTrue(unknown.err().contains("no runbook 'no-such-runbook' to copy"), unknown.all());
    assertTrue(Files.notExists(work.resolve("runbooks/x.yaml")));
  }

  /** A copy of a shipped runbook that calls parts by name validates: they are found in the shipped parts/. */
  @Test
  void aCopyOfAShippedRunbookCallsTheShippedPartsAndACopiedPartWins() throws Exception {
    Path home = Path.of("..").toAbsolutePath().normalize();
    Path work = Files.createDirectories(dir.resolve("work"));
    CliProcess.Result r = CliProcess.run(work, Map.of("RUNBOOK_HOME", home.toString()), "new", "my-restore",
        "--from", "dr-snapshot-restore");
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("it validates"), r.out());

    // A part copied next to the copy and changed wins over the shipped one: here it is broken, so it shows.
    Path parts = Files.createDirectories(work.resolve("runbooks/parts"));
    Files.writeString(parts.resolve("safe-stop.yaml"), Files.readString(home.resolve("runbooks/parts/safe-stop.yaml"))
        .replace("use: db.drain", "use: db.drian"));
    CliProcess.Result v = CliProcess.run(work, Map.of("RUNBOOK_HOME", home.toString()), "validate", "runbooks/my-restore.yaml");
    assertEquals(2, v.exit(), v.all());
    assertTrue(v.out().contains("runbooks/parts/safe-stop.yaml:") && v.out().contains("unknown step type 'db.drian'"),
        v.all());
  }

  @Test
  void aNameThatIsNotARunbookNameIsRefused() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "new", "../escape");
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains("is not a runbook name"), r.all());
    assertTrue(Files.notExists(dir.resolve("runbooks")));
  }
  /** A NAME that a shipped runbook or part has already is refused: run NAME would run the shipped one. */
  @Test
  void aNameThatAShippedRunbookHasIsRefused() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("runbooks/parts"));
    Files.copy(HELLO, home.resolve("runbooks/hello.yaml"));
    Files.writeString(home.resolve("runbooks/parts/greet.yaml"), "runbook: greet\nsteps:\n  - id: hi\n    use: core.log\n"
        + "    with: { message: hi }\n");
    Path work = Files.createDirectories(dir.resolve("work"));
    Map<String, String> env = Map.of("RUNBOOK_HOME", home.toString());

    CliProcess.Result shipped = CliProcess.run(work, env, "new", "hello");
    assertEquals(2, shipped.exit(), shipped.all());
    assertTrue(shipped.err().contains("there is a runbook named hello already: " + home.resolve("runbooks/hello.yaml")
        + "; runbook run hello would run that one, not runbooks/hello.yaml"), shipped.err());
    assertTrue(shipped.err().contains("runbook new my-hello --from hello"), shipped.err());
    assertFalse(Files.exists(work.resolve("runbooks/hello.yaml")), "nothing was written");

    CliProcess.Result part = CliProcess.run(work, env, "new", "greet", "--from", "hello");
    assertEquals(2, part.exit(), part.all());
    assertTrue(part.err().contains("there is a runbook named greet already: " + home.resolve("runbooks/parts/greet.yaml")),
        part.err());
    assertTrue(part.err().contains("runbook new my-greet --from hello"), part.err());
    assertFalse(Files.exists(work.resolve("runbooks/greet.yaml")), "nothing was written");
  }
}

package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/runbook's class data sharing archive, on a copy of the launcher and the shaded jar (the jar exists once the cli
 * module is packaged: in {@code mvn verify} from the root, which CI runs). The archive is written once (by a run of
 * the example hello.yaml in a throw-away state folder), used after that, written again when the jar changes, never
 * shows on stdout, and RUNBOOK_NO_CDS turns it off.
 */
class LauncherCdsTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path JAR = REPO.resolve("cli/target/runbook.jar");

  @TempDir Path home;

  private record Out(int exit, String stdout, String stderr) {}

  private Out launch(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/runbook").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new java.io.File("/dev/null"));
    pb.environment().remove("RUNBOOK_NO_CDS");
    pb.environment().remove("RUNBOOK_JAVA_OPTS");
    pb.environment().putAll(env);
    Path out = home.resolve("stdout");
    Path err = home.resolve("stderr");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    int exit = p.waitFor();
    return new Out(exit, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  /** A copy of the launcher, the jar and the example runbooks, laid out as in the repository. */
  private void install() throws Exception {
    assumeTrue(Files.isRegularFile(JAR), "needs the shaded jar: mvn verify from the root (or package the cli module)");
    Files.createDirectories(home.resolve("bin"));
    Files.copy(REPO.resolve("bin/runbook"), home.resolve("bin/runbook"));
    Files.createDirectories(home.resolve("cli/target"));
    Files.copy(JAR, home.resolve("cli/target/runbook.jar"));
    Files.createDirectories(home.resolve("runbooks"));
    new ProcessBuilder("cp", "-r", REPO.resolve("runbooks/examples").toString(), home.resolve("runbooks").toString())
        .inheritIO().start().waitFor();
  }

  @Test
  void theArchiveIsWrittenOnceUsedThenRenewedWithTheJarAndNeverPrinted() throws Exception {
    install();
    Path jsa = home.resolve("cli/target/runbook.jsa");
    String examples = home.resolve("runbooks/examples").toString();

    Out plain = launch(Map.of("RUNBOOK_NO_CDS", "1"), "--output", "json", "validate", examples);
    assertEquals(0, plain.exit(), plain.stderr());
    assertFalse(Files.exists(jsa), "RUNBOOK_NO_CDS: no archive");

    Path operatorState = home.resolve("operator-state");
    Out first = launch(Map.of("RUNBOOK_STATE_DIR", operatorState.toString()), "--output", "json", "validate", examples);
    assertEquals(0, first.exit(), first.stderr());
    assertTrue(Files.size(jsa) > 0, "the first run wrote the archive");
    assertFalse(Files.exists(operatorState), "the archive's training run kept out of the operator's state folder");
    assertEquals(plain.stdout(), first.stdout(), "stdout is the command's alone");
    try (var files = Files.list(jsa.getParent())) {
      assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("runbook.jsa.")).toList(), "no temporary archive left");
    }

    // -Xshare:on makes the JVM fail when it cannot map the archive: this run used it
    Out shared = launch(Map.of("RUNBOOK_JAVA_OPTS", "-Xshare:on"), "--output", "json", "validate", examples);
    assertEquals(0, shared.exit(), shared.stdout() + shared.stderr());
    assertEquals(plain.stdout(), shared.stdout());
    Path classes = home.resolve("classes.log");
    Out run = launch(Map.of("RUNBOOK_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + classes),
        "--state-dir", home.resolve("state").toString(), "run", examples + "/hello.yaml", "--yes");
    assertEquals(0, run.exit(), "a run (other JIT settings) maps it too: " + run.stdout() + run.stderr());
    // trained by a run, not a validate: what only a run loads (the step runner, the journal) comes from the archive
    String loaded = Files.readString(classes);
    for (String cls : List.of("io.runbook.engine.run.StepRunner", "io.runbook.engine.journal.Json")) {
      assertTrue(loaded.contains(cls + " source: shared objects file"), cls + " not from the archive:\n" + loaded);
    }

    // a rebuilt jar (the JVM would refuse the old archive for it): the next start writes a new archive
    FileTime before = Files.getLastModifiedTime(jsa);
    Thread.sleep(20);
    Files.copy(JAR, home.resolve("cli/target/runbook.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Out rebuilt = launch(Map.of("RUNBOOK_JAVA_OPTS", "-Xshare:on"), "--output", "json", "validate", examples);
    assertEquals(0, rebuilt.exit(), rebuilt.stdout() + rebuilt.stderr());
    assertEquals(plain.stdout(), rebuilt.stdout());
    assertTrue(Files.getLastModifiedTime(jsa).compareTo(before) > 0, "renewed after the jar changed");
  }

  /**
   * A JVM that writes no archive (one without a base archive) is asked once, not at every start: each attempt costs
   * a whole validate. Played by a java on the PATH that drops the archive option and counts the attempts.
   */
  @Test
  void aJvmThatWritesNoArchiveIsAskedOnceUntilTheJarChanges() throws Exception {
    install();
    Path attempts = home.resolve("attempts");
    Path fakeBin = Files.createDirectories(home.resolve("fake-jdk/bin"));
    Path fakeJava = fakeBin.resolve("java");
    Files.writeString(fakeJava, "#!/bin/bash\nargs=()\nfor a in \"$@\"; do\n"
        + "  if [[ $a == -XX:ArchiveClassesAtExit=* ]]; then echo attempt >> '" + attempts + "'; else args+=(\"$a\"); fi\n"
        + "done\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"${args[@]}\"\n");
    fakeJava.toFile().setExecutable(true);
    Map<String, String> env = Map.of("PATH", fakeBin + ":" + System.getenv("PATH"));
    String examples = home.resolve("runbooks/examples").toString();

    String plain = launch(Map.of("RUNBOOK_NO_CDS", "1"), "--output", "json", "validate", examples).stdout();
    for (int i = 0; i < 3; i++) {
      Out out = launch(env, "--output", "json", "validate", examples);
      assertEquals(0, out.exit(), out.stderr());
      assertEquals(plain, out.stdout());
    }
    assertEquals(1, Files.readAllLines(attempts).size(), "one attempt for three starts");
    assertFalse(Files.exists(home.resolve("cli/target/runbook.jsa")));

    Thread.sleep(20);
    Files.copy(JAR, home.resolve("cli/target/runbook.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(0, launch(env, "validate", examples).exit());
    assertEquals(2, Files.readAllLines(attempts).size(), "a rebuilt jar is worth another attempt");
  }
}

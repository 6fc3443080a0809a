package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code runbook demo} end to end, as a user runs it: a real estate, a real dr-pitr run with the shipped runbook,
 * every proof holding; then {@code sandbox status} and {@code sandbox down} on what it left.
 */
class DemoTest {
  private final Path work = Path.of("target").toAbsolutePath();
  private final Path root = work.resolve("demo-" + ProcessHandle.current().pid());
  private final Map<String, String> env = Map.of("RUNBOOK_HOME", work.getParent().getParent().toString());

  @AfterEach
  void down() throws Exception {
    if (Files.exists(root)) run(60, "sandbox", "down", "--root", root.toString());
  }

  private CliProcess.Result run(int seconds, String... args) throws Exception {
    Path out = Files.createTempFile(work, "demo-out", ".txt");
    Path err = Files.createTempFile(work, "demo-err", ".txt");
    Process p = CliProcess.builder(work, env, List.of(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(new File("/dev/null")).start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("runbook " + String.join(" ", args) + " did not end in " + seconds + " s:\n"
          + Files.readString(out, StandardCharsets.UTF_8));
    }
    CliProcess.Result r = new CliProcess.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  @Test
  void theDemoRecoversTheDroppedTableAndProvesIt() throws Exception {
    CliProcess.Result demo = run(240, "demo", "--root", root.toString());
    assertEquals(0, demo.exit(), demo.all());
    assertEquals(8, demo.out().lines().filter(l -> l.contains("PROOF OK")).count(), demo.out());
    assertFalse(demo.out().contains("PROOF FAILED"), demo.out());
    assertTrue(demo.out().contains("Plan of runbook dr-pitr"), "the dry-run plan is shown");
    assertTrue(demo.out().contains("DROP TABLE `shop`.`payments`"), "the cut's transcript is shown");
    assertTrue(demo.out().contains("run ") && demo.out().contains(" succeeded"), demo.out());
    assertTrue(demo.out().contains("dr-pitr (the recovery)"), "phase times are printed");

    CliProcess.Result status = run(60, "sandbox", "status", "--root", root.toString());
    assertEquals(0, status.exit(), status.all());
    assertTrue(status.out().contains("replica of 127.0.0.1:"), status.out());
    assertTrue(status.out().contains("IO Yes, SQL Yes"), status.out());

    CliProcess.Result down = run(60, "sandbox", "down", "--root", root.toString());
    assertEquals(0, down.exit(), down.all());
    assertFalse(Files.exists(root));
    assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(root.toString())),
        "no server of the demo is left running");
  }
}

package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One run per target, with real CLI processes on one sandbox estate: a planned-shutdown waiting at its confirmation
 * (on a terminal, under script(1)) holds the estate; dr-snapshot-restore, the same through an inventory file that
 * calls the estate by another name, and a resume of the waiting run are refused with exit 2 naming the holder's run
 * id and pid. The holder is SIGKILLed; resume finds its lock stale, takes it over with a warning and finishes the
 * shutdown. Then the reverse: dr-snapshot-restore waiting at its approval gate, in another state folder sharing
 * RUNBOOK_LOCK_DIR, refuses planned-startup.
 */
class ConcurrentRunsSandboxTest {
  static final long WAIT_MS = 90_000;

  record Result(int exit, String out) {}

  /** A CLI process waiting on a terminal. */
  record Held(Process script, Path screen, OutputStream keys) {}

  static List<String> java(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "io.runbook.cli.Main"));
    cmd.addAll(args);
    return cmd;
  }

  static Result cli(Map<String, String> env, String... args) throws Exception {
    Path out = Files.createTempFile("cli", ".txt");
    ProcessBuilder pb = new ProcessBuilder(java(List.of(args))).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(new File("/dev/null"));
    pb.environment().remove("RUNBOOK_LOCK_DIR");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("runbook " + String.join(" ", args) + " did not end");
    }
    String text = Files.readString(out);
    Files.delete(out);
    System.out.println("---- runbook " + String.join(" ", args) + " -> exit " + p.exitValue() + "\n" + text);
    return new Result(p.exitValue(), text);
  }

  /** Starts the CLI on a pseudo-terminal and waits until it shows {@code prompt}. */
  static Held onTerminal(Path dir, Map<String, String> env, String prompt, String... args) throws Exception {
    String line = java(List.of(args)).stream().map(s -> "'" + s.replace("'", "'\"'\"'") + "'")
        .collect(Collectors.joining(" "));
    Path screen = Files.createTempFile(dir, "screen", ".txt");
    ProcessBuilder pb = new ProcessBuilder("script", "-qefc", line, "/dev/null").redirectErrorStream(true)
        .redirectOutput(screen.toFile());
    pb.environment().remove("RUNBOOK_LOCK_DIR");
    pb.environment().putAll(env);
    Process p = pb.start();
    long end = System.currentTimeMillis() + WAIT_MS;
    while (!Files.readString(screen).contains(prompt) && p.isAlive() && System.currentTimeMillis() < end) Thread.sleep(100);
    assertTrue(Files.readString(screen).contains(prompt), "the prompt shows:\n" + Files.readString(screen));
    return new Held(p, screen, p.getOutputStream());
  }

  static Properties lock(Path file) throws Exception {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    return p;
  }

  @Test
  void aSecondRunOnTheSameEstateIsRefusedAndAKilledHoldersLockIsTakenOver() throws Exception {
    try (SandboxDrill d = SandboxDrill.up("concurrent", 0)) {
      d.sql("primary", "CREATE DATABASE drill", "CREATE TABLE drill.t (id INT PRIMARY KEY)", "INSERT INTO drill.t VALUES (1)");
      d.estate.snapshotNow();
      Path root = d.estate.root();
      String inv = d.inventory.toString();
      // The same estate under another inventory name.
      Path renamed = root.resolve("inventory-renamed.yaml");
      Files.writeString(renamed, Files.readString(d.inventory).replace("inventory: sandbox\n", "inventory: estate-b\n"));
      assertTrue(Files.readString(renamed).contains("inventory: estate-b"));
      String shutdown = Path.of("planned-shutdown.yaml").toAbsolutePath().toString();
      String restore = Path.of("dr-snapshot-restore.yaml").toAbsolutePath().toString();
      String startup = Path.of("planned-startup.yaml").toAbsolutePath().toString();
      String s1 = root.resolve("state-1").toString();

      Held first = onTerminal(root, Map.of(), "Type yes to run it", "--state-dir", s1, "run", shutdown, "-i", inv);
      Path lockFile = Path.of(s1, "locks", "sandbox.lock");
      Properties holder = lock(lockFile);
      String runId = holder.getProperty("runId");
      long pid = Long.parseLong(holder.getProperty("pid"));
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the holder's pid is the live CLI");
      String named = "is in use by run " + runId + " (pid " + pid + " on ";

      Result dr = cli(Map.of(), "--state-dir", s1, "run", restore, "-i", inv, "--yes");
      assertEquals(2, dr.exit(), dr.out());
      assertTrue(dr.out().contains("inventory sandbox " + named), dr.out());

      Result other = cli(Map.of(), "--state-dir", s1, "run", restore, "-i", renamed.toString(), "--yes");
      assertEquals(2, other.exit(), other.out());
      assertTrue(other.out().contains(named) && other.out().contains("(host "), other.out());
      assertTrue(other.out().contains("another inventory names the same VM or server"), other.out());

      Result twice = cli(Map.of(), "--state-dir", s1, "resume", runId, "--yes");
      assertEquals(2, twice.exit(), twice.out());
      assertTrue(twice.out().contains("inventory sandbox " + named), twice.out());
      try (Stream<Path> s = Files.list(Path.of(s1, "runs"))) {
        assertEquals(List.of(runId), s.map(f -> f.getFileName().toString()).toList(), "the refused runs left nothing");
      }
      assertEquals("1", d.value("primary", "SELECT 1"), "the primary still answers: the shutdown waits");

      // SIGKILL the holder: no chance to release its lock.
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      assertTrue(first.script().waitFor(30, TimeUnit.SECONDS));
      first.keys().close();
      assertTrue(Files.exists(lockFile), "the killed run left its lock");

      Result resumed = cli(Map.of(), "--state-dir", s1, "resume", runId, "--yes");
      assertEquals(0, resumed.exit(), resumed.out());
      assertTrue(resumed.out().contains("warning: took over the stale lock of inventory sandbox held by run " + runId
          + " (pid " + pid + " on "), resumed.out());
      assertEquals(1, resumed.out().split("warning: took over", -1).length - 1,
          "one warning for the dead run, not one per lock: " + resumed.out());
      assertThrows(SQLException.class, () -> d.value("primary", "SELECT 1"), "the shutdown finished");
      try (Stream<Path> s = Files.list(lockFile.getParent())) {
        assertEquals(List.of(), s.toList(), "every lock released");
      }

      // The reverse, across two state folders that share a lock folder: dr-snapshot-restore holds at its gate.
      Map<String, String> shared = Map.of("RUNBOOK_LOCK_DIR", root.resolve("shared-locks").toString());
      Held gate = onTerminal(root, shared, "Type 'restore' to approve", "--state-dir", root.resolve("state-2").toString(),
          "run", restore, "-i", inv);
      Properties drHolder = lock(root.resolve("shared-locks/sandbox.lock"));
      Result up = cli(shared, "--state-dir", root.resolve("state-3").toString(), "run", startup, "-i", inv, "--yes");
      assertEquals(2, up.exit(), up.out());
      assertTrue(up.out().contains("inventory sandbox is in use by run " + drHolder.getProperty("runId") + " (pid "
          + drHolder.getProperty("pid") + " on "), up.out());
      assertFalse(Files.exists(root.resolve("state-3/locks")), "no lock taken in the state folder");
      // Decline the gate: the run stops and lets go.
      gate.keys().write("no\n".getBytes(StandardCharsets.UTF_8));
      gate.keys().flush();
      assertTrue(gate.script().waitFor(60, TimeUnit.SECONDS), Files.readString(gate.screen()));
      gate.keys().close();
      try (Stream<Path> s = Files.list(root.resolve("shared-locks"))) {
        assertEquals(List.of(), s.toList(), "the declined run released its locks");
      }
    }
  }
}

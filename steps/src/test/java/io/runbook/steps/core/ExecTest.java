package io.runbook.steps.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** core.exec against real local processes. */
class ExecTest {
  @TempDir Path dir;

  final List<String> lines = new CopyOnWriteArrayList<>();
  final StepLog log = new StepLog() {
    public void info(String m) { lines.add("info " + m); }
    public void warn(String m) { lines.add("warn " + m); }
    public void output(String l) { lines.add("out " + l); }
    public void progress(String m) { lines.add("progress " + m); }
  };

  StandaloneStepContext ctx() { return StandaloneStepContext.builder().stepId("cmd").log(log).build(); }

  static Exec.Input input(List<String> command) {
    return new Exec.Input(command, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  @Test
  void streamsAndCapturesOutputWithEnvAndWorkingFolder() throws Exception {
    Files.writeString(dir.resolve("here.txt"), "x");
    Exec.Input in = new Exec.Input(List.of("sh", "-c", "echo out-$GREETING; ls; echo err-line >&2; echo two"),
        Optional.of(Map.of("GREETING", "hi there")), Optional.of(dir.toString()), Optional.empty(), Optional.empty(),
        Optional.empty());
    Exec.Output out = new Exec().run(in, ctx());
    assertEquals(0, out.exitCode());
    assertEquals("out-hi there\nhere.txt\ntwo", out.stdout());
    assertEquals("err-line", out.stderr());
    assertTrue(lines.contains("out out-hi there"), lines.toString());
    assertTrue(lines.contains("out err-line"), lines.toString());
  }

  @Test
  void argumentsAreNotInterpretedByAShell() throws Exception {
    Exec.Output out = new Exec().run(input(List.of("printf", "%s|", "a b", "$HOME", "'q'", "; rm -rf /")), ctx());
    assertEquals("a b|$HOME|'q'|; rm -rf /|", out.stdout());
  }

  @Test
  void nonZeroExitFailsUnlessAllowed() throws Exception {
    StepFailure f = assertThrows(StepFailure.class,
        () -> new Exec().run(input(List.of("sh", "-c", "echo boom >&2; exit 3")), ctx()));
    assertTrue(f.getMessage().contains("exited with 3: boom"), f.getMessage());
    assertFalse(f.retryable());
    Exec.Input allowed = new Exec.Input(List.of("sh", "-c", "exit 3"), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.of(List.of(0, 3)), Optional.empty());
    assertEquals(3, new Exec().run(allowed, ctx()).exitCode());
  }

  @Test
  void aMissingProgramIsAFailureThatSaysSo() {
    StepFailure f = assertThrows(StepFailure.class,
        () -> new Exec().run(input(List.of("/no/such/program-xyz")), ctx()));
    assertTrue(f.getMessage().contains("/no/such/program-xyz"), f.getMessage());
  }

  @Test
  void timeoutKillsTheCommand() {
    Exec.Input in = new Exec.Input(List.of("sleep", "30"), Optional.empty(), Optional.empty(),
        Optional.of(Duration.ofMillis(300)), Optional.empty(), Optional.empty());
    long t0 = System.nanoTime();
    StepFailure f = assertThrows(StepFailure.class, () -> new Exec().run(in, ctx()));
    assertTrue(f.getMessage().contains("killed after its timeout of 300ms"), f.getMessage());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000);
  }

  @Test
  void interruptingTheStepKillsTheCommand() throws Exception {
    Path marker = dir.resolve("pid");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        new Exec().run(input(List.of("sh", "-c", "echo $$ > " + marker + "; exec sleep 30")), ctx());
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.start();
    long end = System.nanoTime() + 5_000_000_000L;
    while (!(Files.exists(marker) && Files.size(marker) > 0) && System.nanoTime() < end) Thread.sleep(20);
    long pid = Long.parseLong(Files.readString(marker).trim());
    t.interrupt();
    t.join(10_000);
    assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the command was killed");
  }

  @Test
  void effectComesFromTheInputAndThePlanShowsTheQuotedCommand() {
    Exec exec = new Exec();
    Exec.Input reads = new Exec.Input(List.of("cat", "/etc/host name"), Optional.of(Map.of("TOKEN", "secret")),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(Effect.READS));
    assertEquals(Effect.READS, exec.effectOf(reads));
    assertEquals(Effect.CHANGES, exec.effectOf(input(List.of("true"))));
    String plan = exec.plan(reads, ctx()).actions().get(0).text();
    assertEquals("TOKEN=... cat '/etc/host name'", plan);
  }
}

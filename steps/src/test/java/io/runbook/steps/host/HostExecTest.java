package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.testkit.sshd.OsUser;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SshdExtension.class)
class HostExecTest {
  private final HostExec step = new HostExec();

  private static HostExec.Input cmd(List<String> argv) {
    return new HostExec.Input(Optional.of(argv), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void runsCommandCapturesOutputAndFailsOnUnexpectedExitCodes(String kind, Sshd sshd) throws Exception {
    RecordingLog log = new RecordingLog();
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, log)) {
      HostExec.Output out = step.run(cmd(List.of("sh", "-c", "echo out; echo err >&2; exit 2")).withAllowed(List.of(0, 2)), c);
      assertEquals(2, out.exitCode());
      assertEquals("out\n", out.stdout());
      assertEquals("err\n", out.stderr());
      assertTrue(log.output.contains("out") && log.output.contains("err"));

      StepFailure f = assertThrows(StepFailure.class, () -> step.run(cmd(List.of("sh", "-c", "echo boom >&2; exit 5")), c));
      assertTrue(f.getMessage().contains("exited with 5: boom"), f.getMessage());
      assertTrue(f.getMessage().contains("db1"), f.getMessage());
      assertFalse(f.retryable());
    }
  }

  @Test
  void changesUnlessDeclaredOtherwise() {
    assertEquals(Effect.CHANGES, step.effectOf(cmd(List.of("true"))));
    assertEquals(Effect.READS, step.effectOf(cmd(List.of("true")).withEffect(Effect.READS)));
    assertEquals(Effect.DESTROYS, step.effectOf(cmd(List.of("rm", "-rf", "/data")).withEffect(Effect.DESTROYS)));
    assertFalse(step.idempotent(), "a command that changes something may not simply run again after a crash");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void aFailedReadOnlyCommandIsRetryableAChangingOneIsNot(String kind, Sshd sshd) throws Exception {
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      HostExec.Input probe = cmd(List.of("sh", "-c", "echo 'not mounted yet' >&2; exit 1"));
      StepFailure reads = assertThrows(StepFailure.class, () -> step.run(probe.withEffect(Effect.READS), c));
      assertTrue(reads.retryable(), "a READS command may pass when retried");
      assertTrue(reads.getMessage().contains("exited with 1: not mounted yet"), reads.getMessage());
      assertFalse(assertThrows(StepFailure.class, () -> step.run(probe, c)).retryable());
      assertEquals("ok\n", step.run(cmd(List.of("echo", "ok")).withEffect(Effect.READS), c).stdout());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void scriptWithEnvAndTimeout(String kind, Sshd sshd) throws Exception {
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      HostExec.Input in = new HostExec.Input(Optional.empty(), Optional.of("echo \"v=$V\""), Optional.empty(),
          Optional.of(Map.of("V", "a b'c")), Optional.of("10s"), Optional.empty());
      assertEquals("v=a b'c\n", step.run(in, c).stdout());
      HostExec.Input slow = new HostExec.Input(Optional.of(List.of("sleep", "10")), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.of("300ms"), Optional.empty());
      assertTrue(assertThrows(StepFailure.class, () -> step.run(slow, c)).getMessage().contains("did not finish within 300ms"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void planShowsTheExactQuotedCommandAndRunsNothing(String kind, Sshd sshd) throws Exception {
    Path canary = Path.of("target", "plan-canary-" + kind).toAbsolutePath();
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      Plan p = step.plan(cmd(List.of("touch", canary.toString(), "it's here")), c);
      assertEquals(Plan.Kind.COMMAND, p.actions().get(0).kind());
      assertEquals("touch " + canary + " 'it'\\''s here'", p.actions().get(0).text());
      assertFalse(Files.exists(canary));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void commandAndScriptTogetherIsRefused(String kind, Sshd sshd) throws Exception {
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      HostExec.Input both = new HostExec.Input(Optional.of(List.of("true")), Optional.of("true"), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty());
      assertTrue(assertThrows(StepFailure.class, () -> step.run(both, c)).getMessage().contains("exactly one"));
    }
  }

  /** sudo: true for real: a non-root login gets uid 0 with a NOPASSWD rule, and a clear refusal (no hang) without. */
  @Test
  void sudoRunsAsRootForANonRootLoginAndFailsClearlyWithoutTheRule(Sshd sshd) throws Exception {
    try (OsUser user = OsUser.create()) {
      user.allowSudo();
      Host h = TestHosts.host("db1", TestHosts.ssh(sshd, user.name()));
      HostExec.Input id = cmd(List.of("id", "-u"));
      HostExec.Input sudoId = new HostExec.Input(Optional.of(List.of("id", "-u")), Optional.empty(), Optional.of(true),
          Optional.empty(), Optional.of("20s"), Optional.empty());
      try (StandaloneStepContext c = TestHosts.context(TestHosts.inventory(h), "db1", new RecordingLog(), Path.of("target"))) {
        assertFalse(step.run(id, c).stdout().strip().equals("0"), "the login itself is not root");
        assertEquals("0\n", step.run(sudoId, c).stdout());

        user.denySudo();
        long start = System.nanoTime();
        StepFailure f = assertThrows(StepFailure.class, () -> step.run(sudoId, c));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 15_000, "sudo -n refused at once, it did not wait for the timeout");
        assertTrue(f.getMessage().contains("sudo refused `sudo -n -- id -u`"), f.getMessage());
        assertTrue(f.getMessage().contains("a password is required"), f.getMessage());
        assertTrue(f.hint().contains("NOPASSWD"), f.hint());
        assertFalse(f.retryable());
      }
    }
  }
}

package io.runbook.steps.host.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.testkit.sshd.OsUser;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SshdExtension.class)
class SshTransportTest {

  private static StandaloneStepContext ctx(Host host, RecordingLog log) {
    return TestHosts.context(TestHosts.inventory(host), host.name(), log, Path.of("target"));
  }

  private static SshTarget target(Sshd sshd, Path knownHosts, Optional<Path> key, Optional<Path> agent) {
    return new SshTarget("db1", sshd.host(), sshd.port(), sshd.user(), key, Optional.empty(), agent, knownHosts, true,
        Duration.ofSeconds(5));
  }

  @Test
  void execReturnsExitCodesAndStreamsOutputLines(Sshd sshd) throws Exception {
    RecordingLog log = new RecordingLog();
    try (StandaloneStepContext c = ctx(TestHosts.host("db1", TestHosts.ssh(sshd)), log)) {
      HostTransport t = Transports.forTarget(c);
      CommandResult r = t.exec(HostCommand.script("echo one; echo two; echo oops >&2; exit 3"), log);
      assertEquals(3, r.exitCode());
      assertEquals("one\ntwo\n", r.stdout());
      assertEquals("oops\n", r.stderr());
      assertTrue(log.output.containsAll(List.of("one", "two", "oops")), log.output.toString());
      assertEquals(0, t.exec(HostCommand.of("true"), log).exitCode());
    }
  }

  @Test
  void hostileArgumentsArriveVerbatimAndNothingElseRuns(Sshd sshd) throws Exception {
    Path canary = Path.of("target", "pwned-" + System.nanoTime()).toAbsolutePath();
    List<String> hostile = List.of("two words", "it's", "\"double\"", "$(touch " + canary + ")", "`touch " + canary + "`",
        "; touch " + canary, "a\nb; touch " + canary, "| touch " + canary, "&& touch " + canary, "*", "~", "$HOME", "",
        "\\", "--", "-n");
    RecordingLog log = new RecordingLog();
    try (StandaloneStepContext c = ctx(TestHosts.host("db1", TestHosts.ssh(sshd)), log)) {
      HostCommand cmd = HostCommand.of(concat(List.of("printf", "%s\\0"), hostile))
          .withEnv(Map.of("HOSTILE", "$(touch " + canary + ")'\"; x"));
      CommandResult r = Transports.forTarget(c).exec(cmd, log);
      assertEquals(0, r.exitCode(), r.stderr());
      String out = r.stdout().substring(0, r.stdout().length() - 1); // the line capture ends the last line with \n
      assertEquals(hostile, Arrays.asList(out.split("\0", -1)).subList(0, hostile.size()));
      CommandResult env = Transports.forTarget(c).exec(HostCommand.script("printf %s \"$HOSTILE\"")
          .withEnv(Map.of("HOSTILE", "$(touch " + canary + ")'\"; x")), log);
      assertEquals("$(touch " + canary + ")'\"; x\n", env.stdout());
    }
    assertFalse(Files.exists(canary), "no injected command ran");
  }

  @Test
  void sessionIsReusedWithinARunAndClosedAtTheEnd(Sshd sshd) throws Exception {
    RecordingLog log = new RecordingLog();
    HostTransport first;
    try (StandaloneStepContext c = ctx(TestHosts.host("db1", TestHosts.ssh(sshd)), log)) {
      first = Transports.forTarget(c);
      String pid1 = first.exec(HostCommand.script("echo $PPID"), log).stdout();
      HostTransport second = Transports.forTarget(c.forStep("other", "db1"));
      assertSame(first, second);
      // Each exec runs under the same per-connection sshd process when the session is shared.
      String sshdOf1 = second.exec(HostCommand.script("ps -o ppid= -p " + pid1.trim()), log).stdout().trim();
      String sshdOf2 = second.exec(HostCommand.script("ps -o ppid= -p $PPID"), log).stdout().trim();
      assertEquals(sshdOf1, sshdOf2);
    }
    StepFailure closed = assertThrows(StepFailure.class, () -> ((SshTransport) first).exec(HostCommand.of("true"), log)
        .exitCode(), "still usable?");
    assertTrue(closed.getMessage().contains("db1"));
  }

  @Test
  void unknownHostKeyIsRefusedWithItsFingerprint(Sshd sshd) throws Exception {
    Path empty = Files.createTempFile(sshd.dir(), "known", "");
    try (SshTransport t = new SshTransport(target(sshd, empty, Optional.of(sshd.clientKey()), Optional.empty()))) {
      StepFailure f = assertThrows(StepFailure.class, () -> t.connect(new RecordingLog()));
      assertTrue(f.getMessage().contains("host key is unknown"), f.getMessage());
      assertTrue(f.getMessage().contains(fingerprint(sshd.hostPublicKey())), f.getMessage());
      assertTrue(f.hint().contains("ssh-keyscan -p " + sshd.port()), f.hint());
      assertFalse(f.retryable());
      assertEquals("", Files.readString(empty), "known_hosts is never written");
    }
    Path missing = sshd.dir().resolve("no-such-known-hosts");
    try (SshTransport t = new SshTransport(target(sshd, missing, Optional.of(sshd.clientKey()), Optional.empty()))) {
      assertTrue(assertThrows(StepFailure.class, () -> t.connect(new RecordingLog())).getMessage().contains("unknown"));
    }
  }

  @Test
  void changedHostKeyIsRefused(Sshd sshd) throws Exception {
    Path other = sshd.dir().resolve("other_host_key");
    Sshd.generateKey(other, "");
    Path wrong = sshd.dir().resolve("known_hosts_wrong");
    Files.writeString(wrong, sshd.knownHostsLine(Path.of(other + ".pub")));
    try (SshTransport t = new SshTransport(target(sshd, wrong, Optional.of(sshd.clientKey()), Optional.empty()))) {
      StepFailure f = assertThrows(StepFailure.class, () -> t.connect(new RecordingLog()));
      assertTrue(f.getMessage().contains("host key has CHANGED"), f.getMessage());
      assertTrue(f.getMessage().contains(fingerprint(sshd.hostPublicKey())), f.getMessage());
      assertTrue(f.hint().contains("ssh-keygen -R '[127.0.0.1]:" + sshd.port() + "'"), f.hint());
      assertFalse(f.retryable());
    }
  }

  @Test
  void strictHostKeysOffConnectsButWarnsEveryRun(Sshd sshd) throws Exception {
    TransportSpec s = TestHosts.ssh(sshd);
    TransportSpec lax = new TransportSpec("ssh", s.address(), s.port(), s.user(), s.key(), Optional.empty(),
        Optional.of(sshd.dir().resolve("nothing-here").toString()), Optional.of(false));
    for (int run = 0; run < 2; run++) {
      RecordingLog log = new RecordingLog();
      try (StandaloneStepContext c = ctx(TestHosts.host("db1", lax), log)) {
        assertEquals(0, Transports.forTarget(c).exec(HostCommand.of("true"), log).exitCode());
      }
      assertEquals(1, log.warn.size(), "one warning per run");
      assertTrue(log.warn.get(0).contains("NOT verified") && log.warn.get(0).contains(fingerprint(sshd.hostPublicKey())));
    }
  }

  @Test
  void connectionRefusedIsRetryableAndSaysSo(Sshd sshd) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    SshTarget t0 = target(sshd, sshd.knownHosts(), Optional.of(sshd.clientKey()), Optional.empty());
    SshTarget refused = new SshTarget("db1", "127.0.0.1", closedPort, t0.user(), t0.keyFile(), Optional.empty(),
        Optional.empty(), t0.knownHosts(), true, Duration.ofSeconds(5));
    try (SshTransport t = new SshTransport(refused)) {
      StepFailure f = assertThrows(StepFailure.class, () -> t.connect(new RecordingLog()));
      assertTrue(f.getMessage().contains("db1") && f.getMessage().contains("connection refused"), f.getMessage());
      assertTrue(f.retryable());
    }
  }

  @Test
  void authenticationFailureNamesUserAndKey(Sshd sshd) throws Exception {
    Path stranger = sshd.dir().resolve("stranger_key");
    Sshd.generateKey(stranger, "");
    try (SshTransport t = new SshTransport(target(sshd, sshd.knownHosts(), Optional.of(stranger), Optional.empty()))) {
      StepFailure f = assertThrows(StepFailure.class, () -> t.connect(new RecordingLog()));
      assertTrue(f.getMessage().contains("authentication as " + sshd.user() + " failed with key " + stranger), f.getMessage());
      assertFalse(f.retryable());
    }
  }

  @Test
  void passphraseComesFromASecretAndIsNeverPrinted(Sshd sshd) throws Exception {
    Path key = sshd.dir().resolve("locked_key");
    Sshd.generateKey(key, "correct horse battery");
    sshd.authorize(Path.of(key + ".pub"));
    TransportSpec s = TestHosts.ssh(sshd);
    TransportSpec locked = new TransportSpec("ssh", s.address(), s.port(), s.user(), Optional.of(key.toString()),
        Optional.of(io.runbook.engine.secret.SecretRef.parse("env:KEY_PASS")), s.knownHosts(), Optional.empty());
    Host host = TestHosts.host("db1", locked);
    try (StandaloneStepContext c = StandaloneStepContext.builder().inventory(TestHosts.inventory(host)).target("db1")
        .env(Map.of("KEY_PASS", "correct horse battery")).build()) {
      CommandResult r = Transports.forTarget(c).exec(HostCommand.of("echo", "in"), StepLogs.NONE);
      assertEquals("in\n", r.stdout());
      assertEquals("***", c.redactor().redact("correct horse battery"));
    }
    try (StandaloneStepContext c = StandaloneStepContext.builder().inventory(TestHosts.inventory(host)).target("db1")
        .env(Map.of("KEY_PASS", "wrong passphrase")).build()) {
      StepFailure f = assertThrows(StepFailure.class, () -> Transports.forTarget(c));
      assertTrue(f.getMessage().contains("cannot load the private key"), f.getMessage());
      assertFalse(f.getMessage().contains("wrong passphrase"));
    }
  }

  @Test
  void keysFromSshAgent(Sshd sshd) throws Exception {
    Path socket = sshd.dir().resolve("agent.sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
    try {
      for (int i = 0; i < 100 && !Files.exists(socket); i++) Thread.sleep(20);
      ProcessBuilder add = new ProcessBuilder("ssh-add", sshd.clientKey().toString()).redirectErrorStream(true);
      add.environment().put("SSH_AUTH_SOCK", socket.toString());
      assertEquals(0, add.start().waitFor());
      try (SshTransport t = new SshTransport(target(sshd, sshd.knownHosts(), Optional.empty(), Optional.of(socket)))) {
        assertEquals("agent\n", t.exec(HostCommand.of("echo", "agent"), StepLogs.NONE).stdout());
      }
    } finally {
      agent.destroy();
      agent.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void droppedConnectionMidCommandIsAClearRetryableFailureAndTheNextUseReconnects(Sshd sshd) throws Exception {
    RecordingLog log = new RecordingLog();
    try (StandaloneStepContext c = ctx(TestHosts.host("db1", TestHosts.ssh(sshd)), log)) {
      HostTransport t = Transports.forTarget(c);
      CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
        try {
          return t.exec(HostCommand.script("echo started; sleep 30"), log);
        } catch (Exception e) {
          return e;
        }
      });
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!log.output.contains("started") && System.nanoTime() < until) Thread.sleep(20);
      assertTrue(sshd.killSessions() > 0);
      Object outcome = running.get(15, TimeUnit.SECONDS);
      StepFailure f = assertInstance(StepFailure.class, outcome);
      assertTrue(f.getMessage().contains("db1") && f.getMessage().contains("connection dropped"), f.getMessage());
      assertTrue(f.getMessage().contains("sleep 30"), f.getMessage());
      assertTrue(f.retryable());
      // A retry of the step gets a fresh session.
      assertEquals("again\n", Transports.forTarget(c).exec(HostCommand.of("echo", "again"), log).stdout());
    }
  }

  @Test
  void commandTimeoutStopsWaitingAndSaysWhetherTheCommandWasSignalled(Sshd sshd) throws Exception {
    try (StandaloneStepContext c = ctx(TestHosts.host("db1", TestHosts.ssh(sshd)), new RecordingLog())) {
      HostTransport t = Transports.forTarget(c);
      StepFailure f = assertThrows(StepFailure.class, () -> t
          .exec(HostCommand.of("sleep", "23.456").withTimeout(Duration.ofMillis(300)), StepLogs.NONE));
      assertTrue(f.getMessage().contains("did not finish within 300ms"), f.getMessage());
      // The tests log in as root, and sshd refuses signal requests for root sessions: the message must say so.
      assertTrue(f.getMessage().contains("sshd refused to signal it"), f.getMessage());
      t.exec(HostCommand.of("pkill", "-f", "sleep 23[.]456"), StepLogs.NONE);
    }
  }

  /** A non-root login: sshd passes the signal on, so a timed-out command is really gone from the host. */
  @Test
  void aTimedOutCommandOfANonRootLoginIsTerminatedOnTheHost(Sshd sshd) throws Exception {
    try (OsUser user = OsUser.create();
         StandaloneStepContext c = ctx(TestHosts.host("db1", TestHosts.ssh(sshd, user.name())), new RecordingLog())) {
      HostTransport t = Transports.forTarget(c);
      StepFailure f = assertThrows(StepFailure.class, () -> t
          .exec(HostCommand.of("sleep", "31.457").withTimeout(Duration.ofMillis(500)), StepLogs.NONE));
      assertTrue(f.getMessage().contains("did not finish within 500ms; it was sent SIGTERM"), f.getMessage());
      // Looked at from a second session (the first one's channel is closed): the sleep must be gone, soon.
      try (StandaloneStepContext other = ctx(TestHosts.host("db1", TestHosts.ssh(sshd, user.name())), new RecordingLog())) {
        HostTransport look = Transports.forTarget(other);
        int found = 0;
        for (int i = 0; i < 50; i++) {
          found = look.exec(HostCommand.of("pgrep", "-u", user.name(), "-f", "sleep 31[.]457"), StepLogs.NONE).exitCode();
          if (found == 1) break; // pgrep: 1 = no such process
          Thread.sleep(100);
        }
        assertEquals(1, found, "the timed-out sleep is still running on the host");
        CommandResult control = look.exec(HostCommand.script("sleep 31.458 & pgrep -u " + user.name()
            + " -f 'sleep 31[.]458'; found=$?; kill $!; exit $found"), StepLogs.NONE);
        assertEquals(0, control.exitCode(), "pgrep finds a running sleep of this account (so the check above can fail)");
      }
    }
  }

  @Test
  void aCommandKilledByASignalIsAnExitCodeNotADroppedConnection(Sshd sshd) throws Exception {
    try (StandaloneStepContext c = ctx(TestHosts.host("db1", TestHosts.ssh(sshd)), new RecordingLog())) {
      CommandResult r = Transports.forTarget(c).exec(HostCommand.script("kill -KILL $$"), StepLogs.NONE);
      assertEquals(137, r.exitCode());
      assertTrue(r.stderr().contains("killed by signal KILL"), r.stderr());
    }
  }

  @Test
  void sftpWritesReadsStatsGlobsAndChmods(Sshd sshd) throws Exception {
    Path dir = Files.createDirectories(sshd.dir().resolve("files")).toAbsolutePath();
    try (StandaloneStepContext c = ctx(TestHosts.host("db1", TestHosts.ssh(sshd)), new RecordingLog())) {
      HostTransport t = Transports.forTarget(c);
      String file = dir + "/a.bin";
      t.write(file, new ByteArrayInputStream("hello ".getBytes()), false);
      t.write(file, new ByteArrayInputStream("world".getBytes()), true);
      t.write(dir + "/b.bin", new ByteArrayInputStream("x".getBytes()), false);
      t.write(dir + "/c.txt", new ByteArrayInputStream("y".getBytes()), false);
      t.chmod(file, 0640);
      FileInfo info = t.stat(file).orElseThrow();
      assertEquals(11, info.size());
      assertEquals(0640, info.mode());
      assertTrue(t.stat(dir + "/nope").isEmpty());
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      t.read(file, 6, in -> in.transferTo(got));
      assertEquals("world", got.toString(StandardCharsets.UTF_8));
      assertEquals(List.of(dir + "/a.bin", dir + "/b.bin"), t.glob(dir + "/*.bin").stream().map(FileInfo::path).toList());
      assertEquals(List.of(), t.glob(dir + "/none-*"));
      StepFailure f = assertThrows(StepFailure.class, () -> t.read(dir + "/missing", 0, in -> {}));
      assertTrue(f.getMessage().contains("no such file"), f.getMessage());
    }
  }

  static String fingerprint(Path publicKey) throws Exception {
    Process p = new ProcessBuilder("ssh-keygen", "-lf", publicKey.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.split(" ")[1];
  }

  static <T> T assertInstance(Class<T> type, Object o) {
    assertTrue(type.isInstance(o), "expected " + type.getSimpleName() + " but got " + o);
    return type.cast(o);
  }

  static List<String> concat(List<String> a, List<String> b) {
    java.util.ArrayList<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Shorthand for a log that drops everything. */
  static final class StepLogs {
    static final io.runbook.engine.spi.StepLog NONE = io.runbook.engine.spi.StepLog.NONE;
  }
}

package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.HostileValues;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import io.runbook.testkit.sshd.OsUser;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Environment values (the db password a runbook hands mariadb-backup as MYSQL_PWD) never appear in an argument list
 * on the host: not in {@code ps} or any /proc/PID/cmdline while the command runs (with sudo, sudo stays the
 * command's parent for its whole run), not in the command line sudo logs. The command still gets the exact values,
 * its own stdin byte for byte after them, and hostile values run nothing. The test sshd is on this machine, so this
 * machine's process table is the host's.
 */
@ExtendWith(SshdExtension.class)
class HostEnvSecrecyTest {
  private final HostExec step = new HostExec();

  @ParameterizedTest(name = "sudo: {0}")
  @ValueSource(booleans = {true, false})
  void aSecretInTheEnvironmentIsInNoArgumentListWhileTheCommandRuns(boolean sudo, Sshd sshd) throws Exception {
    String canary = "envcanary" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 8);
    String secret = canary + "'\"; $(touch x) `y` é\nsecond line";
    // The command runs until the test has watched it for a while, then the test lets it end (no timing to guess);
    // the file's name, in the command's arguments, also tells its argument lists from all others.
    Path release = Path.of("/tmp", "runbook-envline-release-" + UUID.randomUUID());
    try (OsUser user = OsUser.create()) {
      Path sudoLog = sshd.dir().resolve("sudo-" + user.name() + ".log");
      user.allowSudo(sudoLog);
      Host h = TestHosts.host("db1", TestHosts.ssh(sshd, user.name()));
      HostExec.Input in = new HostExec.Input(Optional.empty(), Optional.of("printf %s \"$MYSQL_PWD\" | sha256sum; "
          + "while [ ! -e " + release + " ]; do sleep 0.05; done"), Optional.of(sudo),
          Optional.of(Map.of("DBUSER", "backup", "MYSQL_PWD", secret)), Optional.of("120s"), Optional.empty());
      try (StandaloneStepContext c = TestHosts.context(TestHosts.inventory(h), "db1", new RecordingLog(), Path.of("target"))) {
        FutureTask<HostExec.Output> run = new FutureTask<>(() -> step.run(in, c));
        new Thread(run, "host.exec").start();
        int pollsThatSawIt = 0;
        List<String> seen = new ArrayList<>(); // argument lists of the running command: the polls did look at it
        while (!run.isDone()) {
          boolean sawIt = false;
          for (String args : argumentListsOnThisMachine()) {
            assertFalse(args.contains(canary), "the secret is in an argument list on the host: " + args);
            if (args.contains(release.toString())) {
              seen.add(args);
              sawIt = true;
            }
          }
          if (sawIt && ++pollsThatSawIt == 20) Files.createFile(release);
          Thread.sleep(50);
        }
        HostExec.Output out = get(run); // throws the step's failure (a command never seen runs into its timeout)
        assertEquals(sha256(secret.getBytes(StandardCharsets.UTF_8)) + "  -\n", out.stdout(), "the command got the exact value");
        assertTrue(pollsThatSawIt >= 20, "the polls saw the running command (else they prove nothing): " + seen);
        if (sudo) {
          assertTrue(seen.stream().anyMatch(a -> a.startsWith("sudo ")), "sudo stays the command's parent: " + seen);
          String logged = Files.readString(sudoLog);
          assertTrue(logged.contains("COMMAND=") && logged.contains(release.toString()), "sudo logged the command line: " + logged);
          assertFalse(logged.contains(canary), "sudo logged the secret: " + logged);
        }
      }
    } finally {
      Files.deleteIfExists(release);
    }
    assertFalse(sshd.log().contains(canary), "sshd logged the secret");
  }

  /** The environment line goes first on stdin; what the command reads is its own input, whole and nothing else. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh sudo", "ssh", "local sudo"})
  void theCommandsOwnStdinArrivesByteForByteAfterTheEnvironment(String how, Sshd sshd) throws Exception {
    byte[] input = binaryInput();
    String value = "a'b\"c $(x) `y` ; \\ é ☃\n\nlast";
    Map<String, String> env = new LinkedHashMap<>();
    env.put("A", value);
    env.put("EMPTY", "");
    // sha256 of stdin, of $A, and the length of $EMPTY (set but empty: ${EMPTY-unset} tells the difference)
    HostCommand hashes = HostCommand.script("sha256sum; printf %s \"$A\" | sha256sum; printf %s \"${EMPTY-unset}\" | wc -c")
        .withEnv(env).withSudo(how.endsWith("sudo"));
    try (OsUser user = OsUser.create()) {
      user.allowSudo();
      Host h = TestHosts.host("db1", how.startsWith("ssh") ? TestHosts.ssh(sshd, user.name()) : TestHosts.local());
      try (StandaloneStepContext c = TestHosts.context(TestHosts.inventory(h), "db1", new RecordingLog(), Path.of("target"))) {
        HostTransport t = Transports.forTarget(c);
        String expected = sha256(input) + "  -\n" + sha256(value.getBytes(StandardCharsets.UTF_8)) + "  -\n0\n";
        CommandResult r = t.exec(hashes.withStdin(input), new RecordingLog());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(expected, r.stdout());
        // Without stdin of its own the command reads nothing: end of input right after the environment line.
        String noInput = sha256(new byte[0]) + "  -\n" + sha256(value.getBytes(StandardCharsets.UTF_8)) + "  -\n0\n";
        assertEquals(noInput, t.exec(hashes, new RecordingLog()).stdout());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh", "local"})
  void hostileValuesThroughSudoArriveVerbatimAndRunNothing(String kind, Sshd sshd) throws Exception {
    Path canary = Path.of("/tmp", "runbook-envline-" + UUID.randomUUID()); // writable by anyone: a real injection would show
    List<String> values = HostileValues.shell(canary);
    Map<String, String> env = new LinkedHashMap<>();
    StringBuilder script = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      env.put("V" + i, values.get(i));
      script.append("printf %s \"$V").append(i).append("\" | sha256sum\n");
      expected.add(sha256(values.get(i).getBytes(StandardCharsets.UTF_8)) + "  -");
    }
    try (OsUser user = OsUser.create()) {
      user.allowSudo();
      Host h = TestHosts.host("db1", "ssh".equals(kind) ? TestHosts.ssh(sshd, user.name()) : TestHosts.local());
      try (StandaloneStepContext c = TestHosts.context(TestHosts.inventory(h), "db1", new RecordingLog(), Path.of("target"))) {
        HostExec.Output out = step.run(new HostExec.Input(Optional.empty(), Optional.of(script.toString()), Optional.of(true),
            Optional.of(env), Optional.of("60s"), Optional.empty()), c);
        assertEquals(expected, out.stdout().lines().toList());
      }
    } finally {
      assertFalse(Files.deleteIfExists(canary), "a value was run as a command");
    }
  }

  /** Exit codes, a missing program and the kill on timeout behave with an environment as without one. */
  @Test
  void exitCodesMissingProgramsAndTimeoutsWithSudoAndAnEnvironment(Sshd sshd) throws Exception {
    try (OsUser user = OsUser.create()) {
      user.allowSudo();
      Host h = TestHosts.host("db1", TestHosts.ssh(sshd, user.name()));
      Map<String, String> env = Map.of("MYSQL_PWD", "s3cret");
      try (StandaloneStepContext c = TestHosts.context(TestHosts.inventory(h), "db1", new RecordingLog(), Path.of("target"))) {
        HostTransport t = Transports.forTarget(c);
        CommandResult seven = t.exec(HostCommand.script("id -u; exit 7").withEnv(env).withSudo(true), new RecordingLog());
        assertEquals(7, seven.exitCode());
        assertEquals("0\n", seven.stdout(), "sudo ran it as root");
        CommandResult missing = t.exec(HostCommand.of("no-such-program-envline").withEnv(env).withSudo(true), new RecordingLog());
        assertEquals(127, missing.exitCode());
        assertTrue(missing.stderr().contains("no-such-program-envline"), missing.stderr());

        StepFailure f = assertThrows(StepFailure.class, () -> t.exec(HostCommand.of("sleep", "41.937").withEnv(env)
            .withSudo(true).withTimeout(Duration.ofMillis(800)), new RecordingLog()));
        assertTrue(f.getMessage().contains("`sudo -n -- env 'MYSQL_PWD=s3cret' sleep 41.937` did not finish within 800ms;"
            + " it was sent SIGTERM"), f.getMessage());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (anyArgumentList("sleep 41.937") && System.nanoTime() < until) Thread.sleep(100);
        assertFalse(anyArgumentList("sleep 41.937"), "the timed-out command is still running on the host");
      }
    }
  }

  private static boolean anyArgumentList(String fragment) throws IOException, InterruptedException {
    return argumentListsOnThisMachine().stream().anyMatch(a -> a.contains(fragment));
  }

  /** Every process's argument list, as ps shows it (unlimited width) and as /proc/PID/cmdline holds it. */
  private static List<String> argumentListsOnThisMachine() throws IOException, InterruptedException {
    Process ps = new ProcessBuilder("ps", "-ww", "-eo", "args").redirectErrorStream(true).start();
    List<String> all = new ArrayList<>(new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
    assertEquals(0, ps.waitFor());
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        try {
          all.add(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException gone) {
          // the process ended between listing and reading
        }
      }
    }
    return all;
  }

  /** Every byte value, CR/LF, a line that looks like an environment line, and random bytes: 64 KiB in all. */
  private static byte[] binaryInput() {
    byte[] b = new byte[64 * 1024];
    new Random(7).nextBytes(b);
    for (int i = 0; i < 256; i++) b[i] = (byte) i;
    byte[] fake = ("\n" + java.util.Base64.getEncoder().encodeToString("export A=forged && exec \"$@\"".getBytes()) + "\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(fake, 0, b, 256, fake.length);
    return b;
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static <T> T get(FutureTask<T> t) throws Exception {
    try {
      return t.get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }
}

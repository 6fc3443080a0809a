package io.runbook.steps.host.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.steps.host.TestHosts.RecordingLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostCommandTest {
  @Test
  void commandLineShowsSudoAndEnvAsEnvWouldTakeThem() {
    HostCommand c = HostCommand.of("mariadb", "-e", "select 1").withEnv(Map.of("MYSQL_PWD", "x y")).withSudo(true);
    assertEquals("sudo -n -- env 'MYSQL_PWD=x y' mariadb -e 'select 1'", c.commandLine());
  }

  @Test
  void scriptArgumentsArePositionalNotSpliced() {
    assertEquals("sh -c 'ls -- \"$1\"' sh '/data dir'", HostCommand.script("ls -- \"$1\"", "/data dir").commandLine());
  }

  @Test
  void theHostGetsNoEnvironmentValueInItsArgumentsButOneStdinLineAheadOfTheCommandsOwn() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MYSQL_PWD", "pw'1\nx");
    env.put("EMPTY", "");
    HostCommand c = HostCommand.of("mariadb-backup", "--backup").withEnv(env).withSudo(true)
        .withStdin("own\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("sudo", "-n", "--", "sh", "-c", HostCommand.ENV_FROM_STDIN, "sh", "mariadb-backup", "--backup"),
        c.effectiveArgv());
    assertFalse(c.effectiveCommandLine().contains("pw"), c.effectiveCommandLine());
    byte[] in = c.effectiveStdin().orElseThrow();
    int nl = indexOf(in, (byte) '\n');
    assertEquals("export MYSQL_PWD='pw'\\''1\nx' EMPTY='' && exec \"$@\"",
        new String(Base64.getDecoder().decode(Arrays.copyOf(in, nl)), StandardCharsets.UTF_8));
    assertArrayEquals("own\n".getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(in, nl + 1, in.length));
  }

  @Test
  void withoutEnvironmentTheCommandRunsAsItIs() {
    HostCommand c = HostCommand.of("id", "-u").withSudo(true).withStdin(new byte[] {1, 2});
    assertEquals(List.of("sudo", "-n", "--", "id", "-u"), c.effectiveArgv());
    assertArrayEquals(new byte[] {1, 2}, c.effectiveStdin().orElseThrow());
    assertTrue(HostCommand.of("true").effectiveStdin().isEmpty());
  }

  /** A missing, damaged or cut environment line runs nothing: the wrapper says so and exits 125. */
  @Test
  void theWrapperRunsNothingWithoutAWholeEnvironmentLine(@TempDir Path dir) throws Exception {
    Path ran = dir.resolve("ran");
    HostCommand good = HostCommand.of("touch", ran.toString()).withEnv(Map.of("A", "a value long enough to cut"));
    String line = new String(good.effectiveStdin().orElseThrow(), StandardCharsets.US_ASCII);
    LocalTransport local = new LocalTransport("here");
    for (String stdin : List.of("", "\n", "!!not base64!!\n", line.substring(0, 12) + "\n")) {
      CommandResult r = local.exec(HostCommand.of(good.effectiveArgv()).withStdin(stdin.getBytes(StandardCharsets.US_ASCII)),
          new RecordingLog());
      assertEquals(125, r.exitCode(), "stdin " + stdin + ": " + r.stderr());
      assertTrue(r.stderr().contains("runbook: the environment sent on stdin did not arrive or could not be set"), r.stderr());
      assertFalse(Files.exists(ran), "stdin " + stdin + " ran the command");
    }
    assertEquals(0, local.exec(HostCommand.of(good.effectiveArgv()).withStdin(line.getBytes(StandardCharsets.US_ASCII)),
        new RecordingLog()).exitCode());
    assertTrue(Files.exists(ran), "the whole line runs it (so the checks above can fail)");
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) if (b[i] == v) return i;
    return -1;
  }
}

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

  /**
   * The names refused are exactly those a real bash keeps read-only (where a host's sh is bash, the wrapper could not
   * set them and the command would not run); any other name passes.
   */
  @Test
  void namesBashKeepsReadOnlyAreRefusedOnEveryHost() throws Exception {
    Process p = new ProcessBuilder("env", "-i", "bash", "-c", "readonly -p").redirectErrorStream(true).start();
    java.util.Set<String> bashReadOnly = new java.util.TreeSet<>();
    for (String l : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^declare -\\w+ ([A-Za-z_][A-Za-z0-9_]*)").matcher(l);
      if (m.find()) bashReadOnly.add(m.group(1));
    }
    assertEquals(0, p.waitFor());
    assertEquals(HostCommand.READ_ONLY_IN_BASH, bashReadOnly);
    for (String name : bashReadOnly) {
      HostCommand c = HostCommand.of("true").withEnv(Map.of("OK", "1"));
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> c.withEnv(Map.of(name, "1")));
      assertTrue(e.getMessage().contains(name + " cannot be set") && e.getMessage().contains("RB_" + name), e.getMessage());
    }
    // what the refusal spares an operator: under bash the wrapper exits 125 and the command never runs
    HostCommand uid = HostCommand.of("true").withEnv(Map.of("NOT_UID", "1"));
    byte[] line = uid.effectiveStdin().orElseThrow();
    String script = new String(Base64.getDecoder().decode(Arrays.copyOf(line, line.length - 1)), StandardCharsets.UTF_8)
        .replace("NOT_UID=", "UID=");
    List<String> argv = new java.util.ArrayList<>(uid.effectiveArgv());
    argv.set(0, "bash");
    CommandResult r = new LocalTransport("here").exec(HostCommand.of(argv).withStdin(
        (Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8)) + "\n").getBytes(StandardCharsets.US_ASCII)),
        new RecordingLog());
    assertEquals(125, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("UID: readonly variable"), r.stderr());
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) if (b[i] == v) return i;
    return -1;
  }
}

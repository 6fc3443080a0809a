package io.runbook.steps.host.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts.RecordingLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTransportTest {
  private final LocalTransport local = new LocalTransport("here");

  @Test
  void execReturnsExitCodesStreamsAndPassesEnv() throws Exception {
    RecordingLog log = new RecordingLog();
    CommandResult r = local.exec(HostCommand.script("echo one; echo \"$X\" >&2; exit 4").withEnv(Map.of("X", "two")), log);
    assertEquals(4, r.exitCode());
    assertEquals("one\n", r.stdout());
    assertEquals("two\n", r.stderr());
    assertTrue(log.output.containsAll(List.of("one", "two")));
  }

  @Test
  void argumentsReachTheProcessVerbatim(@TempDir Path dir) throws Exception {
    Path canary = dir.resolve("pwned");
    List<String> hostile = List.of("two words", "it's", "\"q\"", "$(touch " + canary + ")", "; touch " + canary,
        "a\nb", "*", "", "\\");
    CommandResult r = local.exec(HostCommand.of(SshTransportTest.concat(List.of("printf", "%s\\0"), hostile)), new RecordingLog());
    String out = r.stdout().substring(0, r.stdout().length() - 1);
    assertEquals(hostile, Arrays.asList(out.split("\0", -1)).subList(0, hostile.size()));
    assertFalse(Files.exists(canary));
  }

  @Test
  void timeoutKillsTheProcess() {
    StepFailure f = assertThrows(StepFailure.class,
        () -> local.exec(HostCommand.of("sleep", "20").withTimeout(Duration.ofMillis(200)), new RecordingLog()));
    assertTrue(f.getMessage().contains("did not finish within 200ms"), f.getMessage());
  }

  @Test
  void missingProgramIsAClearFailure() {
    StepFailure f = assertThrows(StepFailure.class,
        () -> local.exec(HostCommand.of("no-such-program-xyz"), new RecordingLog()));
    assertTrue(f.getMessage().contains("no-such-program-xyz"), f.getMessage());
  }

  @Test
  void filesWriteReadStatGlobChmod(@TempDir Path dir) throws Exception {
    String file = dir + "/a.bin";
    local.write(file, new ByteArrayInputStream("hello ".getBytes()), false);
    local.write(file, new ByteArrayInputStream("world".getBytes()), true);
    local.write(dir + "/b.txt", new ByteArrayInputStream("x".getBytes()), false);
    local.chmod(file, 0600);
    assertEquals(new FileInfo(file, 11, 0600, false), local.stat(file).orElseThrow());
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    local.read(file, 6, in -> in.transferTo(got));
    assertEquals("world", got.toString());
    assertEquals(List.of(file), local.glob(dir + "/*.bin").stream().map(FileInfo::path).toList());
    assertTrue(local.stat(dir + "/none").isEmpty());
  }
}

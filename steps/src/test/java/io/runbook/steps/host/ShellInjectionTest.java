package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.HostileValues;
import io.runbook.steps.core.Exec;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile parameter values (quotes, ;, $(...), backticks, newlines, comment markers, backslashes...) reach a host's
 * shell only as data: through host.exec (argument list, environment, script positional arguments), host.file.write
 * and host.file.read (in the content and in the file name), over the real sshd and locally, and through core.exec.
 * Each value is written to a file and read back byte-equal, and the canary file any injection would create never
 * exists. Values no command can carry (NUL, a bad environment name) are refused with a clear step failure.
 */
@ExtendWith(SshdExtension.class)
class ShellInjectionTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void hostExecPassesEveryValueVerbatimAsArgumentAndInTheEnvironment(String kind, Sshd sshd) throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path canary = work.resolve("canary");
    List<String> values = HostileValues.shell(canary);
    HostExec exec = new HostExec();
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i);
        // As an argument and in the environment of an argument-list command (one exec keeps the test light):
        Path arg = work.resolve("arg-" + i);
        Path env = work.resolve("env-" + i);
        exec.run(new HostExec.Input(Optional.of(List.of("sh", "-c", "printf '%s' \"$1\" > \"$2\"; printf '%s' \"$V\" > \"$3\"",
            "sh", v, arg.toString(), env.toString())), Optional.empty(), Optional.empty(), Optional.of(Map.of("V", v)),
            Optional.empty(), Optional.empty()), c);
        assertArrayEquals(v.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(arg), "argument " + i + ": " + v);
        assertArrayEquals(v.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(env), "environment " + i + ": " + v);
        // In the environment of a script:
        Path script = work.resolve("script-" + i);
        exec.run(new HostExec.Input(Optional.empty(), Optional.of("printf '%s' \"$V\" > \"$O\""), Optional.empty(),
            Optional.of(Map.of("V", v, "O", script.toString())), Optional.empty(), Optional.empty()), c);
        assertArrayEquals(v.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(script), "script environment " + i + ": " + v);
      }
    }
    assertFalse(Files.exists(canary), "a value was run as a command");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void fileWriteAndReadKeepHostileContentAndNamesAsData(String kind, Sshd sshd) throws Exception {
    Path work = Files.createDirectories(tmp.resolve("files"));
    Path canary = work.resolve("canary");
    List<String> values = HostileValues.shell(canary);
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i);
        // The value in the file's name too, where a name can hold it (no slash, not empty, not . or ..).
        String name = v.isEmpty() || v.contains("/") || v.equals(".") || v.equals("..") ? "plain-" + i : "f" + i + "-" + v;
        Path file = work.resolve(name);
        new HostFileWrite().run(new HostFileWrite.Input(file.toString(), v, Optional.empty(), Optional.empty()), c);
        assertArrayEquals(v.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file), "content " + i + ": " + v);
        assertEquals(v, new HostFileRead().run(new HostFileRead.Input(file.toString(), Optional.empty()), c).content());
      }
    }
    assertFalse(Files.exists(canary), "a value was run as a command");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void valuesNoCommandCanCarryAreRefusedClearly(String kind, Sshd sshd) throws Exception {
    Path canary = tmp.resolve("canary");
    HostExec exec = new HostExec();
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      StepFailure nul = assertThrows(StepFailure.class, () -> exec.run(argv("touch", canary + "\u0000x"), c));
      assertTrue(nul.getMessage().contains("NUL"), nul.getMessage());
      StepFailure envName = assertThrows(StepFailure.class, () -> exec.run(new HostExec.Input(
          Optional.of(List.of("true")), Optional.empty(), Optional.empty(), Optional.of(Map.of("A;touch " + canary, "x")),
          Optional.empty(), Optional.empty()), c));
      assertTrue(envName.getMessage().contains("not an environment variable name"), envName.getMessage());
    }
    assertFalse(Files.exists(canary), "a refused value still ran");
  }

  @org.junit.jupiter.api.Test
  void coreExecPassesEveryValueVerbatimAndRefusesNul() throws Exception {
    Path canary = tmp.resolve("canary");
    Exec exec = new Exec();
    try (StandaloneStepContext c = StandaloneStepContext.builder().stepId("exec").log(new RecordingLog()).build()) {
      for (String v : HostileValues.shell(canary)) {
        Path out = tmp.resolve("out");
        exec.run(new Exec.Input(List.of("sh", "-c", "printf '%s' \"$1\" > \"$2\"; printf '%s' \"$V\" >> \"$2\"", "sh", v,
            out.toString()), Optional.of(Map.of("V", v)), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty()), c);
        assertArrayEquals((v + v).getBytes(StandardCharsets.UTF_8), Files.readAllBytes(out), v);
      }
      StepFailure nul = assertThrows(StepFailure.class, () -> exec.run(new Exec.Input(List.of("touch", canary + "\u0000"),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), c));
      assertTrue(nul.getMessage().contains("NUL"), nul.getMessage());
      StepFailure envName = assertThrows(StepFailure.class, () -> exec.run(new Exec.Input(List.of("true"),
          Optional.of(Map.of("A=B", "x")), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), c));
      assertTrue(envName.getMessage().contains("not an environment variable name"), envName.getMessage());
    }
    assertFalse(Files.exists(canary), "a value was run as a command");
  }

  private static HostExec.Input argv(String... argv) {
    return new HostExec.Input(Optional.of(List.of(argv)), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }
}

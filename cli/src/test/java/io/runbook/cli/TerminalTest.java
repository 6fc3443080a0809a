package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator at a terminal: the CLI runs under script(1), which gives it a pseudo-terminal, so that
 * System.console() exists; the test types the answer when the prompt shows.
 */
class TerminalTest {
  @TempDir Path dir;

  record Typed(int exit, String screen) {}

  Typed runOnTerminal(List<String> args, String prompt, String answer) throws Exception {
    return runOnTerminal(args, Map.of(), prompt, answer);
  }

  Typed runOnTerminal(List<String> args, Map<String, String> env, String prompt, String answer) throws Exception {
    ProcessBuilder java = CliProcess.builder(dir, env, args);
    String commandLine = java.command().stream().map(TerminalTest::quote).collect(Collectors.joining(" "));
    Path screen = dir.resolve("screen.txt");
    ProcessBuilder onTerminal = new ProcessBuilder("script", "-qefc", commandLine, "/dev/null").directory(dir.toFile())
        .redirectOutput(screen.toFile()).redirectErrorStream(true);
    onTerminal.environment().putAll(env);
    Process p = onTerminal.start();
    long end = System.nanoTime() + 30_000_000_000L;
    while (!Files.readString(screen).contains(prompt) && p.isAlive() && System.nanoTime() < end) Thread.sleep(50);
    try (OutputStream in = p.getOutputStream()) {
      in.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), Files.readString(screen));
    }
    return new Typed(p.exitValue(), Files.readString(screen));
  }

  static String quote(String s) { return "'" + s.replace("'", "'\"'\"'") + "'"; }

  @Test
  void theOperatorApprovesAGateByTypingItsWord() throws Exception {
    Typed t = runOnTerminal(List.of("--state-dir", dir.resolve("state").toString(), "run",
        CliTest.EXAMPLES.resolve("approval.yaml").toString()), "Type 'promote' to approve gate", "promote");
    assertEquals(0, t.exit(), t.screen());
    assertTrue(t.screen().contains("approved terminal by"), t.screen());
  }

  @Test
  void aDestructiveCommandRunsOnlyWhenTheOperatorTypesYes() throws Exception {
    Path victim = dir.resolve("victim.txt");
    Files.writeString(victim, "data");
    Path runbook = dir.resolve("wipe.yaml");
    Files.writeString(runbook, """
        runbook: wipe
        params:
          file: { type: string }
        steps:
          - id: wipe
            use: core.exec
            with: { command: [rm, "${{ params.file }}"], effect: DESTROYS }
        """);
    List<String> args = List.of("--state-dir", dir.resolve("state").toString(), "run", runbook.toString(),
        "-p", "file=" + victim);
    Typed declined = runOnTerminal(args, "Type yes to run it", "no");
    assertEquals(1, declined.exit(), declined.screen());
    assertTrue(declined.screen().contains("was not confirmed"), declined.screen());
    assertTrue(Files.exists(victim));

    Typed confirmed = runOnTerminal(args, "Type yes to run it", "yes");
    assertEquals(0, confirmed.exit(), confirmed.screen());
    assertTrue(Files.notExists(victim));
  }

  /** A gate's word (or message) built from a secret: the prompt on the terminal shows it masked. */
  @Test
  void aPromptBuiltFromASecretShowsItMasked() throws Exception {
    String canary = "Kx7canaryQz93Lp" + Long.toHexString(System.nanoTime());
    Path runbook = dir.resolve("gate.yaml");
    Files.writeString(runbook, """
        runbook: gate
        params:
          pw: { type: string, secret: true }
        steps:
          - id: gate
            use: core.approve
            with: { message: "the root password rotates", word: "${{ params.pw }}" }
        """);
    Typed t = runOnTerminal(List.of("--state-dir", dir.resolve("state").toString(), "run", runbook.toString(),
        "-p", "pw=env:CAN"), Map.of("CAN", canary), "to approve gate", "no");
    assertEquals(1, t.exit(), t.screen());
    assertTrue(t.screen().contains("Type '***' to approve gate"), t.screen());
    assertTrue(!t.screen().contains(canary.substring(0, 8)), t.screen());
  }
}

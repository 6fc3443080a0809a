package io.runbook.steps.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessRunnerTest {
  @Test
  void stdinEnvAndExitCodeReachTheProcessAndLinesStreamAsTheyCome() throws Exception {
    List<String> live = new ArrayList<>();
    var c = new ProcessRunner.Command(List.of("sh", "-c", "cat; echo \"$GREETING\"; echo oops >&2; exit 3"),
        Map.of("GREETING", "hello there"), Optional.empty(), Optional.empty(),
        Optional.of("from stdin\n".getBytes(StandardCharsets.UTF_8)));
    var r = ProcessRunner.run(c, live::add, live::add);
    assertEquals(3, r.exitCode());
    assertEquals("from stdin\nhello there\n", r.stdout());
    assertEquals("oops\n", r.stderr());
    assertFalse(r.timedOut() || r.truncated());
    assertTrue(live.containsAll(List.of("from stdin", "hello there", "oops")), live.toString());
  }

  @Test
  void aLongOutputKeepsItsEnd() throws Exception {
    var r = ProcessRunner.run(ProcessRunner.Command.of(List.of("seq", "1", "400000")), l -> { }, l -> { });
    assertTrue(r.truncated());
    assertTrue(r.stdout().length() <= OutputCapture.LIMIT);
    assertTrue(r.stdout().endsWith("\n399999\n400000\n"));
    assertFalse(r.stdout().startsWith("1\n"));
  }

  @Test
  void aMissingProgramIsAnIoExceptionNamingIt() {
    IOException e = assertThrows(IOException.class,
        () -> ProcessRunner.run(ProcessRunner.Command.of(List.of("/nonexistent/prog-xyz")), l -> { }, l -> { }));
    assertTrue(e.getMessage().contains("cannot start /nonexistent/prog-xyz"), e.getMessage());
  }
}

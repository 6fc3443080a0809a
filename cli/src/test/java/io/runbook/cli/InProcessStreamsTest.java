package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run started through {@link Main#run} reports on the streams it was given, not on the process's System.out. */
class InProcessStreamsTest {
  @Test
  void theRunViewWritesToTheGivenStreams(@TempDir Path dir) throws Exception {
    Path runbook = Files.writeString(dir.resolve("hello.yaml"), """
        runbook: hello
        steps:
          - id: greet
            use: core.log
            with: { message: hello from the step }
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream process = new ByteArrayOutputStream();
    PrintStream before = System.out;
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
         PrintStream p = new PrintStream(process, true, StandardCharsets.UTF_8)) {
      System.setOut(p);
      exit = Main.run(new String[] {"--state-dir", dir.resolve("state").toString(), "run", runbook.toString()}, o, e);
    } finally {
      System.setOut(before);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, printed + err.toString(StandardCharsets.UTF_8));
    assertTrue(printed.contains("greet") && printed.contains("succeeded"), printed);
    assertEquals("", process.toString(StandardCharsets.UTF_8), "written past the given stream");
  }
}

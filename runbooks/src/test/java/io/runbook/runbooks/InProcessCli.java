package io.runbook.runbooks;

import io.runbook.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The CLI run in this JVM through {@link Main#run}, the code path of the jar's main, with its output captured. */
final class InProcessCli {
  /** What a command printed (stdout and stderr together) and its exit code. */
  record Out(int exit, String text) {}

  private InProcessCli() {}

  /** Runs {@code runbook ARGS} quietly. */
  static Out run(List<String> args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int exit;
    try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      exit = Main.run(args.toArray(String[]::new), ps, ps);
    }
    return new Out(exit, buf.toString(StandardCharsets.UTF_8));
  }

  /** Runs {@code runbook ARGS} and copies the transcript into the test's output, for reading a failure. */
  static Out runShown(List<String> args) {
    Out out = run(args);
    System.out.println("---- runbook " + String.join(" ", args) + " -> exit " + out.exit() + "\n" + out.text());
    return out;
  }
}

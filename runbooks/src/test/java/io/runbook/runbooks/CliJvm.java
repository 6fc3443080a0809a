package io.runbook.runbooks;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CLI as a separate JVM on the test class path, as an operator's shell starts it: its own JVM options (a trust
 * store), its own environment (secrets, AZURE_AUTHORITY_HOST), a real process that can be killed.
 */
final class CliJvm {
  /** What one CLI process did: exit code, standard output and standard error. */
  record Result(int exit, String out, String err) {
    String all() { return out + err; }
  }

  private final Path workDir;
  private final Map<String, String> env;
  private final List<String> jvmOptions;

  CliJvm(Path workDir, Map<String, String> env, List<String> jvmOptions) {
    this.workDir = workDir;
    this.env = env;
    this.jvmOptions = jvmOptions;
  }

  /** Starts {@code runbook ARGS}; output goes to the two files. */
  Process start(Path out, Path err, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.runbook.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().remove("RUNBOOK_STATE_DIR");
    pb.environment().putAll(env);
    return pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(new File("/dev/null")).start();
  }

  /** Runs {@code runbook ARGS} to its end (at most 120 s: the machine is shared). */
  Result run(String... args) throws Exception {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    Process p = start(out, err, args);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("runbook " + String.join(" ", args) + " did not end in 120 s");
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    System.out.println("---- runbook " + String.join(" ", args) + " -> exit " + r.exit() + "\n" + r.all());
    return r;
  }
}

package io.runbook.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts the CLI as a separate JVM on the test class path, as an operator's shell would, and collects what it printed. */
final class CliProcess {
  /** What one CLI process did. */
  record Result(int exit, String out, String err) {
    String all() { return out + err; }
  }

  private CliProcess() {}

  static ProcessBuilder builder(Path workDir, Map<String, String> env, List<String> args) throws Exception {
    return builder(workDir, env, List.of(), args);
  }

  static ProcessBuilder builder(Path workDir, Map<String, String> env, List<String> jvmOptions, List<String> args)
      throws Exception {
    return builder(workDir, env, jvmOptions, System.getProperty("java.class.path"), args);
  }

  /** As the other builders, on the given class path (e.g. the test class path without a jar the CLI does not ship). */
  static ProcessBuilder builder(Path workDir, Map<String, String> env, List<String> jvmOptions, String classPath,
                                List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xshare:auto");
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add("io.runbook.cli.Main");
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().remove("RUNBOOK_STATE_DIR");
    pb.environment().remove("RUNBOOK_TEST_KILL_AFTER_RECORD");
    pb.environment().putAll(env);
    return pb;
  }

  static Result run(Path workDir, Map<String, String> env, String... args) throws Exception {
    return run(workDir, env, List.of(), args);
  }

  static Result run(Path workDir, Map<String, String> env, List<String> jvmOptions, String... args) throws Exception {
    return run(builder(workDir, env, jvmOptions, List.of(args)), workDir, args);
  }

  /** Runs the CLI on {@code classPath} instead of the whole test class path. */
  static Result runOn(String classPath, Path workDir, Map<String, String> env, String... args) throws Exception {
    return run(builder(workDir, env, List.of(), classPath, List.of(args)), workDir, args);
  }

  private static Result run(ProcessBuilder pb, Path workDir, String... args) throws Exception {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    Process p = pb
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(new File("/dev/null")).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("runbook " + String.join(" ", args) + " did not end in 60 s");
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }
}

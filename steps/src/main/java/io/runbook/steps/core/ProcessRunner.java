package io.runbook.steps.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * The one way to run a local command: an argument list (no shell, so nothing needs quoting), extra
 * environment, a working folder and a timeout. Output is handed over line by line as it comes and captured
 * (the last {@link #CAPTURE_LIMIT} characters of each stream). An interrupted caller kills the command.
 */
public final class ProcessRunner {
  /** Captured output beyond this many characters keeps only its end. */
  public static final int CAPTURE_LIMIT = 64 * 1024;

  /** What a command did: its exit code (-1 when killed), captured output, and whether the timeout killed it. */
  public record Result(int exitCode, String stdout, String stderr, boolean timedOut, Duration took) {}

  /** A command to run; {@code env} adds to (or overrides) this process's environment. */
  public record Command(List<String> argv, Map<String, String> env, Optional<Path> dir, Optional<Duration> timeout) {
    public Command {
      if (argv == null || argv.isEmpty()) throw new IllegalArgumentException("a command needs at least a program name");
      argv = List.copyOf(argv);
      env = env == null ? Map.of() : Map.copyOf(env);
    }

    public static Command of(List<String> argv) { return new Command(argv, Map.of(), Optional.empty(), Optional.empty()); }
  }

  private ProcessRunner() {}

  /**
   * Runs the command to its end. {@code onStdout}/{@code onStderr} get each line as it arrives.
   * Throws IOException when the program cannot be started, InterruptedException (after killing it) when the
   * calling thread is interrupted.
   */
  public static Result run(Command c, Consumer<String> onStdout, Consumer<String> onStderr)
      throws IOException, InterruptedException {
    CommandLine line = new CommandLine(c.argv().get(0));
    for (String arg : c.argv().subList(1, c.argv().size())) line.addArgument(arg, false);
    DefaultExecutor.Builder<?> builder = DefaultExecutor.builder();
    c.dir().ifPresent(builder::setWorkingDirectory);
    DefaultExecutor executor = builder.get();
    executor.setExitValues(null); // every exit code is a result; the caller decides what counts as success
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder()
        .setTimeout(c.timeout().orElse(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION)).get();
    executor.setWatchdog(watchdog);
    Capture out = new Capture(onStdout);
    Capture err = new Capture(onStderr);
    executor.setStreamHandler(new PumpStreamHandler(out, err));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(c.env());
    DefaultExecuteResultHandler result = new DefaultExecuteResultHandler();
    long start = System.nanoTime();
    executor.execute(line, env, result);
    try {
      result.waitFor();
    } catch (InterruptedException e) {
      watchdog.destroyProcess();
      result.waitFor(Duration.ofSeconds(5));
      throw e;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    ExecuteException failure = result.getException();
    if (failure != null && !watchdog.killedProcess() && failure.getCause() instanceof IOException io) {
      throw new IOException("cannot start " + c.argv().get(0) + ": " + io.getMessage(), io);
    }
    out.close();
    err.close();
    boolean killed = watchdog.killedProcess();
    return new Result(killed ? -1 : result.getExitValue(), out.text(), err.text(), killed, took);
  }

  /** Splits a stream into lines for the callback and keeps the end of it. */
  private static final class Capture extends LogOutputStream {
    private final Consumer<String> onLine;
    private final StringBuilder text = new StringBuilder();

    Capture(Consumer<String> onLine) {
      super(1, StandardCharsets.UTF_8);
      this.onLine = onLine;
    }

    @Override
    protected synchronized void processLine(String lineText, int level) {
      onLine.accept(lineText);
      if (text.length() > 0) text.append('\n');
      text.append(lineText);
      if (text.length() > CAPTURE_LIMIT * 2) text.delete(0, text.length() - CAPTURE_LIMIT);
    }

    synchronized String text() {
      return text.length() > CAPTURE_LIMIT ? text.substring(text.length() - CAPTURE_LIMIT) : text.toString();
    }
  }
}

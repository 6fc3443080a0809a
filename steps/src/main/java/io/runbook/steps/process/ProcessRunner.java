package io.runbook.steps.process;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import org.apache.commons.exec.PumpStreamHandler;

/**
 * The one way to run a process on the machine running the engine (commons-exec): an argument list (no shell, so
 * nothing needs quoting), extra environment, a working folder, bytes for stdin and a timeout. Output is handed
 * over line by line as it comes and captured ({@link OutputCapture}). An interrupted caller kills the process.
 */
public final class ProcessRunner {

  /** What a process did: its exit code (-1 when killed), captured output, and whether the timeout killed it. */
  public record Result(int exitCode, String stdout, String stderr, boolean truncated, boolean timedOut, Duration took) {}

  /** A process to run; {@code env} adds to (or overrides) this process's environment. */
  public record Command(List<String> argv, Map<String, String> env, Optional<Path> dir, Optional<Duration> timeout,
                        Optional<byte[]> stdin) {
    public Command {
      if (argv == null || argv.isEmpty()) throw new IllegalArgumentException("a command needs at least a program name");
      argv = List.copyOf(argv);
      env = env == null ? Map.of() : Map.copyOf(env);
    }

    public Command(List<String> argv, Map<String, String> env, Optional<Path> dir, Optional<Duration> timeout) {
      this(argv, env, dir, timeout, Optional.empty());
    }

    public static Command of(List<String> argv) { return new Command(argv, Map.of(), Optional.empty(), Optional.empty()); }
  }

  private static final java.util.regex.Pattern ENV_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private ProcessRunner() {}

  /**
   * commons-exec's CommandLine trims every argument (and parses quotes unless told not to): this one hands the
   * process exactly the arguments given, so a value with leading or trailing spaces arrives as it is.
   */
  private static final class VerbatimCommandLine extends CommandLine {
    private final String[] argv;

    VerbatimCommandLine(List<String> argv) {
      super(argv.get(0));
      this.argv = argv.toArray(String[]::new);
    }

    @Override
    public String[] toStrings() { return argv.clone(); }
  }

  /**
   * Runs the process to its end. {@code onStdout}/{@code onStderr} get each line as it arrives.
   * Throws IOException when the program cannot be started, InterruptedException (after killing it) when the
   * calling thread is interrupted.
   */
  public static Result run(Command c, Consumer<String> onStdout, Consumer<String> onStderr)
      throws IOException, InterruptedException {
    for (String arg : c.argv()) {
      if (arg.indexOf('\0') >= 0) throw new IOException("an argument holds a NUL character, which no program can receive");
    }
    for (Map.Entry<String, String> e : c.env().entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) throw new IOException("'" + e.getKey() + "' is not an environment variable name");
      if (e.getValue().indexOf('\0') >= 0) {
        throw new IOException("environment variable " + e.getKey() + " holds a NUL character, which no program can receive");
      }
    }
    CommandLine line = new VerbatimCommandLine(c.argv());
    DefaultExecutor.Builder<?> builder = DefaultExecutor.builder();
    c.dir().ifPresent(builder::setWorkingDirectory);
    DefaultExecutor executor = builder.get();
    executor.setExitValues(null); // every exit code is a result; the caller decides what counts as success
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder()
        .setTimeout(c.timeout().orElse(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION)).get();
    executor.setWatchdog(watchdog);
    OutputCapture out = new OutputCapture(onStdout);
    OutputCapture err = new OutputCapture(onStderr);
    // Without stdin bytes the child gets an empty stdin: it must never wait on the engine's terminal.
    executor.setStreamHandler(new PumpStreamHandler(out, err, new ByteArrayInputStream(c.stdin().orElse(new byte[0]))));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(c.env());
    DefaultExecuteResultHandler result = new DefaultExecuteResultHandler();
    long start = System.nanoTime();
    try {
      executor.execute(line, env, result);
      try {
        result.waitFor();
      } catch (InterruptedException e) {
        watchdog.destroyProcess();
        result.waitFor(Duration.ofSeconds(5));
        throw e;
      }
    } finally {
      out.close();
      err.close();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    boolean killed = watchdog.killedProcess();
    ExecuteException failure = result.getException();
    if (failure != null && !killed && (failure.getCause() instanceof IOException
        || result.getExitValue() == org.apache.commons.exec.Executor.INVALID_EXITVALUE)) {
      String why = failure.getCause() instanceof IOException io ? io.getMessage() : failure.getMessage();
      throw new IOException("cannot start " + c.argv().get(0) + ": " + why, failure);
    }
    return new Result(killed ? -1 : result.getExitValue(), out.text(), err.text(), out.truncated() || err.truncated(),
        killed, took);
  }
}

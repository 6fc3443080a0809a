package io.runbook.steps.host.transport;

import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs a process on the machine running the engine (commons-exec): the argument list goes to the OS as is, with
 * no shell in between; output lines stream to the step log; a timeout kills the process.
 */
public final class LocalProcessRunner {
  private final Map<String, String> baseEnv;

  public LocalProcessRunner() { this(System.getenv()); }

  /** A runner whose processes see {@code baseEnv} (plus each command's own env). */
  public LocalProcessRunner(Map<String, String> baseEnv) { this.baseEnv = Map.copyOf(baseEnv); }

  public CommandResult run(HostCommand command, StepLog log) throws StepFailure, InterruptedException {
    List<String> argv = command.sudo() ? command.effectiveArgv() : command.argv();
    CommandLine line = new CommandLine(argv.get(0));
    for (String arg : argv.subList(1, argv.size())) line.addArgument(arg, false);
    Map<String, String> env = new HashMap<>(baseEnv);
    // With sudo the env goes through `env K=V` in the argv; without, straight into the process environment.
    if (!command.sudo()) env.putAll(command.env());

    LineCapture out = new LineCapture(log::output);
    LineCapture err = new LineCapture(log::output);
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder()
        .setTimeout(command.timeout().orElse(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION)).get();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    executor.setExitValues(null);
    executor.setWatchdog(watchdog);
    executor.setStreamHandler(new PumpStreamHandler(out, err,
        new ByteArrayInputStream(command.stdin().orElse(new byte[0]))));
    DefaultExecuteResultHandler result = new DefaultExecuteResultHandler();
    try {
      executor.execute(line, env, result);
      result.waitFor();
    } catch (IOException e) {
      throw StepFailure.fatal("local: cannot start `" + command.commandLine() + "`: " + e.getMessage(),
          "check that " + argv.get(0) + " is installed and on PATH");
    } catch (InterruptedException e) {
      watchdog.destroyProcess();
      throw e;
    } finally {
      closeQuietly(out);
      closeQuietly(err);
    }
    if (watchdog.killedProcess()) {
      Duration t = command.timeout().orElse(Duration.ZERO);
      throw StepFailure.fatal("local: `" + command.commandLine() + "` did not finish within "
          + io.runbook.engine.util.Durations.format(t) + " and was killed", "raise the step's timeout or find out why it hangs");
    }
    if (result.getException() != null && result.getExitValue() == org.apache.commons.exec.Executor.INVALID_EXITVALUE) {
      throw StepFailure.fatal("local: `" + command.commandLine() + "` could not run: " + result.getException().getMessage(),
          "check that " + argv.get(0) + " is installed and on PATH");
    }
    return new CommandResult(result.getExitValue(), out.text(), err.text(), out.truncated() || err.truncated());
  }

  private static void closeQuietly(LineCapture c) {
    try { c.close(); } catch (IOException ignored) { /* flushes the last line; nothing to lose */ }
  }
}

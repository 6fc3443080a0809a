package io.runbook.engine.run;

import io.runbook.engine.secret.Redactor;
import io.runbook.engine.spi.StepLog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * What a run says: to the console and to {@code <run-dir>/run.log}, every line redacted. Stack traces go to
 * the file only, never to the console.
 */
public final class RunLog implements AutoCloseable {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final PrintStream console;
  private final BufferedWriter file;
  private final Redactor redactor;
  private final RunListener listener;

  public RunLog(PrintStream console, Path file, Redactor redactor) throws IOException {
    this(console, file, redactor, RunListener.NONE);
  }

  /** A log that also hands each line of step output to {@code listener} (live progress). */
  public RunLog(PrintStream console, Path file, Redactor redactor, RunListener listener) throws IOException {
    this.listener = listener;
    this.console = console;
    this.file = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.redactor = redactor;
  }

  /** A line for the operator (console and file). */
  public synchronized void say(String text) {
    String line = redactor.redact(text);
    console.println(line);
    toFile(line);
  }

  /** A line for the record only (file). */
  public synchronized void note(String text) { toFile(redactor.redact(text)); }

  /** A full stack trace, redacted, to the file only. */
  public synchronized void trace(String what, Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    toFile(redactor.redact(what + "\n" + sw));
  }

  /** The log a step writes to: lines prefixed with the step's path. */
  public StepLog forStep(String path) {
    return new StepLog() {
      public void info(String m) { say("  [" + path + "] " + m); }
      public void warn(String m) { say("  [" + path + "] warning: " + m); }
      public void output(String l) {
        say("  [" + path + "] | " + l);
        listener.output(path, redactor.redact(l));
      }
      public void progress(String m) { say("  [" + path + "] ... " + m); }
    };
  }

  private void toFile(String line) {
    if (file == null) return;
    try {
      file.write(LocalTime.now().format(TIME));
      file.write(' ');
      file.write(line);
      file.newLine();
      file.flush();
    } catch (IOException e) {
      // The console still has it; a full disk must not turn into a failed step.
    }
  }

  @Override
  public synchronized void close() {
    console.flush();
    if (file == null) return;
    try { file.close(); } catch (IOException ignored) { /* nothing more to write */ }
  }
}

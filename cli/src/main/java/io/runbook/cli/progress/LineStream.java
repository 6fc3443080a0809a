package io.runbook.cli.progress;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** A PrintStream that hands each complete line written to it to a consumer (the console of a run, re-rendered). */
final class LineStream extends OutputStream {
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
  private final Consumer<String> lines;

  private LineStream(Consumer<String> lines) { this.lines = lines; }

  static PrintStream of(Consumer<String> lines) {
    return new PrintStream(new LineStream(lines), true, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      lines.accept(buf.toString(StandardCharsets.UTF_8));
      buf.reset();
    } else {
      buf.write(b);
    }
  }

  @Override
  public synchronized void flush() { }
}

package io.runbook.steps.host.transport;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.commons.exec.LogOutputStream;

/** An output stream that forwards each line to a live sink and keeps the text up to a cap (for step outputs). */
final class LineCapture extends LogOutputStream {
  static final int CAP = 1 << 20;
  private final Consumer<String> live;
  private final StringBuilder kept = new StringBuilder();
  private boolean truncated;

  LineCapture(Consumer<String> live) {
    super(0, StandardCharsets.UTF_8);
    this.live = live;
  }

  @Override
  protected synchronized void processLine(String line, int level) {
    live.accept(line);
    if (kept.length() + line.length() + 1 > CAP) {
      truncated = true;
      return;
    }
    kept.append(line).append('\n');
  }

  synchronized String text() { return kept.toString(); }

  synchronized boolean truncated() { return truncated; }
}

package io.runbook.steps.process;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.commons.exec.LogOutputStream;

/**
 * An output stream that hands each line to a live sink as it arrives and keeps the last {@link #LIMIT} characters
 * (each line ended by a newline) for the step's outputs; the end of a long output is where its errors are.
 */
public final class OutputCapture extends LogOutputStream {
  /** Captured output beyond this many characters keeps only its end. */
  public static final int LIMIT = 1 << 20;
  private final Consumer<String> live;
  private final StringBuilder kept = new StringBuilder();
  private boolean dropped;

  public OutputCapture(Consumer<String> live) {
    super(0, StandardCharsets.UTF_8);
    this.live = live;
  }

  @Override
  protected synchronized void processLine(String line, int level) {
    live.accept(line);
    kept.append(line).append('\n');
    // Trimmed in batches, not per line, so a long output costs linear time.
    if (kept.length() > 2 * LIMIT) {
      kept.delete(0, kept.length() - LIMIT);
      dropped = true;
    }
  }

  /** The kept text: the whole output, or its last {@link #LIMIT} characters. */
  public synchronized String text() {
    return kept.length() > LIMIT ? kept.substring(kept.length() - LIMIT) : kept.toString();
  }

  /** Whether the start of the output was dropped. */
  public synchronized boolean truncated() { return dropped || kept.length() > LIMIT; }
}

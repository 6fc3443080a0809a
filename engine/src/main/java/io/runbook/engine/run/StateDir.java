package io.runbook.engine.run;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** The layout of the state folder: {@code runs/<run-id>/} (journal.jsonl, run.log), {@code locks/}, {@code last-error.log}. */
public record StateDir(Path root) {
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  public Path runs() { return root.resolve("runs"); }

  public Path runDir(String runId) { return runs().resolve(runId); }

  public Path locks() { return root.resolve("locks"); }

  public Path lastError() { return root.resolve("last-error.log"); }

  /** A new run id that sorts by start time (UTC): {@code 20261125-171501-ab12}. */
  public static String newRunId(Instant now) {
    return ID_TIME.format(now) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
  }

  /** Whether a text is shaped like a run id (so it cannot name a path outside {@code runs/}). */
  public static boolean isRunId(String text) { return text != null && text.matches("[0-9]{8}-[0-9]{6}-[0-9a-f]{4}"); }
}

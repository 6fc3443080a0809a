package io.runbook.cli.progress;

import io.runbook.engine.journal.JournalRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What each step of a run has done so far, folded from the journal records as they are written. */
public final class StepTimeline {
  /** Lines of a running step's output kept for the live view. */
  static final int TAIL = 3;

  /** Where a step stands. */
  public enum Status { RUNNING, SUCCEEDED, FAILED, SKIPPED, INTERRUPTED, WAITING }

  /** One step execution (a path) and where it stands. */
  public static final class Entry {
    final String path;
    String type;
    Status status = Status.RUNNING;
    Instant started;
    Instant ended;
    String detail;
    final Deque<String> tail = new ArrayDeque<>();

    Entry(String path) { this.path = path; }

    public String path() { return path; }
    public Status status() { return status; }
    public String detail() { return detail; }

    /** How long it ran (until now while it runs). */
    public Duration elapsed(Instant now) {
      if (started == null) return Duration.ZERO;
      return Duration.between(started, ended == null ? now : ended);
    }

    /** How deep in foreach items and groups: {@code relink[1]/link} is 2. */
    public int depth() {
      int d = 0;
      for (char c : path.toCharArray()) if (c == '/' || c == '[') d++;
      return d;
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /** Folds one journal record in. */
  public synchronized Entry record(JournalRecord r) {
    String path = r.step();
    if (path == null) return null;
    Instant at = r.text("at") == null ? Instant.now() : Instant.parse(r.text("at"));
    Entry e = entries.computeIfAbsent(path, Entry::new);
    switch (r.type()) {
      case JournalRecord.STEP_STARTED -> {
        e.status = Status.RUNNING;
        e.type = r.text("use");
        e.started = at;
        e.ended = null;
        e.tail.clear();
      }
      case JournalRecord.STEP_SUCCEEDED -> end(e, Status.SUCCEEDED, at, r.text("how"));
      case JournalRecord.STEP_FAILED -> end(e, Status.FAILED, at, r.text("message"));
      case JournalRecord.STEP_SKIPPED -> end(e, Status.SKIPPED, at, r.text("reason"));
      case JournalRecord.STEP_INTERRUPTED -> end(e, Status.INTERRUPTED, at, null);
      case JournalRecord.APPROVAL_WAITING -> end(e, Status.WAITING, at, r.text("message"));
      default -> { return null; }
    }
    return e;
  }

  private static void end(Entry e, Status s, Instant at, String detail) {
    e.status = s;
    if (e.started == null) e.started = at;
    e.ended = at;
    e.detail = detail;
  }

  /** A line of a step's output: the last few are kept. */
  public synchronized void output(String path, String line) {
    Entry e = entries.computeIfAbsent(path, Entry::new);
    e.tail.addLast(line);
    while (e.tail.size() > TAIL) e.tail.removeFirst();
  }

  public synchronized List<Entry> entries() { return new ArrayList<>(entries.values()); }

  public synchronized List<Entry> running() {
    return entries.values().stream().filter(e -> e.status == Status.RUNNING && e.started != null).toList();
  }

  synchronized List<String> tail(Entry e) { return new ArrayList<>(e.tail); }
}

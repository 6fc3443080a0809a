package io.runbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.RunHistory;
import io.runbook.engine.run.JournalReplay;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data-loss window a finished run implies, read from its journal: a binlog cut (binlog.find-cut) loses what was
 * committed from the first skipped transaction until the run started; a restore from a snapshot (cloud.snapshot.find)
 * loses what was committed between the snapshot and the target the step was given (the run's start by default).
 */
final class DataLossWindow {
  private DataLossWindow() {}

  /** One line per restore point the run used; empty when it restored nothing. */
  static List<String> describe(JournalReplay replay) {
    List<String> cuts = new ArrayList<>();
    List<String> snapshots = new ArrayList<>();
    Instant started = replay.startedAt();
    for (JournalRecord r : replay.records()) {
      if (!JournalRecord.STEP_STARTED.equals(r.type())) continue;
      Optional<RunHistory.StepStanding> s = replay.history().step(r.step());
      if (s.isEmpty() || s.get().state() != RunHistory.State.SUCCEEDED || s.get().outputs() == null) continue;
      JsonNode out = s.get().outputs();
      JsonNode in = r.get("input");
      if ("binlog.find-cut".equals(r.text("use"))) {
        JsonNode skipped = out.path("firstSkipped");
        if (skipped.isMissingNode() || skipped.isNull()) {
          cuts.add(r.step() + ": every transaction in the binlogs was replayed (the cut is after the last one): "
              + "nothing the binlogs held is lost");
        } else {
          Optional<Instant> at = instant(skipped.path("time").asText(null));
          cuts.add(r.step() + ": transactions from " + skipped.path("gtid").asText() + at.map(t -> " (" + t + ")").orElse("")
              + " on are not replayed" + at.map(t -> "; window up to the run's start: " + human(Duration.between(t, started)))
              .orElse(""));
        }
      } else if ("cloud.snapshot.find".equals(r.text("use"))) {
        Optional<Instant> taken = instant(out.path("createdAt").asText(null));
        if (taken.isEmpty()) continue;
        Optional<Instant> target = instant(in == null ? null : in.path("atOrBefore").asText(null))
            .or(() -> instant(in == null ? null : in.path("bracket").asText(null)));
        Instant to = target.orElse(started);
        snapshots.add(r.step() + ": snapshot " + out.path("snapshot").asText() + " taken " + taken.get() + ", "
            + human(Duration.between(taken.get(), to)) + " before the target " + to
            + (target.isEmpty() ? " (the run's start)" : ""));
      }
    }
    List<String> all = new ArrayList<>(cuts);
    // Without a binlog replay the snapshot is where the data ends; with one it is only the base the replay started on.
    String tail = cuts.isEmpty() ? ": writes committed in between are lost" : " (the base the binlogs were replayed onto)";
    snapshots.forEach(line -> all.add(line + tail));
    return all;
  }

  private static Optional<Instant> instant(String text) {
    if (text == null || text.isBlank() || "null".equals(text)) return Optional.empty();
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      try {
        return Optional.of(LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
      } catch (DateTimeParseException e2) {
        return Optional.empty();
      }
    }
  }

  static String human(Duration d) {
    long ms = Math.abs(d.toMillis());
    String sign = d.isNegative() ? "-" : "";
    if (ms < 60_000) return sign + String.format("%.1f s", ms / 1000.0);
    if (ms < 3_600_000) return sign + String.format("%d min %d s", ms / 60_000, (ms / 1000) % 60);
    return sign + String.format("%d h %d min", ms / 3_600_000, (ms / 60_000) % 60);
  }
}

package io.runbook.engine.journal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A journal folded into what resume needs: how the run started and where each step stands. */
public final class RunHistory {
  /** Where a step stands after the records read so far. */
  public enum State {
    SUCCEEDED,
    SKIPPED,
    FAILED,
    /** Started (or interrupted) and never ended: its effect may or may not have happened. */
    IN_DOUBT,
    /** A gate that waits for an operator's approval. */
    WAITING
  }

  /** One step's standing; outputs are set for SUCCEEDED (null when the operator assumed it done). */
  public record StepStanding(State state, JsonNode outputs, String detail) {}

  /** The operator's decisions that resume records before it continues. */
  public static final String ASSUME_DONE = "assume-done";
  public static final String RERUN = "rerun";
  public static final String APPROVE = "approve";

  private final JournalRecord started;
  private final Map<String, StepStanding> steps = new LinkedHashMap<>();
  private final Set<String> approved = new HashSet<>();
  private JournalRecord finished;

  private RunHistory(JournalRecord started) { this.started = started; }

  public static RunHistory fold(List<JournalRecord> records) {
    if (records.isEmpty() || !JournalRecord.RUN_STARTED.equals(records.get(0).type())) {
      throw new IllegalArgumentException("the journal does not start with a run-started record");
    }
    RunHistory h = new RunHistory(records.get(0));
    for (JournalRecord r : records.subList(1, records.size())) h.apply(r);
    return h;
  }

  /** Applies one more record (the executor keeps the history current while it writes). */
  public void apply(JournalRecord r) {
    String step = r.step();
    switch (r.type()) {
      case JournalRecord.STEP_STARTED, JournalRecord.STEP_INTERRUPTED ->
          steps.put(step, new StepStanding(State.IN_DOUBT, null, null));
      case JournalRecord.STEP_SUCCEEDED -> steps.put(step, new StepStanding(State.SUCCEEDED, r.get("outputs"), null));
      case JournalRecord.STEP_FAILED -> steps.put(step, new StepStanding(State.FAILED, null, r.text("message")));
      case JournalRecord.STEP_SKIPPED -> steps.put(step, new StepStanding(State.SKIPPED, null, r.text("reason")));
      case JournalRecord.APPROVAL_WAITING -> steps.put(step, new StepStanding(State.WAITING, null, r.text("message")));
      case JournalRecord.DECISION -> {
        switch (r.text("decision")) {
          case ASSUME_DONE -> steps.put(step, new StepStanding(State.SUCCEEDED, null, "assumed done by the operator"));
          case RERUN -> steps.remove(step);
          case APPROVE -> approved.add(step);
          default -> { /* a decision this version does not know changes nothing */ }
        }
      }
      case JournalRecord.RUN_FINISHED -> finished = r;
      default -> { /* run-resumed and unknown records carry no step state */ }
    }
  }

  public JournalRecord started() { return started; }

  public Optional<JournalRecord> finished() { return Optional.ofNullable(finished); }

  public Optional<StepStanding> step(String path) { return Optional.ofNullable(steps.get(path)); }

  public boolean approved(String path) { return approved.contains(path); }

  /** Steps in a given state, in journal order. */
  public List<String> stepsIn(State state) {
    List<String> out = new ArrayList<>();
    steps.forEach((k, v) -> { if (v.state() == state) out.add(k); });
    return out;
  }
}

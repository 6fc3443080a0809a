package io.runbook.engine.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One line of a run's journal: {@code {"type": ..., "at": ..., "step": ..., ...}}. The types are the
 * constants below; a step is named by its path ({@code relink[1]/link}).
 */
public record JournalRecord(ObjectNode json) {
  public static final String RUN_STARTED = "run-started";
  public static final String RUN_RESUMED = "run-resumed";
  public static final String STEP_STARTED = "step-started";
  public static final String STEP_SUCCEEDED = "step-succeeded";
  public static final String STEP_FAILED = "step-failed";
  public static final String STEP_SKIPPED = "step-skipped";
  public static final String STEP_INTERRUPTED = "step-interrupted";
  public static final String APPROVAL_WAITING = "approval-waiting";
  /** The operator's decision on resume: assume-done, rerun or approve. */
  public static final String DECISION = "decision";
  public static final String RUN_FINISHED = "run-finished";

  /** A new record of a type, stamped now; add fields with {@link #with}. */
  public static JournalRecord of(String type, String step) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("type", type);
    n.put("at", Instant.now().toString());
    if (step != null) n.put("step", step);
    return new JournalRecord(n);
  }

  public JournalRecord with(String field, String value) {
    if (value != null) json.put(field, value);
    return this;
  }

  public JournalRecord with(String field, long value) {
    json.put(field, value);
    return this;
  }

  public JournalRecord with(String field, JsonNode value) {
    json.set(field, value);
    return this;
  }

  public String type() { return text("type"); }

  public String step() { return text("step"); }

  public String text(String field) {
    JsonNode v = json.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  public JsonNode get(String field) { return json.get(field); }
}

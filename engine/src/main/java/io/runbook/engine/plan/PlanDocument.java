package io.runbook.engine.plan;

import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dry-run plan: what was planned (runbook, params, inventory, each with its sha256) and every step in the order
 * it would run, with its effect, target, exact actions, preconditions and outputs. Values are plain (strings,
 * numbers, booleans, lists, maps) and redacted, so the document can be written as JSON and read back.
 * The JSON form is described in docs/plan-format.md.
 */
public record PlanDocument(
    int formatVersion,
    String runId,
    String plannedAt,
    boolean offline,
    RunbookRef runbook,
    Map<String, String> givenParams,
    Map<String, Object> params,
    Optional<InventoryRef> inventory,
    List<Step> steps,
    List<String> problems) {

  /** The version of the JSON structure; bumped when a field changes meaning or is removed. */
  public static final int FORMAT_VERSION = 1;

  /** The runbook planned: its name, summary, file and sha256 of the file. */
  public record RunbookRef(String name, String summary, String path, String sha256) {}

  /** The inventory planned against: its name, file and sha256 of the file. */
  public record InventoryRef(String name, String path, String sha256) {}

  /** What happens to one execution of a step in the plan. */
  public enum Disposition {
    /** A READS step that was run during planning: its outputs are real. */
    RAN,
    /** Planned only (CHANGES, DESTROYS, or READS in an offline plan): its outputs are predicted or decided at run time. */
    PLANNED,
    /** {@code when} is false: the step would be skipped. */
    SKIPPED,
    /** A READS step that failed while planning: the run would likely fail here too. */
    FAILED,
    /** A precondition is false now: the run would stop here unless something before it changes that. */
    BLOCKED,
    /** The step cannot be prepared yet: its inputs depend on values decided at run time, or an expression failed. */
    UNRESOLVED
  }

  /** Where a step's outputs come from in the plan. */
  public enum OutputSource {
    /** The step ran during planning (READS). */
    REAL,
    /** The step type predicted them from its input (e.g. the name of the disk it would create). */
    PREDICTED,
    /** Known only when the step really runs. */
    RUN_TIME,
    /** The step has no outputs. */
    NONE
  }

  /** A precondition with its value now: "true", "false" or "decided at run time". */
  public record Check(String kind, String that, String because, String value) {
    public static final String RUN_TIME = "decided at run time";
  }

  /**
   * One execution of one step: {@code number} counts from 1 in run order, {@code path} names it
   * ({@code id}, {@code group/id}, {@code loop[0]}), {@code depth} is how deep it sits in foreach items and
   * groups. {@code effect} is the effect of this use (the type's declared effect when the input could not be
   * bound). {@code atRisk} says, for a DESTROYS step, what it removes and where.
   */
  public record Step(
      int number,
      String path,
      int depth,
      String type,
      Disposition disposition,
      Effect effect,
      String target,
      List<Plan.Action> actions,
      List<Check> checks,
      int attempts,
      String backoff,
      String timeout,
      boolean confirm,
      boolean idempotent,
      OutputSource outputSource,
      Map<String, Object> outputs,
      String note,
      String atRisk) {

    /** Whether this step changes nothing: only READS steps. */
    public boolean readsOnly() { return effect == Effect.READS; }
  }

  /** The destructive steps, in run order (listed together at the top of a review document). */
  public List<Step> destructive() {
    // A step skipped by its when destroys nothing: the plan's warning lists only what may really run.
    return steps.stream().filter(s -> s.effect() == Effect.DESTROYS && s.disposition() != Disposition.SKIPPED).toList();
  }

  /** The outputs of the READS steps that ran, by path: what run --plan compares with the state at run time. */
  public Map<String, Map<String, Object>> readResults() {
    Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
    for (Step s : steps) if (s.disposition() == Disposition.RAN) out.put(s.path(), s.outputs());
    return out;
  }
}

package io.runbook.steps.cloud;

import io.runbook.engine.spi.StepContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tags that link a cloud resource to the run and step that made it, and names derived from the run id. */
public final class RunTags {
  /** The run id of the run that created the resource; {@code cloud.disk.delete} refuses disks without this run's. */
  public static final String RUN = "runbook-run";
  public static final String STEP = "runbook-step";

  private RunTags() {}

  public static Map<String, String> of(StepContext ctx) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(RUN, ctx.runId());
    tags.put(STEP, ctx.stepId());
    return tags;
  }

  public static boolean madeByThisRun(Map<String, String> tags, StepContext ctx) {
    return tags != null && ctx.runId().equals(tags.get(RUN));
  }

  /** Whether the tags name exactly {@code runAndStep} ({@code RUN-ID/STEP-ID}, split at the first '/'). */
  public static boolean madeBy(Map<String, String> tags, String runAndStep) {
    int slash = runAndStep.indexOf('/');
    if (tags == null || slash <= 0 || slash == runAndStep.length() - 1) return false;
    return runAndStep.substring(0, slash).equals(tags.get(RUN)) && runAndStep.substring(slash + 1).equals(tags.get(STEP));
  }

  /**
   * {@code <base>-<runId>}, cut to the 80 characters Azure allows (keeping the run id end) and limited to letters, digits, '-', '_' and '.':
   * the same run (a retry, a resume) always derives the same name, so it never makes a second resource.
   */
  public static String derivedName(String base, StepContext ctx) {
    String raw = base + "-" + ctx.runId();
    String clean = raw.replaceAll("[^A-Za-z0-9_.-]", "-");
    if (clean.length() > 80) clean = clean.substring(clean.length() - 80);
    // Azure names start with a letter or digit and end with a letter, digit or underscore.
    return clean.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9_]+$", "");
  }
}

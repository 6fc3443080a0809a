package io.runbook.cli;

import io.runbook.engine.plan.PlanCheck;
import io.runbook.engine.plan.PlanDocument;
import io.runbook.engine.plan.PlanJson;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.Runs;
import io.runbook.engine.run.StateDir;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code run --plan PLAN.json}: the run must be the one that was reviewed. */
final class ReviewedPlan {
  private ReviewedPlan() {}

  /**
   * The plan's run id when the run may start (the run takes it, so names derived from it are the reviewed ones);
   * otherwise says what differs and returns empty (the caller exits 2). Warns about changed READS results.
   */
  static Optional<String> check(Path planFile, RunbookArgs.Loaded l, StepRegistry registry, Console console) {
    PlanDocument reviewed;
    try {
      reviewed = PlanJson.read(planFile);
    } catch (IOException e) {
      console.error("cannot read the plan: " + e.getMessage() + "; nothing was run", null);
      return Optional.empty();
    }
    List<String> refusals = PlanCheck.refusals(reviewed, l.runbook().sha256(), l.given(),
        l.inventoryFile().map(Runs::sha256));
    if (!refusals.isEmpty()) {
      console.error("this run is not the one planned in " + planFile + ":\n  " + String.join("\n  ", refusals)
          + "\nnothing was run", "plan again and review the new plan: runbook plan ... --out " + planFile);
      return Optional.empty();
    }
    if (!reviewed.readResults().isEmpty()) {
      try {
        PlanDocument now = PlanCommand.make(l, registry, false, reviewed.runId(), Instant.now(), console.notes());
        for (String change : PlanCheck.changedReads(reviewed, now)) {
          console.warning("since the plan was reviewed, " + change);
        }
      } catch (IOException e) {
        console.warning("could not compare the READS results with the plan: " + e.getMessage());
      }
    }
    if (!StateDir.isRunId(reviewed.runId())) {
      console.error(planFile + " names no valid run id", "plan again");
      return Optional.empty();
    }
    return Optional.of(reviewed.runId());
  }
}

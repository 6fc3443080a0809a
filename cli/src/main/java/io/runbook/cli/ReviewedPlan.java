package io.runbook.cli;

import io.runbook.engine.plan.PlanCheck;
import io.runbook.engine.plan.PlanDocument;
import io.runbook.engine.plan.PlanJson;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.Runs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** {@code run --plan PLAN.json}: the run must be the one that was reviewed. */
final class ReviewedPlan {
  private ReviewedPlan() {}

  /** True when the run may start; otherwise says what differs (the caller exits 2). Warns about changed READS results. */
  static boolean check(Path planFile, RunbookArgs.Loaded l, StepRegistry registry, PrintWriter err) {
    PlanDocument reviewed;
    try {
      reviewed = PlanJson.read(planFile);
    } catch (IOException e) {
      err.println("runbook: cannot read the plan: " + e.getMessage());
      err.println("nothing was run");
      return false;
    }
    List<String> refusals = PlanCheck.refusals(reviewed, l.runbook().sha256(), l.given(),
        l.inventoryFile().map(Runs::sha256));
    if (!refusals.isEmpty()) {
      err.println("runbook: this run is not the one planned in " + planFile + ":");
      refusals.forEach(r -> err.println("  " + r));
      err.println("nothing was run; plan again and review the new plan: runbook plan ... --out " + planFile);
      return false;
    }
    if (!reviewed.readResults().isEmpty()) {
      try {
        PlanDocument now = PlanCommand.make(l, registry, false, reviewed.runId(), Instant.now(), err);
        for (String change : PlanCheck.changedReads(reviewed, now)) {
          err.println("warning: since the plan was reviewed, " + change);
        }
      } catch (IOException e) {
        err.println("warning: could not compare the READS results with the plan: " + e.getMessage());
      }
    }
    return true;
  }
}

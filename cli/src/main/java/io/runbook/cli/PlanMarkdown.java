package io.runbook.cli;

import io.runbook.engine.plan.PlanDocument;
import io.runbook.engine.plan.PlanDocument.Check;
import io.runbook.engine.plan.PlanDocument.OutputSource;
import io.runbook.engine.plan.PlanDocument.Step;
import io.runbook.engine.spi.Plan;
import java.util.List;
import java.util.Map;

/**
 * A plan as a Markdown document for a review meeting: what is planned (runbook sha256, params, inventory), the
 * destructive steps first with what they put at risk, the flow as a Mermaid chart, the numbered step table, then
 * each step's exact actions, preconditions and outputs.
 */
final class PlanMarkdown {
  private PlanMarkdown() {}

  static String render(PlanDocument p, String mermaid) {
    StringBuilder b = new StringBuilder();
    b.append("# Plan: ").append(p.runbook().name()).append("\n\n");
    if (!p.runbook().summary().isEmpty()) b.append(p.runbook().summary()).append("\n\n");
    b.append("| | |\n|---|---|\n");
    row(b, "Runbook", "`" + p.runbook().path() + "`");
    row(b, "Runbook sha256", "`" + p.runbook().sha256() + "`");
    row(b, "Inventory", p.inventory().map(i -> "`" + i.name() + "` from `" + i.path() + "`").orElse("none"));
    p.inventory().ifPresent(i -> row(b, "Inventory sha256", "`" + i.sha256() + "`"));
    row(b, "Planned", p.plannedAt() + " as run `" + p.runId() + "`");
    row(b, "Mode", p.offline() ? "offline: no step ran; READS results are decided at run time"
        : "online: READS steps ran for real; nothing that changes or destroys ran");
    b.append('\n');

    b.append("## Parameters\n\n");
    if (p.params().isEmpty()) {
      b.append("None.\n\n");
    } else {
      b.append("| Name | Value | Given |\n|---|---|---|\n");
      for (Map.Entry<String, Object> e : p.params().entrySet()) {
        b.append("| `").append(e.getKey()).append("` | ").append(cell(PlanText.show(e.getValue()))).append(" | ")
            .append(p.givenParams().containsKey(e.getKey()) ? "yes" : "default").append(" |\n");
      }
      b.append('\n');
    }

    List<Step> destructive = p.destructive();
    b.append("## Destructive steps\n\n");
    if (destructive.isEmpty()) {
      b.append("None: no step in this plan destroys anything.\n\n");
    } else {
      b.append("These steps remove data or a running service. Review them first.\n\n");
      b.append("| # | Step | Type | Target | At risk |\n|---|---|---|---|---|\n");
      for (Step s : destructive) {
        b.append("| ").append(s.number()).append(" | `").append(s.path()).append("` | `").append(s.type()).append("` | ")
            .append(cell(s.target())).append(" | ").append(cell(s.atRisk())).append(" |\n");
      }
      b.append('\n');
    }

    b.append("## Flow\n\n```mermaid\n").append(mermaid).append("```\n\n");

    b.append("## Steps\n\n");
    b.append("| # | Step | Type | Effect | Target | Plan | Outputs |\n|---|---|---|---|---|---|---|\n");
    for (Step s : p.steps()) {
      b.append("| ").append(s.number()).append(" | `").append(s.path()).append("` | ")
          .append(s.type() == null ? "" : "`" + s.type() + "`").append(" | ")
          .append(s.effect() == null ? "" : s.effect() == io.runbook.engine.spi.Effect.DESTROYS ? "**DESTROYS**" : s.effect().name())
          .append(" | ").append(cell(s.target())).append(" | ").append(PlanText.status(s)).append(" | ")
          .append(cell(shortOutputs(s))).append(" |\n");
    }
    b.append('\n');

    for (Step s : p.steps()) detail(b, s);
    if (!p.problems().isEmpty()) {
      b.append("## Problems\n\n");
      p.problems().forEach(x -> b.append("- ").append(x).append('\n'));
      b.append('\n');
    }
    return b.toString();
  }

  private static void detail(StringBuilder b, Step s) {
    b.append("### ").append(s.number()).append(". `").append(s.path()).append("`\n\n");
    if (s.type() != null) {
      b.append("- type `").append(s.type()).append("`, effect ").append(s.effect() == null ? "unknown" : s.effect())
          .append(s.idempotent() ? ", idempotent" : "").append(s.confirm() ? ", asks for confirmation" : "").append('\n');
    }
    b.append("- plan: ").append(PlanText.status(s)).append('\n');
    if (s.target() != null) b.append("- target: ").append(s.target()).append('\n');
    if (s.attempts() > 1) b.append("- retry: ").append(s.attempts()).append(" attempts, backoff ").append(s.backoff()).append('\n');
    if (s.timeout() != null) b.append("- timeout: ").append(s.timeout()).append('\n');
    for (Check c : s.checks()) {
      b.append("- ").append(c.kind()).append(" `").append(c.that()).append("`: **").append(c.value()).append("**")
          .append(c.because() == null ? "" : " (" + c.because() + ")").append('\n');
    }
    if (s.outputSource() != OutputSource.NONE) b.append("- ").append(PlanText.outputs(s)).append('\n');
    if (s.atRisk() != null) b.append("- at risk: ").append(s.atRisk()).append('\n');
    if (s.note() != null) b.append("- note: ").append(s.note()).append('\n');
    if (!s.actions().isEmpty()) {
      b.append("\n```\n");
      for (Plan.Action a : s.actions()) {
        b.append("# ").append(a.kind().name().toLowerCase()).append(a.target() == null ? "" : " on " + a.target()).append('\n')
            .append(a.text()).append('\n');
      }
      b.append("```\n");
    }
    b.append('\n');
  }

  private static String shortOutputs(Step s) {
    return switch (s.outputSource()) {
      case REAL -> PlanText.show(s.outputs());
      case PREDICTED -> "predicted: " + PlanText.show(s.outputs());
      case RUN_TIME -> "decided at run time";
      case NONE -> "";
    };
  }

  private static void row(StringBuilder b, String k, String v) { b.append("| ").append(k).append(" | ").append(v).append(" |\n"); }

  /** Text in a table cell: no pipes, no line breaks. */
  private static String cell(String s) { return s == null ? "" : s.replace("|", "\\|").replace("\n", " "); }
}

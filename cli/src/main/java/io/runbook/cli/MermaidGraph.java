package io.runbook.cli;

import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.Effect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A runbook's steps as a Mermaid flowchart: one node per step with its type and effect, foreach loops and groups
 * as subgraphs (parallel ones say so), destructive steps marked red, changing ones amber.
 */
final class MermaidGraph {
  private final StepRegistry registry;
  private final StringBuilder b = new StringBuilder();
  private final List<String> destroys = new ArrayList<>();
  private final List<String> changes = new ArrayList<>();
  private int next;

  private final Map<String, Effect> known;

  private MermaidGraph(StepRegistry registry, Map<String, Effect> known) {
    this.registry = registry;
    this.known = known;
  }

  /** The chart of a runbook; step effects are the declared ones, or the input's when {@code with:} holds no templates. */
  static String of(Runbook rb, StepRegistry registry) { return of(rb, registry, Map.of()); }

  /** The chart with the effects a plan found for each step id (core.exec's effect depends on its input). */
  static String of(Runbook rb, StepRegistry registry, Map<String, Effect> known) {
    MermaidGraph g = new MermaidGraph(registry, known);
    g.b.append("flowchart TD\n");
    g.chain(rb.steps(), "  ");
    g.b.append("  classDef destroys fill:#fdd,stroke:#c00,stroke-width:2px\n");
    g.b.append("  classDef changes fill:#fff4d6,stroke:#b80\n");
    if (!g.destroys.isEmpty()) g.b.append("  class ").append(String.join(",", g.destroys)).append(" destroys\n");
    if (!g.changes.isEmpty()) g.b.append("  class ").append(String.join(",", g.changes)).append(" changes\n");
    return g.b.toString();
  }

  /** Draws the steps in order, linked one after another; returns the first and last node ids. */
  private String[] chain(List<StepDecl> steps, String indent) {
    String first = null;
    String previous = null;
    for (StepDecl d : steps) {
      String id = step(d, indent);
      if (first == null) first = id;
      if (previous != null) b.append(indent).append(previous).append(" --> ").append(id).append('\n');
      previous = id;
    }
    return new String[] {first, previous};
  }

  private String step(StepDecl d, String indent) {
    boolean loop = d.foreach().isPresent();
    if (!loop && !d.isGroup()) return node(d, indent);
    String id = "g" + (next++);
    String title = loop
        ? "foreach " + d.id() + ": " + (d.as().orElse("item")) + " in " + d.foreach().get().replace("${{", "").replace("}}", "").trim()
          + (d.parallel() ? " (parallel" + (d.maxParallel() > 0 ? ", at most " + d.maxParallel() : "") + ")" : "")
        : "group " + d.id();
    b.append(indent).append("subgraph ").append(id).append("[\"").append(escape(title)).append("\"]\n");
    if (d.isGroup()) chain(d.steps(), indent + "  ");
    else node(d, indent + "  ");
    b.append(indent).append("end\n");
    return id;
  }

  private String node(StepDecl d, String indent) {
    String id = "s" + (next++);
    Effect effect = known.containsKey(d.id()) ? known.get(d.id()) : StepEffects.of(d, registry).orElse(null);
    String label = escape(d.id()) + "<br/>" + escape(d.use().orElse("?")) + (effect == null ? "" : " · " + effect)
        + d.when().map(w -> "<br/>when " + escape(w.replace("${{", "").replace("}}", "").trim())).orElse("");
    b.append(indent).append(id).append("[\"").append(label).append("\"]\n");
    if (effect == Effect.DESTROYS) destroys.add(id);
    else if (effect == Effect.CHANGES) changes.add(id);
    return id;
  }

  /** Mermaid labels in double quotes take entity codes for quotes and angle brackets. */
  private static String escape(String s) { return s.replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;"); }
}

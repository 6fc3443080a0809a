package io.runbook.cli;

import io.runbook.engine.plan.PlanDocument;
import io.runbook.engine.plan.PlanDocument.Check;
import io.runbook.engine.plan.PlanDocument.OutputSource;
import io.runbook.engine.plan.PlanDocument.Step;
import io.runbook.engine.spi.Plan;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A plan as plain text for the terminal: header, destructive steps first, then every step numbered. */
final class PlanText {
  /** Longer values are cut (the JSON form has them whole). */
  static final int MAX_VALUE = 160;

  private PlanText() {}

  static String render(PlanDocument p) {
    StringBuilder b = new StringBuilder();
    b.append("Plan of runbook ").append(p.runbook().name());
    if (!p.runbook().summary().isEmpty()) b.append(": ").append(p.runbook().summary());
    b.append('\n');
    b.append("  file      ").append(p.runbook().path()).append(" (sha256 ").append(p.runbook().sha256()).append(")\n");
    b.append("  inventory ").append(p.inventory().map(i -> i.name() + " from " + i.path() + " (sha256 " + i.sha256() + ")")
        .orElse("none")).append('\n');
    b.append("  params    ").append(p.params().isEmpty() ? "none" : show(p.params())).append('\n');
    b.append("  planned   ").append(p.plannedAt()).append(" as run ").append(p.runId())
        .append(p.offline() ? ", offline: no step ran" : ", READS steps ran for real").append('\n');
    List<Step> destructive = p.destructive();
    b.append('\n');
    if (destructive.isEmpty()) {
      b.append("No step destroys anything.\n");
    } else {
      b.append("DESTRUCTIVE STEPS (").append(destructive.size()).append("):\n");
      for (Step s : destructive) {
        b.append("  ").append(s.number()).append(". ").append(s.path()).append(" (").append(s.type()).append("): ")
            .append(s.atRisk() == null ? "see its actions" : s.atRisk()).append('\n');
      }
    }
    b.append('\n');
    for (Step s : p.steps()) step(b, s);
    if (!p.problems().isEmpty()) {
      b.append("PROBLEMS:\n");
      p.problems().forEach(x -> b.append("  ").append(x).append('\n'));
    }
    long changes = p.steps().stream().filter(s -> s.effect() != null && !s.readsOnly()).count();
    b.append(p.steps().size()).append(" steps planned, ").append(changes).append(" would change or destroy something.\n");
    return b.toString();
  }

  private static void step(StringBuilder b, Step s) {
    String indent = "  ".repeat(s.depth());
    b.append(indent).append(s.number()).append(". ").append(s.path());
    if (s.type() != null) b.append("  ").append(s.type());
    if (s.effect() != null) b.append("  ").append(s.effect());
    b.append("  [").append(status(s)).append("]");
    if (s.target() != null) b.append("  on ").append(s.target());
    b.append('\n');
    String in = indent + "     ";
    for (Check c : s.checks()) {
      b.append(in).append(c.kind()).append(' ').append(c.that()).append(": ").append(c.value());
      if (!"true".equals(c.value())) b.append(" (").append(c.because()).append(')');
      b.append('\n');
    }
    for (Plan.Action a : s.actions()) {
      b.append(in).append(a.kind().name().toLowerCase()).append(a.target() == null ? "" : " " + a.target()).append(": ")
          .append(a.text().replace("\n", "\n" + in + "  ")).append('\n');
    }
    if (s.attempts() > 1 || s.timeout() != null) {
      b.append(in);
      if (s.attempts() > 1) b.append("retry ").append(s.attempts()).append(" attempts, backoff ").append(s.backoff());
      if (s.attempts() > 1 && s.timeout() != null) b.append("; ");
      if (s.timeout() != null) b.append("timeout ").append(s.timeout());
      b.append('\n');
    }
    if (s.outputSource() != OutputSource.NONE) b.append(in).append(outputs(s)).append('\n');
    if (s.note() != null) b.append(in).append("note: ").append(s.note()).append('\n');
  }

  static String status(Step s) {
    return switch (s.disposition()) {
      case RAN -> "ran (read only)";
      case PLANNED -> "would run";
      case SKIPPED -> "skipped";
      case FAILED -> "FAILS now";
      case BLOCKED -> "BLOCKED: precondition false";
      case UNRESOLVED -> "decided at run time";
    };
  }

  static String outputs(Step s) {
    return switch (s.outputSource()) {
      case REAL -> "outputs: " + show(s.outputs());
      case PREDICTED -> "outputs (predicted): " + show(s.outputs());
      case RUN_TIME -> "outputs: decided at run time";
      case NONE -> "no outputs";
    };
  }

  /** A value on one line, cut at {@link #MAX_VALUE} characters. */
  static String show(Object v) {
    String text;
    if (v instanceof Map<?, ?> m) {
      text = m.entrySet().stream().map(e -> e.getKey() + "=" + show(e.getValue())).collect(Collectors.joining(", "));
    } else if (v instanceof List<?> l) {
      text = l.stream().map(PlanText::show).collect(Collectors.joining(", ", "[", "]"));
    } else {
      text = String.valueOf(v).replace("\n", "\\n");
    }
    return text.length() <= MAX_VALUE ? text : text.substring(0, MAX_VALUE) + "...";
  }
}

package io.runbook.cli;

import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook describe NAME}: a runbook's parameters (type, default, description) and its steps with their effects. */
@Command(name = "describe", description = "Show a runbook's parameters and steps (with what each step does to the world).")
final class DescribeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME|FILE", description = "A shipped runbook's name or a runbook file")
  String runbook;

  @Option(names = "--param-names", description = "Print only the parameter names, one a line (for shell completion)")
  boolean paramNames;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    Optional<Runbook> rb = load(runbook, registry, err);
    if (rb.isEmpty()) return 2;
    if (paramNames) {
      rb.get().params().keySet().forEach(out::println);
    } else {
      out.print(describe(rb.get(), registry));
    }
    out.flush();
    return 0;
  }

  /** A runbook by name or file, validated; problems go to {@code err}. */
  static Optional<Runbook> load(String nameOrFile, StepRegistry registry, PrintWriter err) {
    List<String> tried = new ArrayList<>();
    Optional<Path> file = RunbookFiles.resolve(nameOrFile, tried);
    if (file.isEmpty()) {
      err.println("runbook: no runbook '" + nameOrFile + "'; looked at " + String.join(", ", tried));
      return Optional.empty();
    }
    try {
      return Optional.of(RunbookLoader.load(file.get(), registry));
    } catch (ValidationException e) {
      for (Problem p : e.problems()) err.println(p.pos() + ": " + p.message());
      return Optional.empty();
    }
  }

  static String describe(Runbook rb, StepRegistry registry) {
    StringBuilder b = new StringBuilder();
    b.append(rb.name()).append(rb.summary().map(s -> ": " + s).orElse("")).append('\n');
    b.append("file: ").append(rb.source()).append('\n');
    rb.description().ifPresent(d -> b.append('\n').append(d.strip()).append('\n'));
    b.append("\nParameters:\n");
    if (rb.params().isEmpty()) b.append("  none\n");
    int width = rb.params().keySet().stream().mapToInt(String::length).max().orElse(0);
    for (ParamDecl p : rb.params().values()) {
      b.append("  ").append(pad(p.name(), width)).append("  ").append(p.type());
      if (!p.values().isEmpty()) b.append(" (").append(String.join(", ", p.values())).append(')');
      if (p.secret()) b.append(", secret");
      if (p.required()) b.append(", required");
      p.defaultValue().ifPresent(d -> b.append(", default ").append(d));
      p.pattern().ifPresent(x -> b.append(", pattern ").append(x));
      p.description().ifPresent(d -> b.append(" - ").append(d));
      b.append('\n');
    }
    b.append("\nSteps:\n");
    steps(b, rb.steps(), registry, "  ");
    return b.toString();
  }

  private static void steps(StringBuilder b, List<StepDecl> steps, StepRegistry registry, String indent) {
    for (StepDecl d : steps) {
      b.append(indent).append(d.id());
      d.use().ifPresent(u -> b.append("  ").append(u));
      StepEffects.of(d, registry).ifPresent(e -> b.append("  ").append(e));
      d.on().ifPresent(o -> b.append("  on ").append(o));
      d.foreach().ifPresent(f -> b.append("  foreach ").append(f).append(" as ").append(d.as().orElse("item"))
          .append(d.parallel() ? " (parallel)" : ""));
      d.when().ifPresent(w -> b.append("  when ").append(w));
      if (!d.require().isEmpty()) b.append("  (").append(d.require().size()).append(d.require().size() == 1 ? " precondition)" : " preconditions)");
      b.append('\n');
      if (d.isGroup()) steps(b, d.steps(), registry, indent + "  ");
    }
  }

  private static String pad(String s, int n) { return s + " ".repeat(Math.max(0, n - s.length())); }
}

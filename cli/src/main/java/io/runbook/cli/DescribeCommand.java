package io.runbook.cli;

import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.load.RunbookLocator;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Spelling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code runbook describe NAME}: a runbook's parameters (type, default, description) and its steps with their effects;
 * for a step type's name, its reference page (inputs, outputs, effect; as in docs/steps/).
 */
@Command(name = "describe", description = {"Show a runbook's parameters and steps (with what each step does to the world),",
    "or a step type's inputs, outputs and effect (runbook describe db.status)."})
final class DescribeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME|FILE|TYPE", description = "A shipped runbook's name, a runbook file or a step type")
  String runbook;

  @Option(names = "--param-names", description = "Print only the parameter names, one a line (for shell completion)")
  boolean paramNames;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec);
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    Optional<StepType<?, ?>> type = stepType(runbook, registry);
    if (type.isPresent() && !paramNames) {
      StepType<?, ?> t = type.get();
      console.result("step-type", Console.fields("name", t.name(), "effect", t.effect().name(), "idempotent",
          t.idempotent(), "summary", StepDocs.summary(t), "reference", StepDocs.page(t)), StepDocs.page(t));
      return 0;
    }
    Optional<Runbook> rb = load(runbook, registry, console);
    if (rb.isEmpty()) return 2;
    if (paramNames) {
      rb.get().params().keySet().forEach(n -> console.result("param", Console.fields("name", n), n + "\n"));
    } else {
      console.result("runbook", fields(rb.get(), registry), describe(rb.get(), registry));
    }
    return 0;
  }

  /** The runbook as a JSON event's fields: what {@link #describe} shows, as data. */
  static Map<String, Object> fields(Runbook rb, StepRegistry registry) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("name", rb.name());
    f.put("summary", rb.summary().orElse(null));
    f.put("file", rb.source().toString());
    f.put("description", rb.description().map(String::strip).orElse(null));
    List<Map<String, Object>> params = new ArrayList<>();
    for (ParamDecl p : rb.params().values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("type", p.type());
      if (!p.values().isEmpty()) m.put("values", p.values());
      m.put("secret", p.secret());
      m.put("required", p.required());
      p.defaultValue().ifPresent(d -> m.put("default", String.valueOf(d)));
      p.pattern().ifPresent(x -> m.put("pattern", x));
      p.description().ifPresent(d -> m.put("description", d));
      params.add(m);
    }
    f.put("params", params);
    f.put("steps", stepFields(rb.steps(), registry));
    return f;
  }

  private static List<Map<String, Object>> stepFields(List<StepDecl> steps, StepRegistry registry) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (StepDecl d : steps) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", d.id());
      d.use().ifPresent(u -> m.put("use", u));
      StepEffects.of(d, registry).ifPresent(e -> m.put("effect", e));
      d.on().ifPresent(o -> m.put("on", o));
      d.foreach().ifPresent(x -> {
        m.put("foreach", x);
        m.put("as", d.as().orElse("item"));
        m.put("parallel", d.parallel());
      });
      d.when().ifPresent(w -> m.put("when", w));
      m.put("preconditions", d.require().size());
      if (d.isGroup()) m.put("steps", stepFields(d.steps(), registry));
      out.add(m);
    }
    return out;
  }

  /** A runbook by name or file, validated; problems go to {@code err}. */
  static Optional<Runbook> load(String nameOrFile, StepRegistry registry, Console console) {
    List<String> tried = new ArrayList<>();
    Optional<Path> file = RunbookFiles.resolve(nameOrFile, tried);
    if (file.isEmpty()) {
      console.error(RunbookFiles.notFound(nameOrFile, tried) + stepTypeHint(nameOrFile, registry), null);
      return Optional.empty();
    }
    try {
      return Optional.of(RunbookLoader.load(file.get(), registry));
    } catch (ValidationException e) {
      e.problems().forEach(console::problem);
      if (console.json()) console.stopped(file.get() + " does not validate");
      return Optional.empty();
    }
  }

  /** The step type {@code name} stands for when no runbook does (runbook names have no dots, step types do). */
  static Optional<StepType<?, ?>> stepType(String name, StepRegistry registry) {
    if (RunbookFiles.resolve(name, new ArrayList<>()).isPresent()) return Optional.empty();
    return registry.find(name);
  }

  /** For a name that looks like a step type (words with dots, no path): the nearest one, to describe instead. */
  static String stepTypeHint(String name, StepRegistry registry) {
    if (!name.contains(".") || RunbookLocator.isPath(name)) return "";
    return Spelling.closest(name, registry.names())
        .map(c -> "; did you mean the step type " + c + "? runbook describe " + c)
        .orElse("; no step type is named so either (runbook list shows them)");
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

package io.runbook.cli;

import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook list}: the runbooks that can be run by name (shipped and ./runbooks) and the step types. */
@Command(name = "list", description = "List the runbooks that can be run by name (shipped and ./runbooks) and the step types.")
final class ListCommand implements Callable<Integer> {
  @Option(names = "--names", description = "Print only the runbook names, one a line (for shell completion)")
  boolean names;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Console console = Console.of(spec);
    Map<String, Path> found = runbooks();
    if (names) {
      found.forEach((n, f) -> console.result("runbook", Console.fields("name", n, "file", f.toString()), n + "\n"));
      return 0;
    }
    console.text("Runbooks:\n");
    if (found.isEmpty()) {
      console.text("  none (shipped ones are under $RUNBOOK_HOME/runbooks, your own under ./runbooks)\n");
    }
    int width = found.keySet().stream().mapToInt(String::length).max().orElse(0);
    for (var e : found.entrySet()) {
      String summary;
      try {
        Runbook rb = RunbookLoader.parse(e.getValue());
        summary = rb.summary().orElse("");
      } catch (ValidationException ex) {
        summary = "(does not parse: runbook validate " + e.getValue() + ")";
      }
      console.result("runbook", Console.fields("name", e.getKey(), "file", e.getValue().toString(), "summary", summary),
          "  " + e.getKey() + " ".repeat(width - e.getKey().length()) + "  " + summary + "\n");
    }
    console.text("\nStep types:\n");
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    int tw = registry.names().stream().mapToInt(String::length).max().orElse(0);
    for (StepType<?, ?> t : registry.all()) {
      console.result("step-type", Console.fields("name", t.name(), "effect", t.effect().name(), "summary", StepDocs.summary(t)),
          "  " + t.name() + " ".repeat(tw - t.name().length()) + "  " + String.format("%-8s", t.effect()) + "  "
          + StepDocs.summary(t) + "\n");
    }
    return 0;
  }

  /** Runbooks by name: the shipped ones ($RUNBOOK_HOME/runbooks) win over ./runbooks on the same name, as in run. */
  static Map<String, Path> runbooks() throws IOException {
    Map<String, Path> out = new TreeMap<>();
    String home = System.getenv("RUNBOOK_HOME");
    if (home != null && !home.isBlank()) add(out, Path.of(home, "runbooks"));
    add(out, Path.of("runbooks"));
    return out;
  }

  private static void add(Map<String, Path> out, Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        if (RunbookFiles.kindOf(f) != RunbookFiles.Kind.RUNBOOK) continue;
        String name = f.getFileName().toString();
        out.putIfAbsent(name.substring(0, name.length() - ".yaml".length()), f);
      }
    }
  }
}

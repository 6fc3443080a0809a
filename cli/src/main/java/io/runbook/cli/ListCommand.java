package io.runbook.cli;

import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.load.RunbookLocator;
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

/** {@code runbook list}: the runbooks that can be run by name (shipped and ./runbooks), the parts they call, and the step types. */
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
    Map<String, Path> parts = parts();
    int width = java.util.stream.Stream.concat(found.keySet().stream(), parts.keySet().stream())
        .mapToInt(String::length).max().orElse(0);
    print(console, "runbook", found, width);
    // Parts come after, in a section of their own: authors find and describe them, an operator choosing a procedure
    // for an incident does not mistake one for a whole runbook (docs/runbooks/parts.md).
    if (!parts.isEmpty()) {
      console.text("\nParts (called from runbooks with use: runbook; docs/runbooks/parts.md):\n");
      print(console, "part", parts, width);
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

  private static void print(Console console, String type, Map<String, Path> found, int width) {
    for (var e : found.entrySet()) {
      String summary;
      try {
        Runbook rb = RunbookLoader.parse(e.getValue());
        summary = rb.summary().orElse("");
      } catch (ValidationException ex) {
        summary = "(does not parse: runbook validate " + e.getValue() + ")";
      }
      console.result(type, Console.fields("name", e.getKey(), "file", e.getValue().toString(), "summary", summary),
          "  " + e.getKey() + " ".repeat(width - e.getKey().length()) + "  " + summary + "\n");
    }
  }

  /**
   * The parts by name ({@code runbooks/parts/NAME.yaml}, shipped ones first, as for runbooks). Not in {@code --names}:
   * completion offers the procedures to run, and a part is meant to be called.
   */
  static Map<String, Path> parts() throws IOException {
    Map<String, Path> out = new TreeMap<>();
    String home = System.getenv("RUNBOOK_HOME");
    if (home != null && !home.isBlank()) add(out, Path.of(home, "runbooks", RunbookLocator.PARTS));
    add(out, Path.of("runbooks", RunbookLocator.PARTS));
    return out;
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

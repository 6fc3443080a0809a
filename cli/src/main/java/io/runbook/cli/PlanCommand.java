package io.runbook.cli;

import io.runbook.engine.plan.PlanDocument;
import io.runbook.engine.plan.PlanJson;
import io.runbook.engine.plan.Planner;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.Preflight;
import io.runbook.engine.run.StateDir;
import io.runbook.engine.spi.StepLog;
import io.runbook.engine.util.FileErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import io.runbook.engine.spi.Effect;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook plan NAME|FILE ...}: the dry-run, as text, a Markdown review document or JSON. */
@Command(name = "plan", description = {"Dry-run: validate, then show what every step would do. READS steps really run"
    + " (unless --offline) so later steps see real values; nothing that CHANGES or DESTROYS runs."})
final class PlanCommand implements Callable<Integer> {
  /** The renderings of a plan. */
  enum Format { text, markdown, json }

  @Mixin RunbookArgs args;

  @Option(names = "--format", paramLabel = "FORMAT", description = "text (default), markdown (a review document) or json")
  Format format = Format.text;

  @Option(names = "--out", paramLabel = "PLAN.json", description = "Also write the plan as JSON, for runbook run --plan")
  Path out;

  @Option(names = "--offline", description = "Run nothing at all, not even READS steps (their outputs are decided at run time)")
  boolean offline;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Console console = Console.of(spec);
    StepRegistry registry = Session.registry(console);
    Optional<RunbookArgs.Loaded> loaded = args.load(registry, console, "nothing was planned");
    if (loaded.isEmpty()) return 2;
    // Refused as run refuses it: a plan of steps without the hosts they act on would say nothing true.
    Optional<String> noInventory = Preflight.inventoryRefusal(loaded.get().runbook(), registry,
        loaded.get().inventoryFile().isPresent());
    if (noInventory.isPresent()) {
      console.error(noInventory.get() + "; nothing was planned", null);
      return 2;
    }
    // Before planning: READS steps may take a while, and their plan must not end in a file that cannot be written.
    Optional<String> unwritable = out == null ? Optional.empty() : unwritable(out);
    if (unwritable.isPresent()) {
      console.error("cannot write the plan to " + out + ": " + unwritable.get() + "; nothing was planned",
          "give --out a file in a folder that exists, e.g. --out plan.json");
      return 2;
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    PlanDocument plan = make(loaded.get(), registry, offline, StateDir.newRunId(now), now, console.notes());
    // With the global --output json the plan is one {"type":"plan","plan":{...}} line, whatever --format says.
    // (PlanJson loads Jackson: only when asked for, so that an offline text plan stays light.)
    if (console.json()) console.result("plan", Console.fields("plan", new Console.RawJson(oneLine(PlanJson.write(plan)))), "");
    else console.result("plan", Console.fields(), render(plan, format, registry, loaded.get()));
    if (out != null) {
      try {
        Files.writeString(out, PlanJson.write(plan));
      } catch (IOException e) {
        console.error("cannot write the plan to " + out + ": " + FileErrors.describe(e), null);
        return 2;
      }
      console.note("plan written to " + out + "; after review: runbook run " + args.runbook + " ... --plan " + out);
    }
    return exitCode(plan);
  }

  /** Why the plan cannot be written to {@code file}, or empty when it looks writable. */
  static Optional<String> unwritable(Path file) {
    if (Files.isDirectory(file)) return Optional.of("it is a directory");
    Path folder = file.toAbsolutePath().getParent();
    if (folder == null || !Files.exists(folder)) return Optional.of("its folder " + folder + " does not exist");
    if (!Files.isDirectory(folder)) return Optional.of(folder + " is not a folder");
    if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(folder)) return Optional.of("permission denied");
    return Optional.empty();
  }

  /**
   * What the plan found, in run's exit codes: 2 when planning stopped on a problem (e.g. a secret parameter that
   * cannot be resolved), 1 when a READS step failed while planning (the plan is incomplete), 3 when a precondition
   * is false now (the run would stop there), else 0. Only what is known now counts: a READS step or a precondition
   * after a step that would change something was judged on the state before that change (the plan shows it, with
   * its note), so it does not decide the exit code.
   */
  static int exitCode(PlanDocument plan) {
    if (!plan.problems().isEmpty()) return 2;
    boolean failed = false;
    boolean blocked = false;
    for (PlanDocument.Step s : plan.steps()) {
      if (s.disposition() == PlanDocument.Disposition.FAILED) failed = true;
      if (s.disposition() == PlanDocument.Disposition.BLOCKED) blocked = true;
      boolean changes = s.effect() == Effect.CHANGES || s.effect() == Effect.DESTROYS;
      if (changes && s.disposition() != PlanDocument.Disposition.SKIPPED) break;
    }
    return failed ? 1 : blocked ? 3 : 0;
  }

  /** The plan's JSON without its line breaks (a JSON string never holds a raw line break, so this is exact). */
  static String oneLine(String prettyJson) {
    return prettyJson.lines().map(String::strip).reduce("", String::concat);
  }

  static String render(PlanDocument plan, Format format, StepRegistry registry, RunbookArgs.Loaded loaded) {
    return switch (format) {
      case text -> PlanText.render(plan);
      case markdown -> PlanMarkdown.render(plan, MermaidGraph.of(loaded.runbook(), registry, effects(plan)));
      case json -> PlanJson.write(plan);
    };
  }

  /** The effect of each step id as planned (the first execution of a foreach step stands for all). */
  private static Map<String, Effect> effects(PlanDocument plan) {
    Map<String, Effect> out = new HashMap<>();
    for (PlanDocument.Step s : plan.steps()) {
      if (s.effect() == null) continue;
      String last = s.path().substring(s.path().lastIndexOf('/') + 1);
      int bracket = last.indexOf('[');
      out.putIfAbsent(bracket < 0 ? last : last.substring(0, bracket), s.effect());
    }
    return out;
  }

  /** Plans in a scratch folder that is removed afterwards; what READS steps log goes to {@code err}. */
  static PlanDocument make(RunbookArgs.Loaded l, StepRegistry registry, boolean offline, String runId, Instant at,
                           PrintWriter err) throws IOException {
    Path scratch = Files.createTempDirectory("runbook-plan-");
    try {
      StepLog log = new StepLog() {
        public void info(String m) { err.println("  (plan) " + m); }
        public void warn(String m) { err.println("  (plan) warning: " + m); }
        public void output(String line) { }
        public void progress(String m) { }
      };
      return Planner.plan(new Planner.Request(l.runbook(), l.inventoryFile(), l.inventory(), l.given(), l.params(),
          offline, runId, at, System.getenv(), scratch, log), registry);
    } finally {
      try (Stream<Path> s = Files.walk(scratch)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}

package io.runbook.cli;

import io.runbook.cli.progress.ConsoleView;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.JournalReplay;
import io.runbook.engine.run.RunOutcome;
import io.runbook.engine.run.RunStatus;
import io.runbook.engine.run.Runs;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.sandbox.SandboxEstate;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import io.runbook.steps.cloud.sandbox.VmServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code runbook drill NAME|FILE -p ...}: rehearses a runbook on a fresh sandbox estate. Builds the estate (and takes a
 * snapshot of every data disk, as a snapshot schedule would have), runs the runbook against its inventory with --yes,
 * evaluates the runbook's {@code verify:} checks and prints a drill report; the estate is torn down afterwards, also
 * on failure, unless --keep.
 */
@Command(name = "drill", description = "Rehearse a runbook on a fresh sandbox estate, then check its verify: section and report.")
final class DrillCommand implements Callable<Integer> {
  @Mixin RunbookArgs args;

  @Option(names = "--keep", description = "Keep the estate afterwards (in --root, default ~/.runbook/drill) to look around")
  boolean keep;

  @Option(names = "--replicas", paramLabel = "N", description = "Replicas in the estate (default: 1)")
  int replicas = 1;

  @Option(names = "--root", paramLabel = "DIR", description = "The estate's folder (default: a temporary folder; ~/.runbook/drill with --keep)")
  String root;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  private final Map<String, Duration> phases = new LinkedHashMap<>();

  @Override
  public Integer call() {
    Console console = Console.of(spec);
    // Estate and phase narration: lines for people, {"type":"progress","text":...} events in JSON form.
    PrintWriter progress = console.lines("progress");
    try {
      return drill(console, progress);
    } finally {
      progress.flush();
    }
  }

  private int drill(Console console, PrintWriter progress) {
    if (args.inventory != null) {
      console.error("drill: the drill builds its own estate and inventory; drop -i/--inventory", null);
      return 2;
    }
    if (replicas < 0 || replicas > 9) {
      console.error("drill: --replicas must be between 0 and 9, not " + replicas, null);
      return 2;
    }
    // Plugins load exactly as for validate and run. Everything that can be checked is, before anything is built:
    // the runbook, and the parameters against the hosts the estate will have (an estate takes a minute to build).
    StepRegistry registry = Session.registry(console);
    String nothing = "nothing was built or run";
    Optional<RunbookArgs.Loaded> checked = args.loadAgainst(estateHosts(replicas), registry, console, nothing);
    if (checked.isEmpty()) return 2;
    Runbook rb = checked.get().runbook();
    try {
      VmServer.binary();
    } catch (StepFailure f) {
      console.error("drill: " + f.getMessage(), f.hint());
      return 2;
    }
    if (rb.verify().isEmpty()) {
      console.note("note: " + rb.name() + " has no verify: section; the drill only shows whether it runs");
    }
    Path dir;
    try {
      dir = root != null ? SandboxLayout.expand(root).toAbsolutePath()
          : keep ? SandboxLayout.expand("~/.runbook/drill").toAbsolutePath()
          : Files.createTempDirectory("runbook-drill-");
    } catch (IOException e) {
      console.error("drill: cannot make a temporary folder: " + e.getMessage(), null);
      return 2;
    }
    SandboxEstate estate = new SandboxEstate(dir, SandboxCommand.ConsoleLog.to(progress));
    if (!estate.exists() && !isEmptyOrMissing(dir)) {
      // The estate would refuse to build there only after the drill began, and its teardown would then warn about it.
      console.error("drill: " + dir + " exists and is not a sandbox estate; refusing to build in it; " + nothing,
          "choose another --root, or remove that folder yourself");
      return 2;
    }
    try {
      return rehearse(rb, registry, estate, console, progress);
    } catch (StepFailure f) {
      console.error("drill: " + f.getMessage(), f.hint());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      console.error("drill: interrupted", null);
      return 130;
    } finally {
      if (keep) {
        console.note("The estate stays at " + dir + "; remove it with: runbook sandbox down --root " + dir);
      } else {
        tearDown(estate, console);
      }
    }
  }

  private int rehearse(Runbook rb, StepRegistry registry, SandboxEstate estate, Console console, PrintWriter progress)
      throws StepFailure, InterruptedException {
    progress.println("== drill " + rb.name() + ": building a sandbox estate at " + estate.root() + " (" + replicas + " replica(s))");
    progress.flush();
    long t = System.nanoTime();
    if (estate.exists()) estate.down(); // a drill starts from nothing
    Path inventoryFile = estate.up(replicas);
    estate.snapshotNow(); // a snapshot schedule would have taken one
    phase("estate", t);

    args.inventory = inventoryFile;
    Optional<RunbookArgs.Loaded> loaded = args.load(registry, console, "nothing was run");
    if (loaded.isEmpty()) return 2;
    RunbookArgs.Loaded l = loaded.get();

    progress.println("== run " + rb.name() + " --yes");
    progress.flush();
    t = System.nanoTime();
    ConsoleView view = Session.view(main);
    RunOutcome outcome = Session.runs(main, registry, true, view).start(
        new Runs.Start(l.runbook(), l.inventoryFile(), l.inventory(), l.params()));
    view.finish();
    main.stdout.flush();
    phase("run", t);

    progress.println("== verify");
    progress.flush();
    t = System.nanoTime();
    List<VerifyChecks.Result> results = List.of();
    List<String> window = List.of();
    if (outcome.runDir() != null) {
      try {
        JournalReplay replay = JournalReplay.of(outcome.runDir());
        Map<String, Object> vars = replay.endVars(l.runbook(), registry, l.inventory(), l.params());
        Inventory inv = l.inventory();
        try (StandaloneStepContext ctx = estate.context(inv)) {
          results = VerifyChecks.evaluate(l.runbook().verify(), vars, inv, ctx, registry);
        }
        window = DataLossWindow.describe(replay);
      } catch (IOException e) {
        console.warning("drill: cannot read the run's journal: " + e.getMessage());
      }
    }
    phase("verify", t);
    return report(rb, outcome, results, window, console);
  }

  /** The drill report: text for people, or one {@code drill} event (docs/json-output.md); returns the exit code. */
  private int report(Runbook rb, RunOutcome outcome, List<VerifyChecks.Result> results, List<String> window,
                     Console console) {
    boolean ran = outcome.status() == RunStatus.SUCCEEDED;
    long failed = results.stream().filter(r -> !r.passed()).count();
    boolean ok = ran && failed == 0;
    String verdict = ok ? "DRILL PASSED: the run succeeded and all " + results.size() + " check(s) hold"
        : "DRILL FAILED: " + (ran ? "" : "the run did not succeed; ") + failed + " of " + results.size() + " check(s) failed";
    StringBuilder text = new StringBuilder("\n== drill report: " + rb.name() + "\n");
    text.append("run: ").append(outcome.status().name().toLowerCase())
        .append(outcome.runId() == null ? "" : " (run " + outcome.runId() + ")")
        .append(ran || outcome.message() == null ? "" : ": " + outcome.message()).append('\n');
    List<Map<String, Object>> checks = VerifyChecks.report(results, text);
    text.append("phases:\n");
    List<Map<String, Object>> phaseList = new ArrayList<>();
    phases.forEach((name, d) -> {
      text.append(String.format("  %-8s %7.1f s%n", name, d.toMillis() / 1000.0));
      phaseList.add(Console.fields("phase", name, "ms", d.toMillis()));
    });
    text.append("data-loss window:").append(window.isEmpty() ? " n/a (the run restored nothing)" : "").append('\n');
    window.forEach(w -> text.append("  ").append(w).append('\n'));
    text.append(verdict).append('\n');
    console.result("drill", Console.fields(
        "runbook", rb.name(),
        "passed", ok,
        "run", Console.fields("id", outcome.runId(), "status", outcome.status().name().toLowerCase(),
            "message", ran ? null : outcome.message()),
        "checks", checks,
        "failed", failed,
        "phases", phaseList,
        "dataLossWindow", window,
        "verdict", verdict), text.toString());
    return ok ? 0 : 1;
  }

  /**
   * The hosts of the estate {@link SandboxEstate#up} builds, by name and role, before it is built: what the runbook
   * and its host parameters are checked against (only names and roles are looked at there).
   */
  static Inventory estateHosts(int replicas) {
    Map<String, Host> hosts = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(SandboxEstate.hostNames(replicas));
    names.add(SandboxEstate.SCRATCH);
    TransportSpec local = new TransportSpec("local", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    for (String name : names) {
      String role = name.equals("primary") ? "primary" : name.equals(SandboxEstate.SCRATCH) ? "scratch" : "replica";
      hosts.put(name, new Host(name, Optional.of(role), Optional.empty(), Optional.empty(), local, Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty()));
    }
    return new Inventory("sandbox", null, hosts);
  }

  private static boolean isEmptyOrMissing(Path dir) {
    if (!Files.exists(dir)) return true;
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false; // not a folder, or not readable: the drill cannot build there either
    }
  }

  private void phase(String name, long startNanos) {
    phases.put(name, Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private static void tearDown(SandboxEstate estate, Console console) {
    try {
      if (estate.exists()) estate.down();
      Files.deleteIfExists(estate.root());
    } catch (StepFailure | IOException e) {
      console.warning("drill: could not remove the estate at " + estate.root() + ": " + e.getMessage()
          + "; remove it with: runbook sandbox down --root " + estate.root());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      console.warning("drill: interrupted while removing the estate at " + estate.root());
    }
  }
}

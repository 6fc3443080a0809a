package io.runbook.cli;

import io.runbook.cli.progress.ConsoleView;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
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
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return drill(out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int drill(PrintWriter out, PrintWriter err) {
    if (args.inventory != null) {
      err.println("runbook drill: the drill builds its own estate and inventory; drop -i/--inventory");
      return 2;
    }
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    registry.problems().forEach(p -> err.println("warning: " + p));
    List<String> tried = new ArrayList<>();
    Optional<Path> file = RunbookFiles.resolve(args.runbook, tried);
    if (file.isEmpty()) {
      err.println("runbook drill: no runbook '" + args.runbook + "'; looked at " + String.join(", ", tried));
      return 2;
    }
    Runbook rb;
    try {
      rb = RunbookLoader.load(file.get(), registry);
      VmServer.binary();
    } catch (ValidationException e) {
      e.problems().forEach(p -> err.println(p.pos() + ": " + p.message()));
      err.println("nothing was built or run");
      return 2;
    } catch (StepFailure f) {
      err.println("runbook drill: " + f.getMessage());
      if (f.hint() != null) err.println("next: " + f.hint());
      return 2;
    }
    if (rb.verify().isEmpty()) {
      out.println("note: " + rb.name() + " has no verify: section; the drill only shows whether it runs");
    }
    Path dir;
    try {
      dir = root != null ? SandboxLayout.expand(root).toAbsolutePath()
          : keep ? SandboxLayout.expand("~/.runbook/drill").toAbsolutePath()
          : Files.createTempDirectory("runbook-drill-");
    } catch (IOException e) {
      err.println("runbook drill: cannot make a temporary folder: " + e.getMessage());
      return 2;
    }
    SandboxEstate estate = new SandboxEstate(dir, SandboxCommand.ConsoleLog.to(out));
    try {
      return rehearse(rb, registry, estate, out, err);
    } catch (StepFailure f) {
      err.println("runbook drill: " + f.getMessage());
      if (f.hint() != null) err.println("next: " + f.hint());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("runbook drill: interrupted");
      return 130;
    } finally {
      if (keep) {
        out.println("The estate stays at " + dir + "; remove it with: runbook sandbox down --root " + dir);
      } else {
        tearDown(estate, err);
      }
    }
  }

  private int rehearse(Runbook rb, StepRegistry registry, SandboxEstate estate, PrintWriter out, PrintWriter err)
      throws StepFailure, InterruptedException {
    out.println("== drill " + rb.name() + ": building a sandbox estate at " + estate.root() + " (" + replicas + " replica(s))");
    out.flush();
    long t = System.nanoTime();
    if (estate.exists()) estate.down(); // a drill starts from nothing
    Path inventoryFile = estate.up(replicas);
    estate.snapshotNow(); // a snapshot schedule would have taken one
    phase("estate", t);

    args.inventory = inventoryFile;
    Optional<RunbookArgs.Loaded> loaded = args.load(registry, Console.of(spec), "nothing was run");
    if (loaded.isEmpty()) return 2;
    RunbookArgs.Loaded l = loaded.get();

    out.println("== run " + rb.name() + " --yes");
    out.flush();
    t = System.nanoTime();
    ConsoleView view = Session.view(main);
    RunOutcome outcome = Session.runs(main, registry, true, view).start(
        new Runs.Start(l.runbook(), l.inventoryFile(), l.inventory(), l.params()));
    view.finish();
    System.out.flush();
    phase("run", t);

    out.println("== verify");
    t = System.nanoTime();
    List<VerifyChecks.Result> results = List.of();
    List<String> window = List.of();
    if (outcome.runDir() != null) {
      try {
        JournalReplay replay = JournalReplay.of(outcome.runDir());
        Map<String, Object> vars = replay.endVars(l.runbook(), registry, l.inventory(), l.params());
        Inventory inv = l.inventory();
        try (StandaloneStepContext ctx = estate.context(inv)) {
          results = VerifyChecks.evaluate(l.runbook().verify(), vars, inv, ctx);
        }
        window = DataLossWindow.describe(replay);
      } catch (IOException e) {
        err.println("runbook drill: cannot read the run's journal: " + e.getMessage());
      }
    }
    phase("verify", t);
    return report(rb, outcome, results, window, out);
  }

  private int report(Runbook rb, RunOutcome outcome, List<VerifyChecks.Result> results, List<String> window, PrintWriter out) {
    boolean ran = outcome.status() == RunStatus.SUCCEEDED;
    long failed = results.stream().filter(r -> !r.passed()).count();
    out.println();
    out.println("== drill report: " + rb.name());
    out.println("run: " + outcome.status().name().toLowerCase() + (outcome.runId() == null ? "" : " (run " + outcome.runId() + ")")
        + (ran || outcome.message() == null ? "" : ": " + outcome.message()));
    out.println("checks:");
    if (results.isEmpty()) out.println("  (none)");
    for (VerifyChecks.Result r : results) {
      out.println("  " + (r.passed() ? "PASS" : "FAIL") + "  " + r.check().because());
      out.println("        " + r.what() + (r.passed() ? "" : ": " + r.detail()));
    }
    out.println("phases:");
    phases.forEach((name, d) -> out.println(String.format("  %-8s %7.1f s", name, d.toMillis() / 1000.0)));
    out.println("data-loss window:" + (window.isEmpty() ? " n/a (the run restored nothing)" : ""));
    window.forEach(w -> out.println("  " + w));
    boolean ok = ran && failed == 0;
    out.println(ok ? "DRILL PASSED: the run succeeded and all " + results.size() + " check(s) hold"
        : "DRILL FAILED: " + (ran ? "" : "the run did not succeed; ") + failed + " of " + results.size() + " check(s) failed");
    return ok ? 0 : 1;
  }

  private void phase(String name, long startNanos) {
    phases.put(name, Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private static void tearDown(SandboxEstate estate, PrintWriter err) {
    try {
      if (estate.exists()) estate.down();
      Files.deleteIfExists(estate.root());
    } catch (StepFailure | IOException e) {
      err.println("runbook drill: could not remove the estate at " + estate.root() + ": " + e.getMessage()
          + "; remove it with: runbook sandbox down --root " + estate.root());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("runbook drill: interrupted while removing the estate at " + estate.root());
    }
  }
}

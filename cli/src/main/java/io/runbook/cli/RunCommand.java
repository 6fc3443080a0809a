package io.runbook.cli;

import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.RunOutcome;
import io.runbook.engine.run.Runs;
import io.runbook.engine.validate.Validator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook run NAME|FILE -i INVENTORY -p k=v ...}: validates everything, then runs the steps, journaled. */
@Command(name = "run", description = "Run a runbook (validated first; journaled so that it can be resumed).")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME|FILE", description = "A shipped runbook's name or a runbook file")
  String runbook;

  @Option(names = {"-i", "--inventory"}, paramLabel = "FILE", description = "The inventory (needed when steps act on hosts or a cloud)")
  Path inventory;

  @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "A parameter value (repeatable)")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--params-file", paramLabel = "FILE", description = "Parameter values in a YAML file")
  Path paramsFile;

  @Option(names = "--yes", description = "Confirm destructive steps (and steps with confirm: true) without asking")
  boolean yes;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    List<String> tried = new ArrayList<>();
    Optional<Path> file = RunbookFiles.resolve(runbook, tried);
    if (file.isEmpty()) {
      err.println("runbook: no runbook '" + runbook + "'; looked at " + String.join(", ", tried));
      return 2;
    }
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    registry.problems().forEach(p -> err.println("warning: " + p));
    Runbook rb;
    Inventory inv = Inventory.EMPTY;
    Map<String, Object> bound;
    try {
      rb = RunbookLoader.load(file.get(), registry);
      if (inventory != null) {
        inv = InventoryLoader.load(inventory);
        List<Problem> problems = Validator.validate(rb, registry, Optional.of(inv));
        if (!problems.isEmpty()) throw new ValidationException(problems);
      }
      bound = ParamBinder.bind(rb, params, Optional.ofNullable(paramsFile), inv, Instant.now());
    } catch (ValidationException e) {
      for (Problem p : e.problems()) err.println(p.pos() + ": " + p.message());
      err.println("nothing was run");
      return 2;
    }
    RunOutcome outcome = Session.runs(main, registry, yes).start(
        new Runs.Start(rb, Optional.ofNullable(inventory), inv, bound));
    return Session.finish(outcome, err);
  }
}

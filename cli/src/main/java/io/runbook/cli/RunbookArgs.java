package io.runbook.cli;

import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.ParamsFile;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What run and plan take the same way: the runbook, the inventory and the parameters; and their loading. */
final class RunbookArgs {
  @Parameters(index = "0", paramLabel = "NAME|FILE", description = "A shipped runbook's name or a runbook file")
  String runbook;

  @Option(names = {"-i", "--inventory"}, paramLabel = "FILE", description = "The inventory (needed when steps act on hosts or a cloud)")
  Path inventory;

  // A list, not a map: a map would let a second -p of the same name win silently.
  @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "A parameter value (repeatable)")
  List<String> params = new ArrayList<>();

  @Option(names = "--params-file", paramLabel = "FILE", description = "Parameter values in a YAML file")
  Path paramsFile;

  /**
   * A loaded, validated runbook with its inventory and parameters. {@code given} holds the parameters as the operator
   * gave them (params file, then -p over it): what a reviewed plan is compared on.
   */
  record Loaded(Runbook runbook, Optional<Path> inventoryFile, Inventory inventory, Map<String, Object> params,
                Map<String, String> given) {}

  /** Loads and checks everything; on a problem prints each one with its position and returns empty. */
  Optional<Loaded> load(StepRegistry registry, Console console, String nothingHappened) {
    return load(registry, console, nothingHappened, Optional.empty());
  }

  /**
   * As {@link #load(StepRegistry, Console, String)}, against an inventory that has no file yet (a drill's estate
   * before it is built: its host names): the runbook and the parameters are checked against its hosts.
   */
  Optional<Loaded> loadAgainst(Inventory hostsToBe, StepRegistry registry, Console console, String nothingHappened) {
    return load(registry, console, nothingHappened, Optional.of(hostsToBe));
  }

  private Optional<Loaded> load(StepRegistry registry, Console console, String nothingHappened, Optional<Inventory> known) {
    List<String> tried = new ArrayList<>();
    Optional<Path> file = RunbookFiles.resolve(runbook, tried);
    if (file.isEmpty()) {
      console.error(RunbookFiles.notFound(runbook, tried), null);
      return Optional.empty();
    }
    try {
      // Every problem in one pass: the inventory's, and the runbook's checked against the inventory when it loads.
      List<Problem> problems = new ArrayList<>();
      Optional<Inventory> checkedInventory = known;
      if (known.isEmpty() && inventory != null) {
        try {
          checkedInventory = Optional.of(InventoryLoader.load(inventory));
        } catch (ValidationException e) {
          problems.addAll(e.problems());
        }
      }
      Runbook rb = null;
      try {
        rb = RunbookLoader.load(file.get(), registry, checkedInventory);
      } catch (ValidationException e) {
        problems.addAll(0, e.problems());
      }
      if (!problems.isEmpty()) throw new ValidationException(problems);
      Inventory inv = checkedInventory.orElse(Inventory.EMPTY);
      Map<String, String> cli = byName(params, problems);
      Map<String, Object> bound;
      try {
        bound = ParamBinder.bind(rb, cli, Optional.ofNullable(paramsFile), inv, Instant.now());
      } catch (ValidationException e) {
        problems.addAll(e.problems());
        throw new ValidationException(problems);
      }
      if (!problems.isEmpty()) throw new ValidationException(problems);
      Map<String, String> given = new LinkedHashMap<>();
      if (paramsFile != null) ParamsFile.read(paramsFile).values().forEach((k, v) -> given.put(k, String.valueOf(v)));
      given.putAll(cli);
      return Optional.of(new Loaded(rb, Optional.ofNullable(inventory), inv, bound, given));
    } catch (ValidationException e) {
      e.problems().forEach(console::problem);
      console.stopped(nothingHappened);
      return Optional.empty();
    }
  }

  /**
   * The -p values by name. A name given twice is a problem, as a duplicate key in a params file is (which one was
   * meant?); the values are not echoed: one may be a secret given by mistake.
   */
  static Map<String, String> byName(List<String> given, List<Problem> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : given) {
      int eq = kv.indexOf('=');
      if (eq < 0) {
        problems.add(new Problem(SourcePos.COMMAND_LINE, "-p " + kv + ": write -p NAME=VALUE"));
        continue;
      }
      String name = kv.substring(0, eq);
      if (out.containsKey(name)) {
        problems.add(new Problem(SourcePos.COMMAND_LINE, "parameter '" + name + "' is given twice with -p; give it once"));
        continue;
      }
      out.put(name, kv.substring(eq + 1));
    }
    return out;
  }
}

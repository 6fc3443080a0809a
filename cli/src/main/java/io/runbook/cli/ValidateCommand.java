package io.runbook.cli;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.util.FileErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook validate PATH...}: every problem of every runbook and inventory, as file:line:col: message. */
@Command(name = "validate", description = "Check runbooks and inventories completely; nothing runs. Exit 2 when any problem.")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Runbook or inventory files, or folders of them")
  List<Path> paths;

  @Option(names = {"-i", "--inventory"}, paramLabel = "FILE",
      description = "Also check the runbooks against this inventory: hosts named in on:, params and expressions")
  Path inventory;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Console console = Console.of(spec);
    StepRegistry registry = Session.registry(console);
    List<Problem> problems = new ArrayList<>();
    int checked = 0;
    Optional<Inventory> against = Optional.empty();
    if (inventory != null) {
      checked++;
      try {
        against = Optional.of(InventoryLoader.load(inventory));
      } catch (ValidationException e) {
        problems.addAll(e.problems()); // the runbooks are still checked, without the inventory
      }
    }
    for (Path p : paths) {
      if (!Files.exists(p)) {
        problems.add(new Problem(new SourcePos(p.toString(), 0, 0), "no such file or folder"));
        continue;
      }
      boolean explicit = !Files.isDirectory(p);
      int before = checked;
      for (Path file : RunbookFiles.yamlFiles(List.of(p))) {
        try {
          RunbookFiles.Kind kind = explicit ? RunbookFiles.likelyKindOf(file) : RunbookFiles.kindOf(file);
          switch (kind) {
            case RUNBOOK -> RunbookLoader.load(file, registry, against);
            case INVENTORY -> InventoryLoader.load(file);
            case OTHER -> {
              if (!explicit) continue; // params files and the like may sit beside runbooks
              problems.add(new Problem(new SourcePos(file.toString(), 1, 1),
                  "not a runbook or an inventory: it has no top-level runbook: or inventory: key"));
            }
          }
          checked++;
        } catch (ValidationException e) {
          checked++;
          problems.addAll(e.problems());
        } catch (IOException e) {
          checked++;
          problems.add(new Problem(new SourcePos(file.toString(), 0, 0), "cannot read the file: " + FileErrors.describe(e)));
        }
      }
      // "0 files checked, no problems" would pass a CI check that looks at the wrong folder.
      if (!explicit && checked == before) {
        problems.add(new Problem(new SourcePos(p.toString(), 0, 0), "no runbook or inventory files in this folder"));
      }
    }
    // Problems are what validate reports: they go to stdout, one a line (text or JSON).
    for (Problem pr : problems) {
      console.result("problem", Console.fields("file", pr.pos().file(), "line", pr.pos().line(), "col", pr.pos().col(),
          "message", pr.message()), pr.pos() + ": " + pr.message() + "\n");
    }
    console.result("summary", Console.fields("files", checked, "problems", problems.size()),
        checked + (checked == 1 ? " file" : " files") + " checked, "
        + (problems.isEmpty() ? "no problems" : problems.size() + (problems.size() == 1 ? " problem" : " problems")) + "\n");
    return problems.isEmpty() ? 0 : 2;
  }
}

package io.runbook.engine.load;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.util.FileErrors;
import io.runbook.engine.util.Sha256;
import io.runbook.engine.validate.Validator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Loads a runbook file: YAML with positions, the model, and (with {@link #load}) complete validation. */
public final class RunbookLoader {
  private RunbookLoader() {}

  /** Parses and validates; throws with every problem found, in file order. */
  public static Runbook load(Path file, StepRegistry registry) throws ValidationException {
    return load(file, registry, Optional.empty());
  }

  /** As {@link #load(Path, StepRegistry)}, also checking host names against an inventory. */
  public static Runbook load(Path file, StepRegistry registry, Optional<Inventory> inventory) throws ValidationException {
    return load(file, registry, inventory, RunbookLocator.fromEnvironment());
  }

  /**
   * As {@link #load(Path, StepRegistry, Optional)}, finding the runbooks that {@code use: runbook} steps call with
   * {@code locator}. Problems of a callee are reported at the callee's file.
   */
  public static Runbook load(Path file, StepRegistry registry, Optional<Inventory> inventory, RunbookLocator locator)
      throws ValidationException {
    List<Problem> problems = new ArrayList<>();
    Runbook rb = new CalleeLoader(locator, problems).load(file);
    problems.addAll(Validator.validate(rb, registry, inventory));
    if (!problems.isEmpty()) throw new ValidationException(sorted(problems, file));
    return rb;
  }

  /**
   * Parses only (positions kept), with the runbooks it calls; throws on YAML errors, shape errors (unknown keys,
   * bad values) and calls that cannot be resolved.
   */
  public static Runbook parse(Path file) throws ValidationException {
    List<Problem> problems = new ArrayList<>();
    Runbook rb = new CalleeLoader(RunbookLocator.fromEnvironment(), problems).load(file);
    if (!problems.isEmpty()) throw new ValidationException(sorted(problems, file));
    return rb;
  }

  record Parsed(Runbook runbook, List<Problem> problems) {}

  static Parsed parseCollecting(Path file) throws ValidationException {
    String sha;
    try {
      sha = Sha256.hex(file);
    } catch (IOException e) {
      throw new ValidationException(new Problem(new SourcePos(file.toString(), 0, 0), "cannot read the file: " + FileErrors.describe(e)));
    }
    var doc = YamlSource.document(file);
    var root = doc.root();
    if (root.isEmpty()) {
      throw new ValidationException(new Problem(new SourcePos(file.toString(), 1, 1), "the file is empty; a runbook "
          + "needs at least 'runbook:' and 'steps:'"));
    }
    PlainTree tree = new PlainTree(file.toString(), doc.text());
    Object plain = tree.convert(root.get(), "");
    Runbook rb = new RunbookParser(tree).parse(plain, file, sha);
    return new Parsed(rb, tree.problems);
  }

  static List<Problem> sorted(List<Problem> problems) { return sorted(problems, null); }

  /** In file order: the problems of {@code root} first, then those of the runbooks it calls, by file. */
  static List<Problem> sorted(List<Problem> problems, Path root) {
    String first = root == null ? null : root.toString();
    List<Problem> out = new ArrayList<>(new java.util.LinkedHashSet<>(problems));
    out.sort(java.util.Comparator.<Problem>comparingInt(p -> p.pos().file().equals(first) ? 0 : 1)
        .thenComparing(p -> first == null ? "" : p.pos().file())
        .thenComparingInt(p -> p.pos().line())
        .thenComparingInt(p -> p.pos().col()));
    return out;
  }

}

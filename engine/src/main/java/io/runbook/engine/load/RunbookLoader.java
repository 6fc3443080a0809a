package io.runbook.engine.load;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.validate.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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
    Parsed parsed = parseCollecting(file);
    List<Problem> problems = new ArrayList<>(parsed.problems());
    problems.addAll(Validator.validate(parsed.runbook(), registry, inventory));
    if (!problems.isEmpty()) throw new ValidationException(sorted(problems));
    return parsed.runbook();
  }

  /** Parses only (positions kept); throws on YAML errors and on shape errors (unknown keys, bad values). */
  public static Runbook parse(Path file) throws ValidationException {
    Parsed parsed = parseCollecting(file);
    if (!parsed.problems().isEmpty()) throw new ValidationException(sorted(parsed.problems()));
    return parsed.runbook();
  }

  private record Parsed(Runbook runbook, List<Problem> problems) {}

  private static Parsed parseCollecting(Path file) throws ValidationException {
    String sha;
    try {
      sha = sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ValidationException(new Problem(new SourcePos(file.toString(), 0, 0), "cannot read the file: " + e));
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

  static List<Problem> sorted(List<Problem> problems) {
    List<Problem> out = new ArrayList<>(problems);
    out.sort((a, b) -> a.pos().line() != b.pos().line() ? Integer.compare(a.pos().line(), b.pos().line())
        : Integer.compare(a.pos().col(), b.pos().col()));
    return out;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.runbook.cli;

import io.runbook.engine.load.RunbookLocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds runbooks: a NAME means the shipped {@code runbooks/NAME.yaml} (under $RUNBOOK_HOME), then {@code ./runbooks/NAME.yaml}. */
final class RunbookFiles {
  private RunbookFiles() {}

  /** The file a NAME or path stands for, or empty when there is none; {@code tried} gets the places looked at. */
  static Optional<Path> resolve(String nameOrFile, List<String> tried) {
    Path direct = Path.of(nameOrFile);
    if (Files.isRegularFile(direct)) return Optional.of(direct);
    if (RunbookLocator.isPath(nameOrFile)) {
      tried.add(direct.toString());
      return Optional.empty();
    }
    tried.add(direct.toString());
    // The same places a use: runbook step looks at, so that a NAME means one thing everywhere.
    return RunbookLocator.fromEnvironment().resolve(nameOrFile, Path.of(""), tried);
  }

  /**
   * Why there is no runbook for {@code nameOrFile}, after {@link #resolve} found none: a folder given for a file, or
   * the places looked at.
   */
  static String notFound(String nameOrFile, List<String> tried) {
    if (Files.isDirectory(Path.of(nameOrFile))) {
      return "no runbook '" + nameOrFile + "': it is a directory, not a runbook file (runbook validate " + nameOrFile
          + " checks the runbooks in it)";
    }
    return "no runbook '" + nameOrFile + "'; looked at " + String.join(", ", tried);
  }

  /** The YAML files under the given files and folders, in a stable order. */
  static List<Path> yamlFiles(List<Path> paths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile)
              .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted().forEach(out::add);
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** What a YAML file is, by its top-level key. */
  enum Kind { RUNBOOK, INVENTORY, OTHER }

  static Kind kindOf(Path file) throws IOException {
    // The keys are ASCII: read bytes as Latin-1 so that a file that is not UTF-8 still gets classified (the loader
    // then reports the bad byte at its line and column).
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      if (line.startsWith("runbook:")) return Kind.RUNBOOK;
      if (line.startsWith("inventory:")) return Kind.INVENTORY;
    }
    return Kind.OTHER;
  }

  /**
   * What a file named explicitly most likely is: {@link #kindOf}, else a file with a top-level {@code steps:} or
   * {@code params:} is a runbook missing its name and one with {@code hosts:} or {@code cloud:} an inventory missing
   * its name, so that the loader can say what is wrong in it.
   */
  static Kind likelyKindOf(Path file) throws IOException {
    Kind kind = kindOf(file);
    if (kind != Kind.OTHER) return kind;
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      if (line.startsWith("steps:") || line.startsWith("params:")) return Kind.RUNBOOK;
      if (line.startsWith("hosts:") || line.startsWith("cloud:")) return Kind.INVENTORY;
    }
    return Kind.OTHER;
  }
}

package io.runbook.engine.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the file a runbook name or path stands for. A NAME is a shipped runbook, {@code runbooks/NAME.yaml} under
 * $RUNBOOK_HOME, then {@code ./runbooks/NAME.yaml}; a path (it has a '/' or ends in .yaml) is taken relative to the
 * file that refers to it, or to the working directory on the command line.
 */
public final class RunbookLocator {
  private final Optional<Path> home;

  public RunbookLocator(Optional<Path> home) { this.home = home; }

  /** The locator of this process: $RUNBOOK_HOME when set. */
  public static RunbookLocator fromEnvironment() {
    String env = System.getenv("RUNBOOK_HOME");
    return new RunbookLocator(env == null || env.isBlank() ? Optional.empty() : Optional.of(Path.of(env)));
  }

  /** Whether the text is a path rather than a name. */
  public static boolean isPath(String nameOrPath) {
    return nameOrPath.contains("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml");
  }

  /**
   * The file {@code nameOrPath} stands for, seen from {@code from} (the referring file's folder, or the working
   * directory); {@code tried} gets the places looked at when there is none.
   */
  public Optional<Path> resolve(String nameOrPath, Path from, List<String> tried) {
    List<Path> candidates = new ArrayList<>();
    if (isPath(nameOrPath)) {
      candidates.add(from.resolve(nameOrPath));
    } else {
      home.ifPresent(h -> candidates.add(h.resolve("runbooks").resolve(nameOrPath + ".yaml")));
      candidates.add(Path.of("runbooks", nameOrPath + ".yaml"));
    }
    for (Path p : candidates) {
      if (Files.isRegularFile(p)) return Optional.of(p);
      tried.add(p.toString());
    }
    return Optional.empty();
  }
}

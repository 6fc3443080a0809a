package io.runbook.engine.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the file a runbook name or path stands for. A NAME is a shipped runbook, {@code runbooks/NAME.yaml} under
 * $RUNBOOK_HOME, then {@code ./runbooks/NAME.yaml}; in each folder a {@code parts/NAME.yaml} (a shared piece meant to be
 * called with {@code use: runbook}) comes right after {@code NAME.yaml}. A call by NAME looks next to the calling file
 * first ({@code NAME.yaml}, {@code parts/NAME.yaml}), so a runbook and the parts beside it travel together. A path (it
 * has a '/' or ends in .yaml) is taken relative to the file that refers to it, or to the working directory on the
 * command line.
 */
public final class RunbookLocator {
  /** The sub-folder of a runbooks folder that holds the parts: runbooks written to be called, not run on their own. */
  public static final String PARTS = "parts";

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
   * The file {@code nameOrPath} stands for on the command line, seen from {@code from} (the working directory);
   * {@code tried} gets the places looked at when there is none.
   */
  public Optional<Path> resolve(String nameOrPath, Path from, List<String> tried) {
    List<Path> candidates = new ArrayList<>();
    if (isPath(nameOrPath)) {
      candidates.add(from.resolve(nameOrPath));
    } else {
      home.ifPresent(h -> inFolder(h.resolve("runbooks"), nameOrPath, candidates));
      inFolder(Path.of("runbooks"), nameOrPath, candidates);
    }
    return first(candidates, tried);
  }

  /**
   * The file a {@code use: runbook} step in a file of folder {@code callerDir} calls: a path relative to that folder,
   * or a NAME next to the caller first, then where the command line looks.
   */
  public Optional<Path> resolveCall(String nameOrPath, Path callerDir, List<String> tried) {
    if (isPath(nameOrPath)) return resolve(nameOrPath, callerDir, tried);
    List<Path> candidates = new ArrayList<>();
    inFolder(callerDir, nameOrPath, candidates);
    home.ifPresent(h -> inFolder(h.resolve("runbooks"), nameOrPath, candidates));
    inFolder(Path.of("runbooks"), nameOrPath, candidates);
    return first(candidates, tried);
  }

  private static void inFolder(Path folder, String name, List<Path> candidates) {
    candidates.add(folder.resolve(name + ".yaml"));
    candidates.add(folder.resolve(PARTS).resolve(name + ".yaml"));
  }

  private static Optional<Path> first(List<Path> candidates, List<String> tried) {
    List<String> seen = new ArrayList<>();
    for (Path p : candidates) {
      if (Files.isRegularFile(p)) return Optional.of(p);
      String shown = p.toString();
      if (!seen.contains(shown)) seen.add(shown);
    }
    tried.addAll(seen);
    return Optional.empty();
  }
}

package io.runbook.steps.binlog;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Turns the {@code files:} input (files and folders) into the ordered list of local binlog files to scan. */
final class BinlogFiles {
  private BinlogFiles() {}

  /**
   * Each entry is a binlog file, or a folder whose {@code *.NNNNNN} files are taken in name order.
   * Files must be local to the engine for now: a step with {@code on:} an ssh host is refused.
   */
  static List<Path> resolve(List<String> entries, StepContext ctx) throws StepFailure {
    if (ctx.target().isPresent() && !ctx.target().get().transport().isLocal()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": reading binlog files on ssh host " + ctx.target().get().name()
          + " is not supported yet", "copy the binlog files next to the engine (or run the engine on that host) and drop `on:`");
    }
    List<Path> out = new ArrayList<>();
    for (String e : entries) {
      Path p = Path.of(e);
      if (Files.isDirectory(p)) {
        out.addAll(binlogsIn(p, ctx));
      } else if (Files.isRegularFile(p)) {
        out.add(p);
      } else {
        throw StepFailure.fatal("step " + ctx.stepId() + ": binlog file " + p + " does not exist",
            "check the path; the files come from the donor snapshot's datadir (bin.NNNNNN)");
      }
    }
    if (out.isEmpty()) throw StepFailure.fatal("step " + ctx.stepId() + ": no binlog files in " + entries, "list bin.NNNNNN files or their folder");
    return out;
  }

  /** The binlog files of a folder in order; relay logs (a replica's datadir) are left out, other mixes refused. */
  private static List<Path> binlogsIn(Path dir, StepContext ctx) throws StepFailure {
    Map<String, List<Path>> byBase = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(f -> f.getFileName().toString().matches(".*\\.[0-9]{6,}")).sorted().forEach(f -> {
        String name = f.getFileName().toString();
        byBase.computeIfAbsent(name.substring(0, name.lastIndexOf('.')), k -> new ArrayList<>()).add(f);
      });
    } catch (IOException ex) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": cannot list " + dir + ": " + ex.getMessage());
    }
    byBase.keySet().removeIf(base -> byBase.size() > 1 && base.contains("relay"));
    if (byBase.size() > 1) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + dir + " holds binlogs of several names: " + byBase.keySet(),
          "list the files of one of them, e.g. " + dir.resolve(byBase.keySet().iterator().next() + ".000001"));
    }
    return byBase.isEmpty() ? List.of() : byBase.values().iterator().next();
  }

  /** Runs a scan-based computation, turning file problems into step failures that say what to do. */
  static Cut find(CutRequest req, StepContext ctx) throws StepFailure {
    try {
      return new CutFinder().find(req);
    } catch (BinlogException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + e.getMessage(), e.hint());
    } catch (IOException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": reading binlog files failed: " + e.getMessage(),
          "check that the files exist and are readable");
    }
  }
}

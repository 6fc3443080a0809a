package io.runbook.steps.binlog;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.transport.FileInfo;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Turns the {@code files:} input (files and folders) into the ordered list of binlog files to scan. */
final class BinlogFiles {
  private BinlogFiles() {}

  /**
   * Each entry is a binlog file, or a folder whose {@code *.NNNNNN} files are taken in name order. The files are on
   * the step's {@code on:} host when it has one (read through its transport: over SSH for a remote host), else on
   * the engine's machine.
   */
  static List<BinlogSource> resolve(List<String> entries, StepContext ctx) throws StepFailure {
    Optional<Host> host = ctx.target();
    boolean remote = host.isPresent() && host.get().transport() != null && !host.get().transport().isLocal();
    HostTransport files = remote ? Transports.forTarget(ctx) : Transports.engineMachine(ctx);
    List<BinlogSource> out = new ArrayList<>();
    for (FileInfo f : list(entries, files, ctx)) {
      out.add(remote ? new HostBinlogFile(files, f.path(), f.size()) : BinlogSource.local(Path.of(f.path())));
    }
    return out;
  }

  /** For binlog.replay, whose pipe hands the files to a local mariadb-binlog: they must be on the engine's machine. */
  static List<BinlogSource> resolveLocal(List<String> entries, StepContext ctx) throws StepFailure {
    if (ctx.target().isPresent() && !ctx.target().get().transport().isLocal()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": binlog.replay reads the binlog files on the engine's machine, and its "
          + "on: host " + ctx.target().get().name() + " is reached over ssh", "copy the binlog files next to the engine (host.copy), "
          + "or run the engine on that host");
    }
    List<BinlogSource> out = new ArrayList<>();
    for (FileInfo f : list(entries, Transports.engineMachine(ctx), ctx)) out.add(BinlogSource.local(Path.of(f.path())));
    return out;
  }

  private static List<FileInfo> list(List<String> entries, HostTransport files, StepContext ctx) throws StepFailure {
    List<FileInfo> out = new ArrayList<>();
    for (String e : entries) {
      Optional<FileInfo> f = files.stat(e);
      if (f.isEmpty()) {
        throw StepFailure.fatal("step " + ctx.stepId() + ": binlog file " + e + " does not exist on " + files.describe(),
            "check the path; the files come from the donor snapshot's datadir (bin.NNNNNN)");
      }
      if (f.get().directory()) out.addAll(binlogsIn(e, files, ctx));
      else out.add(f.get());
    }
    if (out.isEmpty()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": no binlog files in " + entries + " on " + files.describe(),
          "list bin.NNNNNN files or their folder");
    }
    return out;
  }

  /** The binlog files of a folder (e.g. a datadir) in order; relay and Aria logs are left out, other mixes refused. */
  private static List<FileInfo> binlogsIn(String dir, HostTransport files, StepContext ctx) throws StepFailure {
    Map<String, List<FileInfo>> byBase = new TreeMap<>();
    for (FileInfo f : files.glob(dir.replaceAll("/+$", "") + "/*")) {
      String name = f.path().substring(f.path().lastIndexOf('/') + 1);
      if (name.matches(".*\\.[0-9]{6,}")) byBase.computeIfAbsent(name.substring(0, name.lastIndexOf('.')), k -> new ArrayList<>()).add(f);
    }
    // a datadir also holds relay logs (on a replica) and Aria's logs (aria_log.00000001)
    byBase.keySet().removeIf(base -> byBase.size() > 1 && (base.contains("relay") || base.equals("aria_log")));
    if (byBase.size() > 1) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + dir + " holds binlogs of several names: " + byBase.keySet(),
          "list the files of one of them, e.g. " + dir.replaceAll("/+$", "") + "/" + byBase.keySet().iterator().next() + ".000001");
    }
    return byBase.isEmpty() ? List.of() : byBase.values().iterator().next();
  }

  /** Runs a scan-based computation, turning file problems into step failures that say what to do. */
  static Cut find(CutRequest req, StepContext ctx) throws StepFailure {
    try {
      return new CutFinder().find(req);
    } catch (BinlogException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + e.getMessage(), e.hint());
    } catch (HostBinlogFile.TransportFailure e) {
      throw e.failure;
    } catch (IOException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": reading binlog files failed: " + e.getMessage(),
          "check that the files exist and are readable");
    }
  }
}

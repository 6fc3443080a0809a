package io.runbook.cli;

import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.engine.util.Durations;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.steps.cloud.sandbox.SandboxEstate;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import io.runbook.steps.cloud.sandbox.SandboxStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook sandbox up|status|snapshot|down}: a whole MariaDB-on-cloud-VMs estate in one folder of this machine. */
@Command(name = "sandbox", description = "Build, inspect, snapshot and remove a local estate (primary + replicas on sandbox VMs).",
    subcommands = {SandboxCommand.Up.class, SandboxCommand.Status.class, SandboxCommand.SnapshotNow.class, SandboxCommand.Down.class})
final class SandboxCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

  /** The options every sandbox subcommand shares. */
  abstract static class Base implements Callable<Integer> {
    @Option(names = "--root", paramLabel = "DIR", description = "The estate's folder (default: " + SandboxEstate.DEFAULT_ROOT + ")")
    String root = SandboxEstate.DEFAULT_ROOT;

    @Spec CommandSpec spec;

    SandboxEstate estate(PrintWriter out) {
      return new SandboxEstate(SandboxLayout.expand(root), ConsoleLog.to(out));
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        return execute(out);
      } catch (StepFailure f) {
        err.println("runbook sandbox: " + f.getMessage());
        if (f.hint() != null) err.println("next: " + f.hint());
        return 1;
      } catch (InterruptedException e) {
        err.println("runbook sandbox: interrupted");
        return 130;
      } finally {
        out.flush();
        err.flush();
      }
    }

    abstract int execute(PrintWriter out) throws StepFailure, InterruptedException;
  }

  @Command(name = "up", description = "Create the estate (or start the servers of an existing one); cleans a half-built one first.")
  static final class Up extends Base {
    @Option(names = "--replicas", paramLabel = "N", description = "Number of replicas (default: 1)")
    int replicas = 1;

    @Override
    int execute(PrintWriter out) throws StepFailure, InterruptedException {
      SandboxEstate estate = estate(out);
      Path inventory = estate.up(replicas);
      out.println();
      out.println("The sandbox estate is up. Its inventory: " + inventory);
      out.println("  runbook sandbox status --root " + estate.root());
      out.println("  runbook run YOUR-RUNBOOK.yaml --inventory " + inventory);
      out.println("  runbook sandbox snapshot --root " + estate.root() + "      (crash-consistent snapshots of every data disk)");
      out.println("  runbook sandbox down --root " + estate.root() + "          (stop everything, remove the folder)");
      out.println("MariaDB user " + "runbook" + ", password in " + estate.passwordFile() + " (mode 600).");
      return 0;
    }
  }

  @Command(name = "status", description = "Show the VMs, their disks and LUNs, servers, replication and snapshots.")
  static final class Status extends Base {
    @Override
    int execute(PrintWriter out) throws StepFailure, InterruptedException {
      SandboxEstate estate = estate(out);
      out.print(new SandboxStatus(estate).render());
      return estate.ready() ? 0 : 1;
    }
  }

  @Command(name = "snapshot", description = "Take a crash-consistent snapshot of every data disk now (or every DURATION until Ctrl-C).")
  static final class SnapshotNow extends Base {
    @Option(names = "--every", paramLabel = "DURATION", description = "Keep taking snapshots at this interval, e.g. 5m")
    String every;

    @Override
    int execute(PrintWriter out) throws StepFailure, InterruptedException {
      SandboxEstate estate = estate(out);
      if (!estate.ready()) throw StepFailure.fatal("no complete sandbox estate at " + estate.root(), "runbook sandbox up");
      Duration interval = every == null ? null : parse(every);
      while (true) {
        for (Snapshot s : estate.snapshotNow()) out.println("snapshot " + s.name() + " taken at " + s.createdAt());
        out.flush();
        if (interval == null) return 0;
        Thread.sleep(interval.toMillis());
      }
    }

    private static Duration parse(String text) throws StepFailure {
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw StepFailure.fatal("--every " + text + ": " + e.getMessage(), "use a duration like 30s, 5m or 1h");
      }
    }
  }

  @Command(name = "down", description = "Stop every server of the estate and remove its folder.")
  static final class Down extends Base {
    @Override
    int execute(PrintWriter out) throws StepFailure, InterruptedException {
      estate(out).down();
      return 0;
    }
  }

  /** Prints estate progress as lines on the console. */
  static final class ConsoleLog implements StepLog {
    private final PrintWriter out;

    private ConsoleLog(PrintWriter out) { this.out = out; }

    static StepLog to(PrintWriter out) { return new ConsoleLog(out); }

    @Override public void info(String m) { out.println("  " + m); out.flush(); }
    @Override public void warn(String m) { out.println("  warning: " + m); out.flush(); }
    @Override public void output(String l) { out.println("    | " + l); out.flush(); }
    @Override public void progress(String m) { out.println("  " + m); out.flush(); }
  }
}

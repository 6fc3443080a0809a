package io.runbook.cli;

import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.engine.util.Durations;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.steps.cloud.sandbox.SandboxEstate;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import io.runbook.steps.cloud.sandbox.SandboxStatus;
import io.runbook.steps.cloud.sandbox.VmServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
      Console console = Console.of(spec);
      // The estate's progress lines: as they are, or {"type":"progress","text":...} events with --output json.
      PrintWriter out = console.lines("progress");
      try {
        return execute(out, console);
      } catch (StepFailure f) {
        console.error("sandbox: " + f.getMessage(), f.hint());
        return 1;
      } catch (InterruptedException e) {
        console.error("sandbox: interrupted", null);
        return 130;
      } finally {
        out.flush();
      }
    }

    abstract int execute(PrintWriter out, Console console) throws StepFailure, InterruptedException;
  }

  @Command(name = "up", description = "Create the estate (or start the servers of an existing one); cleans a half-built one first.")
  static final class Up extends Base {
    @Option(names = "--replicas", paramLabel = "N", description = "Number of replicas (default: 1)")
    int replicas = 1;

    @Override
    int execute(PrintWriter out, Console console) throws StepFailure, InterruptedException {
      try {
        VmServer.binary();
      } catch (StepFailure f) { // refused before anything was made or installed: exit 2, as for a run refused
        console.error("sandbox: " + f.getMessage(), f.hint());
        return 2;
      }
      SandboxEstate estate = estate(out);
      Path inventory = estate.up(replicas);
      out.flush();
      console.result("up", Console.fields("root", estate.root().toString(), "inventory", inventory.toString(),
          "user", "runbook", "passwordFile", estate.passwordFile().toString()), "\n"
          + "The sandbox estate is up. Its inventory: " + inventory + "\n"
          + "  runbook sandbox status --root " + estate.root() + "\n"
          + "  runbook run YOUR-RUNBOOK.yaml --inventory " + inventory + "\n"
          + "  runbook sandbox snapshot --root " + estate.root() + "      (crash-consistent snapshots of every data disk)\n"
          + "  runbook sandbox down --root " + estate.root() + "          (stop everything, remove the folder)\n"
          + "MariaDB user " + "runbook" + ", password in " + estate.passwordFile() + " (mode 600).\n");
      return 0;
    }
  }

  @Command(name = "status", description = "Show the VMs, their disks and LUNs, servers, replication and snapshots.")
  static final class Status extends Base {
    @Override
    int execute(PrintWriter out, Console console) throws StepFailure, InterruptedException {
      SandboxEstate estate = estate(out);
      String status = new SandboxStatus(estate).render();
      out.flush();
      console.result("status", Console.fields("root", estate.root().toString(), "ready", estate.ready(), "text", status),
          status);
      return estate.ready() ? 0 : 1;
    }
  }

  @Command(name = "snapshot", description = "Take a crash-consistent snapshot of every data disk now, or every DURATION"
      + " (until Ctrl-C, or --count rounds).")
  static final class SnapshotNow extends Base {
    /** How long Ctrl-C waits for a snapshot in progress to finish its copy and resume the paused server. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    @Option(names = "--every", paramLabel = "DURATION", description = "Keep taking snapshots at this interval, e.g. 5m")
    String every;

    @Option(names = "--count", paramLabel = "N", description = "With --every: stop after N rounds (exit 0); default: until"
        + " Ctrl-C or SIGTERM (exit 130), which stops cleanly: a copy in progress is abandoned and its server resumed")
    Integer count;

    @Override
    int execute(PrintWriter out, Console console) throws StepFailure, InterruptedException {
      if (count != null && (every == null || count < 1)) {
        console.error("sandbox snapshot: --count needs --every and a number of rounds >= 1", "e.g. --every 5m --count 12");
        return 2;
      }
      SandboxEstate estate = estate(out);
      if (!estate.ready()) throw StepFailure.fatal("no complete sandbox estate at " + estate.root(), "runbook sandbox up");
      Duration interval = every == null ? null : parse(every);
      int rounds = interval == null ? 1 : count == null ? Integer.MAX_VALUE : count;
      // Ctrl-C or SIGTERM: interrupt this thread (the copy's cp is killed, the paused mariadbd resumed, the partial
      // snapshot removed) and let the JVM exit only when that is done.
      Thread worker = Thread.currentThread();
      CountDownLatch done = new CountDownLatch(1);
      Thread stop = new Thread(() -> {
        worker.interrupt();
        try {
          done.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ignored) {
          // exiting anyway
        }
      }, "runbook-snapshot-stop");
      Runtime.getRuntime().addShutdownHook(stop);
      try {
        for (int round = 1; round <= rounds; round++) {
          if (round > 1) Thread.sleep(interval.toMillis());
          out.flush();
          for (Snapshot s : estate.snapshotNow()) {
            console.result("snapshot", Console.fields("name", s.name(), "createdAt", String.valueOf(s.createdAt()),
                "sourceDiskId", s.sourceDiskId()), "snapshot " + s.name() + " taken at " + s.createdAt() + "\n");
          }
        }
        return 0;
      } finally {
        done.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(stop);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it returns now that the loop has ended
        }
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
    int execute(PrintWriter out, Console console) throws StepFailure, InterruptedException {
      SandboxEstate estate = estate(out);
      estate.down();
      out.flush();
      console.result("down", Console.fields("root", estate.root().toString()), "");
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

package io.runbook.steps.cloud.sandbox;

import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.process.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The real mariadbd of one sandbox VM: started detached from the engine (its own session, so it outlives the CLI),
 * found again through the pid file in the VM folder, stopped cleanly (SIGTERM, then SIGKILL after a timeout), and
 * paused/resumed (SIGSTOP/SIGCONT) around a snapshot copy.
 */
public final class VmServer {
  /** Where the Debian package mariadb-server installs the server, searched in this order. */
  private static final String DEFAULT_BIN_PATH = "/usr/sbin:/usr/bin:/usr/local/bin";
  /**
   * Folders searched for mariadbd instead of {@value #DEFAULT_BIN_PATH} (colon-separated; empty: nowhere, which plays a
   * machine without MariaDB): the system property {@code runbook.sandbox.binPath}, else this environment variable.
   */
  public static final String BIN_PATH_ENV = "RUNBOOK_SANDBOX_BIN_PATH";
  public static final String BIN_PATH_PROPERTY = "runbook.sandbox.binPath";
  public static final String INSTALL_HINT = "install the Debian package mariadb-server (with mariadb-client and "
      + "mariadb-backup: `sudo apt-get install -y mariadb-server mariadb-client mariadb-backup`, or run bin/install-prereqs, "
      + "the first command of the README's set-up line `bin/install-prereqs && mvn -B -q package -DskipTests && bin/runbook demo`)";

  /** What a VM's server runs with; everything else is the durable settings every sandbox server shares. */
  public record Settings(Path datadir, int port, Path socket, int serverId) {}

  private final SandboxLayout layout;
  private final String vm;

  public VmServer(SandboxLayout layout, String vm) {
    this.layout = layout;
    this.vm = vm;
  }

  /** The mariadbd binary, or a failure naming the package to install (nothing is installed here). */
  public static Path binary() throws StepFailure {
    String path = binPath();
    return Arrays.stream(path.split(":")).filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, "mariadbd"))
        .filter(Files::isExecutable).findFirst().orElseThrow(() -> StepFailure.fatal(
            "mariadbd (the MariaDB server) is not installed on this machine (looked in " + (path.isBlank() ? "no folder" : path)
                + ")", INSTALL_HINT));
  }

  /** The folders searched for mariadbd: {@link #BIN_PATH_PROPERTY}, else {@link #BIN_PATH_ENV}, else the Debian ones. */
  static String binPath() {
    String property = System.getProperty(BIN_PATH_PROPERTY);
    if (property != null) return property;
    String env = System.getenv(BIN_PATH_ENV);
    return env != null ? env : DEFAULT_BIN_PATH;
  }

  /**
   * The server's command line: the settings that make a crash-consistent snapshot safe (every commit durable in
   * InnoDB and the binlog, doublewrite, full_crc32 checksums), GTID strict ROW binlog with a RELATIVE name (a copied
   * datadir must find its own binlogs, not the original's; no binlog while {@link SandboxLayout#noBinlogFile} exists).
   * No option file, except the boot fence while it exists.
   */
  public List<String> command(Path binary, Settings s) {
    // The boot fence plays the Debian conf.d drop-in: read at every start while it exists, a restart stays fenced.
    Path fence = layout.fenceFile(vm);
    List<String> cmd = new ArrayList<>(List.of(binary.toString(),
        Files.isRegularFile(fence) ? "--defaults-file=" + fence : "--no-defaults"));
    if ("root".equals(System.getProperty("user.name"))) cmd.add("--user=root");
    cmd.addAll(List.of("--datadir=" + s.datadir(), "--socket=" + s.socket(), "--port=" + s.port(),
        "--bind-address=127.0.0.1", "--pid-file=" + layout.pidFile(vm), "--log-error=" + layout.errorLog(vm),
        "--server-id=" + s.serverId(), "--tmpdir=" + layout.tmpdir(vm)));
    // A VM marked no-log-bin plays a replica configured without a binary log (its gtid_binlog_pos stays empty).
    if (!Files.exists(layout.noBinlogFile(vm))) cmd.addAll(List.of("--log-bin=bin", "--log-slave-updates=1"));
    cmd.addAll(List.of("--binlog-format=ROW", "--gtid-strict-mode=1", "--sync-binlog=1", "--innodb-flush-log-at-trx-commit=1", "--innodb-doublewrite=1",
        "--innodb-checksum-algorithm=full_crc32", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M",
        "--slave-net-timeout=10",
        // A snapshot pauses the server with SIGSTOP, which stops its threads but not the writes they handed to the
        // kernel: io_uring (10.11's default here) keeps completing them while the copy runs, so the copy is not one
        // instant as a hypervisor's is. With synchronous I/O, every thread stopped means no write in flight.
        "--innodb-use-native-aio=0"));
    return cmd;
  }

  /**
   * The pid of this VM's server: the one its pid file names, or a mariadbd of this VM still starting (it writes the
   * pid file only once InnoDB is up); empty when none runs.
   */
  public OptionalLong pid() {
    OptionalLong fromFile = pidFromFile();
    return fromFile.isPresent() ? fromFile : starting();
  }

  private OptionalLong pidFromFile() {
    try {
      Path f = layout.pidFile(vm);
      if (!Files.isRegularFile(f)) return OptionalLong.empty();
      long pid = Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).strip());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::isThisVmsServer).isPresent()
          ? OptionalLong.of(pid) : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * A live mariadbd started with this VM's {@code --pid-file}, found by its command line: an engine killed while
   * the server was starting (a crash-sweep kill in the middle of db.service.start) leaves one without a pid file
   * yet; the resumed start must wait for it instead of launching a second mariadbd on the same datadir.
   */
  private OptionalLong starting() {
    return ProcessHandle.allProcesses().filter(this::isThisVmsServer).mapToLong(ProcessHandle::pid).findFirst();
  }

  public boolean running() { return pid().isPresent(); }

  /**
   * A mariadbd started with this VM's {@code --pid-file}. The pid in a pid file left by a killed server may since
   * belong to another process, even another estate's mariadbd (pids wrap around on a busy machine): stopping that
   * one would stop the wrong server.
   */
  private boolean isThisVmsServer(ProcessHandle p) {
    String flag = "--pid-file=" + layout.pidFile(vm);
    return p.info().command().map(c -> c.endsWith("mariadbd") || c.endsWith("mysqld")).orElse(false)
        && p.info().arguments().map(a -> List.of(a).contains(flag)).orElse(false);
  }

  /** The longest path a Unix socket can have on Linux (sun_path holds 108 bytes with the terminating NUL). */
  static final int MAX_SOCKET_PATH = 107;

  /** Refuses a socket path mariadbd could not create: it would only say so in its error log, after starting. */
  public static void checkSocketPath(Path socket) throws StepFailure {
    int length = socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_SOCKET_PATH) {
      throw StepFailure.fatal("the sandbox's server socket " + socket.toAbsolutePath() + " would be " + length
          + " bytes long; a Unix socket path holds at most " + MAX_SOCKET_PATH,
          "use a shorter sandbox root (--root), e.g. ~/rb-sandbox");
    }
  }

  /** Starts the server detached and waits until it has written its pid file; fails when it dies while starting. */
  public long start(Settings s, StepLog log) throws StepFailure, InterruptedException {
    checkSocketPath(s.socket());
    OptionalLong already = pidFromFile();
    if (already.isPresent()) return already.getAsLong();
    OptionalLong booting = starting();
    if (booting.isPresent()) {
      log.info("sandbox VM " + vm + ": mariadbd (pid " + booting.getAsLong() + ") is already starting; waiting for it");
      return awaitPidFile(booting.getAsLong());
    }
    Path binary = binary();
    if (!Files.isDirectory(s.datadir().resolve("mysql"))) {
      throw StepFailure.fatal("sandbox VM " + vm + ": " + s.datadir() + " holds no MariaDB datadir (no mysql/ folder)",
          "check which disk is mounted (host.mount.check) and the host's db.datadir in the inventory");
    }
    try {
      Files.createDirectories(layout.tmpdir(vm));
      Files.deleteIfExists(layout.pidFile(vm));
      Files.deleteIfExists(layout.errorLog(vm));
    } catch (IOException e) {
      throw StepFailure.fatal("sandbox VM " + vm + ": " + e.getMessage());
    }
    List<String> argv = new ArrayList<>(List.of("sh", "-c",
        "out=$1; shift; setsid \"$@\" </dev/null >>\"$out\" 2>&1 & echo $!", "sh", layout.vm(vm).resolve("mariadbd.out").toString()));
    argv.addAll(command(binary, s));
    ProcessRunner.Result r = run(argv);
    long pid;
    try {
      pid = Long.parseLong(r.stdout().strip());
    } catch (NumberFormatException e) {
      throw StepFailure.fatal("sandbox VM " + vm + ": could not launch mariadbd: " + r.stderr().strip());
    }
    log.info("sandbox VM " + vm + ": mariadbd started (pid " + pid + ", port " + s.port() + ")");
    return awaitPidFile(pid);
  }

  /** Waits until the starting server {@code pid} has written its pid file; fails when it dies first. */
  private long awaitPidFile(long pid) throws StepFailure, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
        throw StepFailure.fatal("sandbox VM " + vm + ": mariadbd exited while starting; end of its error log: "
            + errorLogTail(), "read " + layout.errorLog(vm));
      }
      if (pidFromFile().isPresent()) return pid;
      Thread.sleep(50);
    }
    throw StepFailure.fatal("sandbox VM " + vm + ": mariadbd (pid " + pid + ") wrote no pid file within 60 s",
        "read " + layout.errorLog(vm) + "; if that process is left over from an estate removed under it, kill it: kill " + pid);
  }

  /**
   * Clean shutdown: SIGTERM (mariadbd flushes InnoDB and closes the binlog), wait up to {@code timeout} for the
   * process to end, then SIGKILL. Returns false when nothing was running.
   */
  public boolean stop(Duration timeout, StepLog log) throws StepFailure, InterruptedException {
    OptionalLong pid = pid();
    if (pid.isEmpty()) return false;
    long p = pid.getAsLong();
    signal(p, "CONT"); // a paused server handles SIGTERM only once it runs again
    signal(p, "TERM");
    if (!awaitExit(p, timeout)) {
      log.warn("sandbox VM " + vm + ": mariadbd (pid " + p + ") still runs " + timeout.toSeconds() + " s after SIGTERM: killing it");
      signal(p, "KILL");
      if (!awaitExit(p, Duration.ofSeconds(30))) {
        throw StepFailure.fatal("sandbox VM " + vm + ": mariadbd (pid " + p + ") survives SIGKILL", "look at `ps -l " + p + "`");
      }
    }
    return true;
  }

  /** Kills the server at once, like a VM losing power (the next start runs crash recovery). */
  public void kill() throws StepFailure, InterruptedException {
    OptionalLong pid = pid();
    if (pid.isEmpty()) return;
    signal(pid.getAsLong(), "KILL");
    awaitExit(pid.getAsLong(), Duration.ofSeconds(30));
  }

  static boolean awaitExit(long pid, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return true;
      Thread.sleep(50);
    }
    return !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Sends a signal with kill(1); a process that is already gone is not an error. */
  static void signal(long pid, String sig) throws StepFailure, InterruptedException {
    run(List.of("kill", "-" + sig, Long.toString(pid)));
  }

  /**
   * SIGSTOP and wait until the kernel reports every thread of the process stopped: kill returns before they have
   * halted, and a crash-consistent copy must not start while one is still writing. The main thread's state is not
   * enough: measured here, other threads still ran 1-2 ms after it showed stopped, time enough for a page write whose
   * redo the copy may already have passed.
   */
  static void freeze(long pid) throws StepFailure, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    try {
      signal(pid, "STOP"); // inside: interrupted while kill runs, the signal may have been sent already
      while (!stopped(pid)) {
        if (System.nanoTime() > deadline) {
          throw StepFailure.fatal("mariadbd (pid " + pid + ") did not stop within 5 s of SIGSTOP; no snapshot was taken",
              "check the process with `ps -o stat,pid,cmd -p " + pid + "` and take the snapshot again");
        }
        Thread.sleep(1);
      }
    } catch (StepFailure | InterruptedException e) {
      resume(pid);
      throw e;
    }
  }

  /**
   * SIGCONT, sent even when this thread is interrupted meanwhile (Ctrl-C during a snapshot): a server left paused would
   * hang every client. The interrupt is kept for the caller.
   */
  static void resume(long pid) throws StepFailure {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          signal(pid, "CONT");
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /** Whether /proc says every thread of the process is stopped (see {@link #threadsNotStopped}). */
  static boolean stopped(long pid) { return threadsNotStopped(Path.of("/proc/" + pid)).isEmpty(); }

  /**
   * The threads of the process folder {@code proc} ({@code /proc/PID}) that are not stopped (state T, or t when
   * traced), as "tid:state"; a thread that ended meanwhile does not count; an unreadable folder is one entry. The
   * command name may hold spaces, so each stat is read after its last ')'.
   */
  static List<String> threadsNotStopped(Path proc) {
    List<String> out = new ArrayList<>();
    try (var tasks = Files.list(proc.resolve("task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        if (state != 'T' && state != 't') out.add(task.getFileName() + ":" + state);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      out.add(proc + ": " + e.getMessage());
    }
    return out;
  }

  public String errorLogTail() {
    try {
      Path f = layout.errorLog(vm);
      if (!Files.exists(f)) return "(no error log)";
      List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
      List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
      // The first errors say why (a failed start ends with the same "Aborting" lines whatever the cause).
      List<String> errors = lines.stream().filter(l -> l.contains("[ERROR]") && !tail.contains(l)).limit(3).toList();
      return (errors.isEmpty() ? "" : String.join(" | ", errors) + " | ... | ") + String.join(" | ", tail);
    } catch (IOException e) {
      return "(error log unreadable: " + e.getMessage() + ")";
    }
  }

  static ProcessRunner.Result run(List<String> argv) throws StepFailure, InterruptedException {
    try {
      return ProcessRunner.run(new ProcessRunner.Command(argv, java.util.Map.of(), Optional.empty(),
          Optional.of(Duration.ofMinutes(30))), l -> {}, l -> {});
    } catch (IOException e) {
      throw StepFailure.fatal("sandbox: " + e.getMessage());
    }
  }
}

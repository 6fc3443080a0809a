package io.runbook.testkit.mariadb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A throwaway mariadbd from the Debian package, on 127.0.0.1 with a port chosen at start, its own datadir,
 * socket and error log under one folder. Binlog on (relative name, ROW, GTID strict) and durable by default.
 * Close it to kill the server and delete its folder.
 */
public final class MariaDbServer implements AutoCloseable {
  /** Installed by the Debian package mariadb-server. */
  private static final List<Path> SERVER_BINARIES = List.of(Path.of("/usr/sbin/mariadbd"), Path.of("/usr/bin/mariadbd"));
  private static final String INSTALL_HINT =
      "mariadbd (MariaDB server) is not installed: install the Debian package mariadb-server "
          + "(apt-get install mariadb-server mariadb-client mariadb-backup, or run bin/install-prereqs)";
  private static final AtomicInteger NEXT_SERVER_ID = new AtomicInteger(1 + (int) (ProcessHandle.current().pid() % 1000) * 100);
  private static final Set<MariaDbServer> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    // A JVM that ends without closing its servers (crash, Ctrl-C) must not leave mariadbd processes behind.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(MariaDbServer::killQuietly)));
  }

  private final String name;
  private final Path dir;
  private final Path datadir;
  private final int serverId;
  private final Map<String, String> options;
  private Process process;
  private int port;

  private MariaDbServer(Builder b) {
    this.name = b.name;
    this.dir = b.dir.toAbsolutePath();
    this.datadir = b.datadir == null ? dir.resolve("data") : b.datadir.toAbsolutePath();
    this.serverId = b.serverId == 0 ? NEXT_SERVER_ID.getAndIncrement() : b.serverId;
    this.options = b.options;
  }

  /** A server named {@code name} whose files live in {@code dir} (created if missing). */
  public static Builder builder(Path dir, String name) { return new Builder(dir, name); }

  /** Options and files of a server before it starts. */
  public static final class Builder {
    private final Path dir;
    private final String name;
    private Path datadir;
    private int serverId;
    private final Map<String, String> options = new LinkedHashMap<>();

    private Builder(Path dir, String name) {
      this.dir = dir;
      this.name = name;
      option("log-bin", "bin"); // relative: a copied datadir must find its own binlogs, not the original's
      option("binlog-format", "ROW");
      option("gtid-strict-mode", "1");
      option("log-slave-updates", "1");
      option("sync-binlog", "1");
      option("innodb-flush-log-at-trx-commit", "1");
      option("innodb-buffer-pool-size", "64M");
      option("innodb-log-file-size", "16M");
    }

    /** A mariadbd option ({@code sync_binlog} or {@code sync-binlog}); replaces the default of the same name. */
    public Builder option(String key, String value) {
      options.put(key.replace('_', '-'), value);
      return this;
    }

    /** Boot on this existing datadir (e.g. a copied snapshot) instead of creating a fresh one; deleted on close. */
    public Builder datadir(Path existing) { this.datadir = existing; return this; }

    /** A fixed server_id; default: unique in this JVM. */
    public Builder serverId(int id) { this.serverId = id; return this; }

    public MariaDbServer build() { return new MariaDbServer(this); }

    /** Builds and starts the server. */
    public MariaDbServer start() { return build().start(); }
  }

  public String name() { return name; }
  public Path dir() { return dir; }
  public Path datadir() { return datadir; }
  public Path socket() { return dir.resolve("sock"); }
  public Path errorLog() { return dir.resolve("err.log"); }
  /**
   * This server's temporary folder. Not the shared /tmp: parallel mariadb-install-db runs (other test JVMs) collided
   * there on the same {@code #sql-temptable-*} names.
   */
  public Path tmpdir() { return dir.resolve("tmp"); }
  public int serverId() { return serverId; }
  public String host() { return "127.0.0.1"; }

  /** The TCP port; valid once started. */
  public int port() { return port; }

  public long pid() { return process.pid(); }

  public boolean isRunning() { return process != null && process.isAlive(); }

  /** JDBC URL without credentials. */
  public String jdbcUrl() { return "jdbc:mariadb://127.0.0.1:" + port + "/"; }

  /** A new connection as root (no password over loopback). */
  public Connection rootConnection() throws SQLException {
    return DriverManager.getConnection(jdbcUrl() + "?user=root&connectTimeout=5000");
  }

  /**
   * Creates the datadir if it is empty, then starts mariadbd and waits until it accepts queries. The first start
   * picks a free port; a restart reuses it.
   */
  public synchronized MariaDbServer start() {
    if (isRunning()) return this;
    Path binary = SERVER_BINARIES.stream().filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
    try {
      Files.createDirectories(tmpdir());
      if (!Files.isDirectory(datadir.resolve("mysql"))) installDatadir();
      IllegalStateException last = null;
      // A restarted server keeps its port (replicas and clients point at it); a new one probes for a free port,
      // which a parallel test may take between probe and bind: then probe again.
      boolean keepPort = port != 0;
      for (int attempt = 0; attempt < 3; attempt++) {
        if (!keepPort) port = freePort();
        try {
          launch(binary);
          return this;
        } catch (IllegalStateException e) {
          last = e;
          if (keepPort || !readErrorLog().contains("Address already in use")) throw e;
        }
      }
      throw last;
    } catch (IOException e) {
      throw new UncheckedIOException("server " + name + ": " + e.getMessage(), e);
    }
  }

  private void installDatadir() throws IOException {
    Files.createDirectories(datadir);
    List<String> cmd = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults"));
    if (isRoot()) cmd.add("--user=root");
    cmd.addAll(List.of("--datadir=" + datadir, "--tmpdir=" + tmpdir(), "--auth-root-authentication-method=normal",
        "--skip-test-db"));
    Path out = dir.resolve("install.log");
    int rc = runQuietly(cmd, out, Duration.ofSeconds(60));
    if (rc != 0) {
      throw new IllegalStateException("server " + name + ": mariadb-install-db failed (exit " + rc + "):\n"
          + Files.readString(out, StandardCharsets.UTF_8));
    }
  }

  private void launch(Path binary) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--no-defaults"));
    if (isRoot()) cmd.add("--user=root");
    cmd.addAll(List.of("--datadir=" + datadir, "--tmpdir=" + tmpdir(), "--socket=" + socket(), "--port=" + port, "--bind-address=127.0.0.1",
        "--pid-file=" + dir.resolve("pid"), "--log-error=" + errorLog(), "--server-id=" + serverId));
    options.forEach((k, v) -> cmd.add("--" + k + "=" + v));
    Files.deleteIfExists(errorLog());
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    RUNNING.add(this);
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        RUNNING.remove(this);
        throw new IllegalStateException("server " + name + ": mariadbd exited with " + process.exitValue()
            + " while starting; error log:\n" + readErrorLog());
      }
      try (Connection c = rootConnection()) {
        return;
      } catch (SQLException notYet) {
        sleep(100);
      }
    }
    killQuietly();
    throw new IllegalStateException("server " + name + ": not accepting connections after 60 s; error log:\n" + readErrorLog());
  }

  /** Clean shutdown (SIGTERM: InnoDB flushes, binlog closes); waits until the process is gone. */
  public synchronized void stop() {
    if (!isRunning()) return;
    signal("TERM");
    waitForExit(Duration.ofSeconds(60));
  }

  /** Hard kill (SIGKILL), like a VM losing power: the next start runs crash recovery. */
  public synchronized void kill() {
    if (!isRunning()) return;
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(30));
  }

  /** Freezes the process (SIGSTOP), as a hypervisor does while it takes a crash-consistent snapshot. */
  public void pause() {
    signal("STOP");
    // kill returns before every thread has halted; callers copy the datadir next, so wait until it has.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (process != null && process.isAlive() && !stopped(process.pid())) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("mariadbd " + name + " did not stop within 5 s of SIGSTOP");
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pausing mariadbd " + name, e);
      }
    }
  }

  private static boolean stopped(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    } catch (IOException e) {
      return false;
    }
  }

  /** Continues a paused process (SIGCONT). */
  public void resume() { signal("CONT"); }

  /** Waits until the process has ended on its own (e.g. after SHUTDOWN sent over SQL). */
  public synchronized boolean awaitExit(Duration timeout) {
    if (process == null) return true;
    try {
      boolean gone = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (gone) RUNNING.remove(this);
      return gone;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Copies the datadir to {@code target} the way a disk snapshot sees it: a running server is paused during the
   * copy, so the copy holds exactly what was on disk at one instant and boots with crash recovery.
   */
  public void copyDatadirTo(Path target) {
    boolean running = isRunning();
    if (running) pause();
    try {
      copyTree(datadir, target);
    } finally {
      if (running) resume();
    }
  }

  /** Runs statements as root, in order. */
  public void sql(String... statements) {
    try (Connection c = rootConnection(); Statement st = c.createStatement()) {
      for (String s : statements) st.execute(s);
    } catch (SQLException e) {
      throw new IllegalStateException("server " + name + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row of a query as root, or null when there is no row. */
  public String queryValue(String sql) {
    try (Connection c = rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException("server " + name + ": " + e.getMessage(), e);
    }
  }

  public String errorLogText() { return readErrorLog(); }

  /** Kills the server if still running and deletes its folder (and its datadir). */
  @Override
  public synchronized void close() {
    killQuietly();
    deleteTree(datadir);
    deleteTree(dir);
  }

  @Override
  public String toString() { return "MariaDbServer[" + name + " 127.0.0.1:" + port + " id=" + serverId + "]"; }

  private void killQuietly() {
    if (process != null && process.isAlive()) {
      signal("CONT"); // a paused process would not die until continued on some kernels' accounting; be explicit
      process.destroyForcibly();
      try { process.waitFor(30, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }
    RUNNING.remove(this);
  }

  private void waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(this);
  }

  private void signal(String sig) {
    if (process == null || !process.isAlive()) return;
    try {
      runQuietly(List.of("kill", "-" + sig, Long.toString(process.pid())), null, Duration.ofSeconds(10));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readErrorLog() {
    try {
      return Files.exists(errorLog()) ? Files.readString(errorLog(), StandardCharsets.ISO_8859_1) : "(no error log)";
    } catch (IOException e) {
      return "(error log unreadable: " + e.getMessage() + ")";
    }
  }

  private static int runQuietly(List<String> cmd, Path output, Duration timeout) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(output.toFile()));
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return -1;
    }
  }

  private static boolean isRoot() { return "root".equals(System.getProperty("user.name")); }

  /** A TCP port nobody listens on right now (bind 0, read, close). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); throw new IllegalStateException(e); }
  }

  /** Copies the contents of folder {@code from} into folder {@code to} with {@code cp -a} (keeps modes, as a snapshot would). */
  public static void copyTree(Path from, Path to) {
    try {
      Files.createDirectories(to);
      int rc = runQuietly(List.of("cp", "-a", from + "/.", to + "/"), null, Duration.ofMinutes(5));
      if (rc != 0) throw new IllegalStateException("cp -a " + from + " " + to + " failed (exit " + rc + ")");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a folder tree if it exists. */
  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try { Files.deleteIfExists(p); } catch (IOException ignored) { /* best effort: the build folder is disposable */ }
      });
    } catch (IOException ignored) {
      // best effort, as above
    }
  }
}

package io.runbook.runbooks;

import io.runbook.cli.Main;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.sandbox.SandboxEstate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sandbox estate under {@code target/} for one test: primary, replicas and the scratch VM as {@code runbook sandbox up}
 * builds them; runs the CLI in-process and reads the servers with plain JDBC, independently of the step code under test.
 */
final class SandboxDrill implements AutoCloseable {
  /** What one CLI run printed and returned. */
  record Result(int exit, String out) {}

  final SandboxEstate estate;
  final Path inventory;
  final Path stateDir;
  private final String password;
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final java.util.Set<String> knownRuns = new java.util.HashSet<>();
  private String lastRun;

  private SandboxDrill(SandboxEstate estate, Path inventory, Path stateDir, String password) {
    this.estate = estate;
    this.inventory = inventory;
    this.stateDir = stateDir;
    this.password = password;
  }

  static SandboxDrill up(String name, int replicas) throws Exception {
    Path root = Path.of("target", "drills", name).toAbsolutePath();
    SandboxEstate estate = new SandboxEstate(root, StepLog.NONE);
    if (estate.exists()) estate.down();
    estate.up(replicas);
    String password = Files.readString(estate.passwordFile()).strip();
    Path inv = estate.inventoryFile();
    SandboxDrill d = new SandboxDrill(estate, inv, root.resolve("state"), password);
    for (var h : io.runbook.engine.load.InventoryLoader.load(inv).hosts().values()) {
      d.ports.put(h.name(), h.db().orElseThrow().portOrDefault());
    }
    return d;
  }

  /**
   * A fresh estate like {@link #up}, built once per name and copied afterwards: the first call builds it, stops its
   * servers cleanly and keeps a copy of the folder next to it; later calls replace the folder with that copy (same
   * absolute paths, ports, snapshots and vault points) and start the servers, seconds instead of a full build.
   */
  static SandboxDrill fresh(String name, int replicas) throws Exception {
    Path root = Path.of("target", "drills", name).toAbsolutePath();
    Path template = root.resolveSibling(name + ".template");
    SandboxEstate estate = new SandboxEstate(root, StepLog.NONE);
    if (estate.exists()) estate.down();
    if (!Files.isDirectory(template)) {
      estate.up(replicas);
      for (String vm : estate.cloud().layout().names(estate.cloud().layout().vms())) {
        new io.runbook.steps.cloud.sandbox.VmServer(estate.cloud().layout(), vm).stop(java.time.Duration.ofSeconds(60), StepLog.NONE);
      }
      copyTree(root, template);
    } else {
      copyTree(template, root);
    }
    try {
      estate.up(replicas); // a ready estate: starts the servers of its running VMs
    } catch (io.runbook.engine.spi.StepFailure e) {
      // One of the template's ports was taken meanwhile (other servers run on this machine): build from scratch.
      System.out.println("---- the copied estate did not start (" + e.getMessage() + "); building a new one");
      estate.down();
      estate.up(replicas);
    }
    return open(estate, root);
  }

  /** Removes the template {@link #fresh} keeps for a name. */
  static void dropTemplate(String name) throws Exception {
    Path template = Path.of("target", "drills", name + ".template").toAbsolutePath();
    if (Files.exists(template)) run(List.of("rm", "-rf", "--", template.toString()));
  }

  private static void copyTree(Path from, Path to) throws Exception {
    run(List.of("cp", "-a", "--", from.toString(), to.toString()));
  }

  private static void run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IOException(String.join(" ", argv) + " failed: " + out);
  }

  private static SandboxDrill open(SandboxEstate estate, Path root) throws Exception {
    String password = Files.readString(estate.passwordFile()).strip();
    Path inv = estate.inventoryFile();
    SandboxDrill d = new SandboxDrill(estate, inv, root.resolve("state"), password);
    for (var h : io.runbook.engine.load.InventoryLoader.load(inv).hosts().values()) {
      d.ports.put(h.name(), h.db().orElseThrow().portOrDefault());
    }
    return d;
  }

  /** The host whose server listens on a port (replication status names its source by port). */
  String hostOfPort(String port) {
    return ports.entrySet().stream().filter(e -> String.valueOf(e.getValue()).equals(port)).map(Map.Entry::getKey)
        .findFirst().orElse("port " + port);
  }

  /** Runs {@code runbook run FILE -i INVENTORY --yes -p ...} in this JVM; the result holds the run's run.log. */
  Result run(String runbook, String... params) throws IOException {
    List<String> args = new ArrayList<>(List.of("--state-dir", stateDir.toString(), "run", runbook + ".yaml",
        "-i", inventory.toString(), "--yes"));
    for (String p : params) { args.add("-p"); args.add(p); }
    return new Result(InProcessCli.runShown(args).exit(), Files.readString(newestRunLog()));
  }

  /**
   * The runbook's {@code verify:} checks on the last run, as {@code runbook drill} judges them after its run: step
   * outputs from that run's journal, the servers as they are now. {@code params} as for {@link #run}.
   */
  List<io.runbook.cli.VerifyChecks.Result> verify(String runbook, String... params) throws Exception {
    var inv = io.runbook.engine.load.InventoryLoader.load(inventory);
    var registry = io.runbook.engine.registry.StepRegistry.load(io.runbook.cli.Main.class.getClassLoader());
    var rb = io.runbook.engine.load.RunbookLoader.load(Path.of(runbook + ".yaml"), registry, java.util.Optional.of(inv));
    Map<String, String> given = new LinkedHashMap<>();
    for (String p : params) given.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
    Map<String, Object> bound = io.runbook.engine.bind.ParamBinder.bind(rb, given, java.util.Optional.empty(), inv,
        java.time.Instant.now());
    try (var ctx = estate.context(inv)) {
      return io.runbook.cli.VerifyChecks.ofRun(lastRunDir(), rb, registry, inv, bound, ctx);
    }
  }

  /**
   * Runs {@code runbook run FILE -i INVENTORY --yes -p ...} in a JVM of its own that halts right after journal record
   * {@code k} is on disk (a crash); returns its exit code (137 for the halt) and the journal's records.
   */
  Result runKilledAfterRecord(int k, String runbook, String... params) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.runbook.cli.Main", "--state-dir", stateDir.toString(), "run",
        Path.of(runbook + ".yaml").toAbsolutePath().toString(), "-i", inventory.toString(), "--yes"));
    for (String p : params) { cmd.add("-p"); cmd.add(p); }
    Path log = Files.createDirectories(stateDir).resolve("killed-after-" + k + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(new java.io.File("/dev/null"));
    pb.environment().put("RUNBOOK_TEST_KILL_AFTER_RECORD", String.valueOf(k));
    Process process = pb.start();
    if (!process.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("runbook run " + runbook + " did not end in 300 s");
    }
    System.out.println("---- runbook " + String.join(" ", cmd.subList(3, cmd.size())) + " (killed after record " + k
        + ") -> exit " + process.exitValue() + "\n" + Files.readString(log));
    return new Result(process.exitValue(), Files.readString(newestRunLog().resolveSibling("journal.jsonl")));
  }

  /**
   * Runs {@code runbook run FILE -i INVENTORY --yes -p ...} in a JVM of its own with extra environment variables (a
   * PATH with a stand-in tool first, say); the result holds what it printed.
   */
  Result runWithEnv(Map<String, String> env, String runbook, String... params) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.runbook.cli.Main", "--state-dir", stateDir.toString(), "run",
        Path.of(runbook + ".yaml").toAbsolutePath().toString(), "-i", inventory.toString(), "--yes"));
    for (String p : params) { cmd.add("-p"); cmd.add(p); }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new java.io.File("/dev/null"));
    pb.environment().putAll(env);
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("runbook run " + runbook + " did not end in 300 s");
    }
    System.out.println("---- runbook " + String.join(" ", cmd.subList(3, cmd.size())) + " -> exit " + process.exitValue() + "\n" + out);
    return new Result(process.exitValue(), out);
  }

  /** Runs {@code runbook resume RUN} for the newest run, in this JVM; the result holds the run's run.log. */
  Result resumeNewest(String... extra) throws IOException {
    String runId = newestRunLog().getParent().getFileName().toString();
    List<String> args = new ArrayList<>(List.of("--state-dir", stateDir.toString(), "resume", runId, "--yes"));
    args.addAll(List.of(extra));
    return new Result(InProcessCli.runShown(args).exit(), Files.readString(newestRunLog()));
  }

  /** The run.log of the newest run (run ids sort by start time). */
  /**
   * The run.log of the run started last: the run folder that appeared since the previous call (run ids sort by
   * their second only: two runs started in the same second sort by their random suffix), else the last one seen.
   */
  private Path newestRunLog() throws IOException {
    List<String> now;
    try (var s = Files.list(stateDir.resolve("runs"))) {
      now = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    List<String> appeared = now.stream().filter(r -> !knownRuns.contains(r)).toList();
    knownRuns.addAll(now);
    if (!appeared.isEmpty()) lastRun = appeared.get(appeared.size() - 1);
    if (lastRun == null) lastRun = now.get(now.size() - 1);
    return stateDir.resolve("runs").resolve(lastRun).resolve("run.log");
  }

  /** The folder of the run the last {@link #run}, {@link #runKilledAfterRecord} or {@link #resumeNewest} was about. */
  Path lastRunDir() { return stateDir.resolve("runs").resolve(lastRun); }

  /** The database hosts of the estate's inventory (primary, replicas, scratch). */
  List<String> hosts() { return List.copyOf(ports.keySet()); }

  /**
   * What an operator does after a DR, as its summary says: the inventory's dataDisk.name of the host becomes the disk
   * now attached at its data LUN (read from the VM, as in the portal). Returns that disk's name.
   */
  String adoptAttachedDataDisk(String host) throws Exception {
    var h = io.runbook.engine.load.InventoryLoader.load(inventory).host(host).orElseThrow();
    var spec = h.dataDisk().orElseThrow();
    String attached = estate.cloud().vm(h.vmName()).atLun(spec.lun()).orElseThrow().diskName();
    String text = Files.readString(inventory);
    String from = "dataDisk: { name: " + spec.name() + ",";
    if (!text.contains(from)) throw new AssertionError("no `" + from + "` in " + inventory);
    Files.writeString(inventory, text.replace(from, "dataDisk: { name: " + attached + ","));
    return attached;
  }

  /** Whether the host's server answers a query now. */
  boolean answers(String host) {
    try {
      value(host, "SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  Connection connect(String host) throws SQLException {
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + ports.get(host) + "/", "runbook", password);
  }

  void sql(String host, String... statements) throws SQLException {
    try (Connection c = connect(host); Statement s = c.createStatement()) {
      for (String st : statements) s.execute(st);
    }
  }

  /**
   * As the server's root (the estate password): for what the engine's account may not do, such as creating an
   * application account (it holds only the privileges of docs/database-account.md).
   */
  void sqlAsRoot(String host, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + ports.get(host) + "/", "root", password);
         Statement s = c.createStatement()) {
      for (String st : statements) s.execute(st);
    }
  }

  /** The first column of the first row, as text (null when there is no row). */
  String value(String host, String query) throws SQLException {
    try (Connection c = connect(host); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** One row of SHOW SLAVE STATUS as column to value, empty when the server is not a replica. */
  Map<String, String> replicaStatus(String host) throws SQLException {
    try (Connection c = connect(host); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
      Map<String, String> row = new TreeMap<>();
      if (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
      }
      return row;
    }
  }

  /** CHECKSUM TABLE EXTENDED of every base table of a schema, by table name. */
  Map<String, Long> checksums(String host, String schema) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = connect(host); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema
          + "' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
        while (rs.next()) tables.add(rs.getString(1));
      }
      for (String t : tables) {
        try (ResultSet rs = s.executeQuery("CHECKSUM TABLE `" + schema + "`.`" + t + "` EXTENDED")) {
          rs.next();
          out.put(t, rs.getLong(2));
        }
      }
    }
    return out;
  }

  /** Waits until the replica has applied the primary's current GTID position (or fails after 60 s). */
  void awaitCaughtUp(String replica, String primary) throws SQLException {
    String pos = value(primary, "SELECT @@global.gtid_binlog_pos");
    String r = value(replica, "SELECT MASTER_GTID_WAIT('" + pos + "', 60)");
    if (!"0".equals(r)) throw new AssertionError(replica + " did not reach " + primary + "'s " + pos + " in 60 s");
  }

  /** The GTID right after a one-domain position: {@code 0-1-57} gives {@code 0-1-58} (the mark db.gtid.advance writes). */
  static String nextAfter(String gtid) {
    int dash = gtid.lastIndexOf('-');
    return gtid.substring(0, dash + 1) + (Long.parseLong(gtid.substring(dash + 1)) + 1);
  }

  /** Restarts a replica's threads and waits (30 s at most) for its IO thread to stop on an error; the status then. */
  Map<String, String> restartReplicaAndAwaitIoError(String replica) throws Exception {
    sql(replica, "STOP SLAVE", "START SLAVE");
    Map<String, String> s = replicaStatus(replica);
    for (int i = 0; i < 300 && !"No".equals(s.get("Slave_IO_Running")); i++) {
      Thread.sleep(100);
      s = replicaStatus(replica);
    }
    return s;
  }

  @Override
  public void close() throws Exception {
    estate.down();
  }
}

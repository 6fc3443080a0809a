package io.runbook.steps.cloud.sandbox;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.steps.cloud.CloudProvider.Vm;
import io.runbook.steps.db.EngineAccount;
import io.runbook.steps.db.MariaDbClient;
import io.runbook.steps.db.SqlQuoting;
import io.runbook.steps.process.OutputTail;
import io.runbook.steps.process.ProcessRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole MariaDB-on-cloud-VMs estate in one folder: a primary and N replicas (GTID replication, durable settings),
 * each a sandbox VM with its data disk at LUN 9, a prepared mariadb-backup copy on the primary's backup disk at LUN 11,
 * a small sample schema, and the inventory file that lets any runbook act on it. {@link #up} is idempotent and
 * cleans a half-built estate before building again; {@link #down} stops every server and removes the root.
 */
public final class SandboxEstate {
  public static final String DEFAULT_ROOT = "~/.runbook/sandbox";
  public static final String MARKER = ".runbook-data-disk";
  public static final int DATA_LUN = 9;
  public static final int BACKUP_LUN = 11;
  static final String DB_USER = "runbook";
  static final String REPL_USER = "repl";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);

  /** The estate's progress marker: a root whose state is not {@code ready} is half-built. */
  record EstateMeta(String state, int replicas, Instant createdAt) {}

  private final SandboxLayout layout;
  private final SandboxCloud cloud;
  private final StepLog log;

  public SandboxEstate(Path root, StepLog log) {
    this.layout = new SandboxLayout(root);
    this.cloud = new SandboxCloud(layout);
    this.log = log;
  }

  public Path root() { return layout.root(); }
  public Path inventoryFile() { return layout.root().resolve("inventory.yaml"); }
  public Path passwordFile() { return layout.root().resolve("db-password"); }
  public SandboxCloud cloud() { return cloud; }

  /** The scratch VM: no database of its own, an empty data LUN where dr-pitr boots a temporary donor. */
  public static final String SCRATCH = "scratch";
  static final int SCRATCH_SERVER_ID = 100;

  /** Database host names: primary, replica-1..N. */
  public static List<String> hostNames(int replicas) {
    List<String> names = new ArrayList<>(List.of("primary"));
    for (int i = 1; i <= replicas; i++) names.add("replica-" + i);
    return names;
  }

  /** Whether the root holds a complete estate. */
  public boolean ready() throws StepFailure {
    return SandboxLayout.read(layout.root().resolve("estate.json"), EstateMeta.class).map(m -> "ready".equals(m.state())).orElse(false)
        && Files.isRegularFile(inventoryFile());
  }

  /** Whether the root holds anything the sandbox made (complete or not). */
  public boolean exists() {
    return Files.exists(layout.root().resolve("estate.json")) || Files.isDirectory(layout.vms());
  }

  /**
   * Builds the estate, or makes a complete one run again (servers of running VMs started). Returns the inventory file.
   */
  public Path up(int replicas) throws StepFailure, InterruptedException {
    if (replicas < 0 || replicas > 9) throw StepFailure.fatal("--replicas must be between 0 and 9, not " + replicas);
    VmServer.binary();
    requireTool("mariadb-install-db", "mariadb-server");
    for (String vm : hostNames(replicas)) VmServer.checkSocketPath(layout.socket(vm)); // before anything is built
    if (ready()) {
      log.info("sandbox estate at " + root() + " exists: making sure its servers run");
      int has = SandboxLayout.read(root().resolve("estate.json"), EstateMeta.class).map(EstateMeta::replicas).orElse(replicas);
      if (has != replicas) {
        log.warn("this estate has " + has + " replica(s), not " + replicas + ": `runbook sandbox down` first to build another shape");
      }
      startServers();
      return inventoryFile();
    }
    if (exists()) {
      log.warn("a half-built sandbox estate is at " + root() + ": removing it and building again");
      down();
    } else if (Files.exists(root()) && !isEmptyDir(root())) {
      throw StepFailure.fatal(root() + " exists and is not a sandbox estate; refusing to build in it",
          "choose another --root, or remove that folder yourself");
    }
    long t0 = System.nanoTime();
    SandboxLayout.write(root().resolve("estate.json"), new EstateMeta("building", replicas, Instant.now()));
    String password = writePassword();
    List<String> hosts = hostNames(replicas);
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (int i = 0; i < hosts.size(); i++) {
      String vm = hosts.get(i);
      cloud.createVm(vm, i + 1);
      Disk data = cloud.createEmptyDisk(new NewDisk(vm + "-data", "sandbox", null, "Premium_LRS", Map.of("role", "data")), 4);
      cloud.attach(vm, data.name(), DATA_LUN);
      link(layout.mounts(vm).resolve("data"), layout.diskFs(data.name()));
      write(layout.diskFs(data.name()).resolve(MARKER), data.uniqueId() + "\n");
      writeFstab(vm);
      installDatadir(layout.diskFs(data.name()).resolve("mysql"), layout.tmpdir(vm));
      int port = startWithFreePort(vm, i + 1);
      ports.put(vm, port);
      log.info("VM " + vm + ": data disk " + data.name() + " at LUN " + DATA_LUN + ", mariadbd on 127.0.0.1:" + port);
    }
    cloud.createVm(SCRATCH, SCRATCH_SERVER_ID);
    mkdirs(layout.mounts(SCRATCH));
    ports.put(SCRATCH, freePort());
    writeInventory(hosts, ports);
    Inventory inv = inventory();
    bootstrapPrimary(ports.get("primary"), password);
    for (String replica : hosts.subList(1, hosts.size())) linkReplica(replica, ports.get(replica), ports.get("primary"), password);
    try (StandaloneStepContext ctx = context(inv)) {
      SampleSchema.load(MariaDbClient.of(ctx, inv.host("primary").orElseThrow()));
      for (String replica : hosts.subList(1, hosts.size())) awaitCaughtUp(ctx, inv, replica);
    }
    Disk backup = cloud.createEmptyDisk(new NewDisk("primary-backup", "sandbox", null, "Standard_LRS", Map.of("role", "backup")), 4);
    cloud.attach("primary", backup.name(), BACKUP_LUN);
    link(layout.mounts("primary").resolve("backup"), layout.diskFs(backup.name()));
    write(layout.diskFs(backup.name()).resolve(MARKER), backup.uniqueId() + "\n");
    // Where the datadir sits on the data disk (mysql/), so a copy of the backup disk boots at the data LUN.
    takeBackup(layout.diskFs(backup.name()).resolve("mysql"), ports.get("primary"));
    cloud.backUp("primary-data", cloud.findDisk("primary-data").orElseThrow(), log);
    cloud.backUp("primary-backup", cloud.findDisk("primary-backup").orElseThrow(), log);
    SandboxLayout.write(root().resolve("estate.json"), new EstateMeta("ready", replicas, Instant.now()));
    log.info("sandbox estate built in " + (System.nanoTime() - t0) / 1_000_000 + " ms at " + root());
    return inventoryFile();
  }

  /** The estate's inventory, loaded (and so validated) from its file. */
  public Inventory inventory() throws StepFailure {
    try {
      return InventoryLoader.load(inventoryFile());
    } catch (ValidationException e) {
      throw StepFailure.fatal("sandbox inventory " + inventoryFile() + " is invalid: " + e.getMessage(), "runbook sandbox down, then up");
    }
  }

  /** A step context over the estate's inventory (for driving steps and clients outside a run). */
  public StandaloneStepContext context(Inventory inv) {
    return StandaloneStepContext.builder().inventory(inv).log(log).runDir(root()).build();
  }

  /** Starts the server of every running VM that is not up (after a reboot of the machine, say). */
  private void startServers() throws StepFailure, InterruptedException {
    Inventory inv = inventory();
    for (Host h : inv.hosts().values()) {
      if (layout.luns(h.vmName()).get(DATA_LUN) == null) continue; // the scratch VM has nothing to run
      SandboxLayout.VmMeta vm = layout.readVm(h.vmName()).orElseThrow();
      VmServer server = new VmServer(layout, h.vmName());
      if ("running".equals(vm.powerState()) && !server.running()) {
        server.start(settings(h, vm.serverId()), log);
      }
    }
  }

  /**
   * Restarts a host's server without a binary log, now and at every later start of its VM (whatever disk it runs
   * on): a replica whose configuration has no log_bin, booting with an empty gtid_binlog_pos.
   */
  public void withoutBinlog(String host) throws StepFailure, InterruptedException {
    Host h = inventory().host(host).orElseThrow(() -> StepFailure.fatal("the sandbox estate has no host " + host));
    SandboxLayout.writeText(layout.noBinlogFile(h.vmName()), "written by SandboxEstate.withoutBinlog\n");
    VmServer server = new VmServer(layout, h.vmName());
    server.stop(Duration.ofSeconds(60), log);
    server.start(settings(h, layout.readVm(h.vmName()).orElseThrow().serverId()), log);
    awaitAnswers(h.db().orElseThrow().portOrDefault(), Duration.ofSeconds(60));
  }

  static VmServer.Settings settings(Host h, int serverId) {
    var db = h.db().orElseThrow();
    return new VmServer.Settings(Path.of(h.dataDisk().orElseThrow().mount(), "mysql"), db.portOrDefault(),
        Path.of(db.socket().orElseThrow()), serverId);
  }

  /** Takes a crash-consistent snapshot of every VM's data disk (the disk at LUN 9) now. */
  public List<Snapshot> snapshotNow() throws StepFailure, InterruptedException {
    List<Snapshot> out = new ArrayList<>();
    String stamp = STAMP.format(Instant.now());
    for (Vm vm : cloud.listVms()) {
      if (vm.atLun(DATA_LUN).isEmpty()) continue;
      Disk disk = cloud.findDisk(vm.atLun(DATA_LUN).get().diskName()).orElseThrow();
      out.add(cloud.snapshot(disk, disk.name() + "-" + stamp, Map.of("takenBy", "runbook sandbox snapshot"), log));
    }
    return out;
  }

  /** Stops every server (cleanly, then by force) and removes the root. Refuses a folder the sandbox did not make. */
  public void down() throws StepFailure, InterruptedException {
    if (!Files.exists(root())) {
      log.info("no sandbox estate at " + root());
      return;
    }
    if (!exists()) {
      throw StepFailure.fatal(root() + " is not a sandbox estate (no estate.json, no vms/); not removing it",
          "check --root; remove the folder yourself if it really is leftover");
    }
    for (String vm : layout.names(layout.vms())) {
      if (new VmServer(layout, vm).stop(Duration.ofSeconds(30), log)) log.info("VM " + vm + ": mariadbd stopped");
    }
    SandboxCloud.deleteTree(root());
    log.info("removed " + root());
  }

  // ---- building blocks

  private static boolean isEmptyDir(Path p) {
    try (var s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void requireTool(String tool, String pkg) throws StepFailure, InterruptedException {
    if (VmServer.run(List.of("sh", "-c", "command -v \"$1\"", "sh", tool)).exitCode() != 0) {
      throw StepFailure.fatal(tool + " is not installed on this machine", "install the Debian package " + pkg + " ("
          + VmServer.INSTALL_HINT + ")");
    }
  }

  private String writePassword() throws StepFailure {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    SecureRandom random = new SecureRandom();
    StringBuilder pw = new StringBuilder();
    for (int i = 0; i < 24; i++) pw.append(alphabet.charAt(random.nextInt(alphabet.length())));
    try {
      Files.deleteIfExists(passwordFile());
      Files.createFile(passwordFile(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(passwordFile(), pw, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw StepFailure.fatal("cannot write " + passwordFile() + ": " + e.getMessage());
    }
    return pw.toString();
  }

  private static void mkdirs(Path dir) throws StepFailure {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw StepFailure.fatal("cannot create " + dir + ": " + e.getMessage());
    }
  }

  private static void link(Path link, Path target) throws StepFailure {
    try {
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, target);
    } catch (IOException e) {
      throw StepFailure.fatal("cannot link " + link + " to " + target + ": " + e.getMessage());
    }
  }

  private static void write(Path file, String text) throws StepFailure {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StepFailure.fatal("cannot write " + file + ": " + e.getMessage());
    }
  }

  private void installDatadir(Path datadir, Path tmpdir) throws StepFailure, InterruptedException {
    mkdirs(tmpdir);
    List<String> cmd = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults"));
    if ("root".equals(System.getProperty("user.name"))) cmd.add("--user=root");
    cmd.addAll(List.of("--datadir=" + datadir, "--tmpdir=" + tmpdir, "--auth-root-authentication-method=normal", "--skip-test-db"));
    var r = VmServer.run(cmd);
    if (r.exitCode() != 0) {
      throw StepFailure.fatal("mariadb-install-db failed for " + datadir + ": " + r.stdout().strip() + " " + r.stderr().strip());
    }
  }

  /** Starts a VM's server on a port free right now; probes again if another process takes it first. */
  private int startWithFreePort(String vm, int serverId) throws StepFailure, InterruptedException {
    StepFailure last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      try {
        new VmServer(layout, vm).start(new VmServer.Settings(layout.mounts(vm).resolve("data").resolve("mysql"), port,
            layout.socket(vm), serverId), log);
        awaitAnswers(port, Duration.ofSeconds(60));
        return port;
      } catch (StepFailure e) {
        last = e;
        if (!new VmServer(layout, vm).errorLogTail().contains("Address already in use")) throw e;
      }
    }
    throw last;
  }

  static int freePort() throws StepFailure {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw StepFailure.fatal("no free TCP port on 127.0.0.1: " + e.getMessage());
    }
  }

  /** Root over TCP before the estate's users exist (install-db's root has no password; it gets one in bootstrap). */
  private static Connection root(int port, String password) throws SQLException {
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?user=root&connectTimeout=5000"
        + (password == null ? "" : "&password=" + password));
  }

  private static void awaitAnswers(int port, Duration timeout) throws StepFailure, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      try (Connection c = root(port, null)) {
        return;
      } catch (SQLException e) {
        if (e.getErrorCode() == 1045) return; // refused the login: it answers (root has its password after bootstrap)
        last = e;
        Thread.sleep(100);
      }
    }
    throw StepFailure.fatal("mariadbd on port " + port + " does not answer: " + (last == null ? "" : last.getMessage()));
  }

  /** Users on the primary; they reach the replicas through replication. Root gets the estate password too. */
  private void bootstrapPrimary(int port, String password) throws StepFailure {
    String pw = SqlQuoting.literal(password);
    List<String> statements = new ArrayList<>(List.of("CREATE USER '" + DB_USER + "'@'%' IDENTIFIED BY " + pw));
    // The GRANTs docs/database-account.md tells operators to run (but the speed-only SUPER), not ALL: every sandbox
    // run of a shipped runbook proves the list suffices.
    statements.addAll(EngineAccount.grantsForEveryRunbook(DB_USER, "%"));
    statements.addAll(List.of(
        "CREATE USER '" + REPL_USER + "'@'%' IDENTIFIED BY " + pw,
        "GRANT REPLICATION SLAVE, REPLICATION SLAVE ADMIN, BINLOG MONITOR ON *.* TO '" + REPL_USER + "'@'%'",
        "ALTER USER 'root'@'localhost' IDENTIFIED BY " + pw));
    sql(port, null, "primary", statements.toArray(String[]::new));
  }

  /** Replicates from the primary's first transaction on (the replica was installed empty, like the primary). */
  private void linkReplica(String replica, int port, int primaryPort, String password) throws StepFailure {
    sql(port, null, replica,
        "SET GLOBAL gtid_slave_pos = ''",
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primaryPort + ", MASTER_USER='" + REPL_USER
            + "', MASTER_PASSWORD=" + SqlQuoting.literal(password) + ", MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
        "START SLAVE");
  }

  private static void sql(int port, String password, String vm, String... statements) throws StepFailure {
    try (Connection c = root(port, password); Statement st = c.createStatement()) {
      for (String s : statements) st.execute(s);
    } catch (SQLException e) {
      throw StepFailure.fatal("VM " + vm + ": setting up MariaDB failed: " + e.getMessage());
    }
  }

  private static void awaitCaughtUp(StandaloneStepContext ctx, Inventory inv, String replica) throws StepFailure, InterruptedException {
    MariaDbClient primary = MariaDbClient.of(ctx, inv.host("primary").orElseThrow());
    MariaDbClient r = MariaDbClient.of(ctx, inv.host(replica).orElseThrow());
    String target = primary.value("SELECT @@gtid_binlog_pos");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    StepFailure last = null;
    while (System.nanoTime() < deadline) {
      try {
        if ("1".equals(r.value("SELECT MASTER_GTID_WAIT(?, 1) = 0", List.of(target)))) return;
      } catch (StepFailure f) {
        // The estate's user reaches the replica by replication: until CREATE USER is applied there, access is denied.
        last = f;
        Thread.sleep(200);
      }
    }
    throw StepFailure.fatal("replica " + replica + " did not reach the primary's GTID " + target + " within 60 s"
            + (last == null ? "" : " (" + last.getMessage() + ")"),
        "read " + new VmServer(new SandboxLayout(Path.of(inv.cloud().root().orElseThrow())), replica).errorLogTail());
  }

  /** A prepared mariadb-backup copy of the primary on the backup disk (what the backup-restore runbooks start from). */
  private void takeBackup(Path target, int port) throws StepFailure, InterruptedException {
    if (VmServer.run(List.of("sh", "-c", "command -v mariadb-backup")).exitCode() != 0) {
      log.warn("mariadb-backup is not installed: the backup disk stays empty (install the Debian package mariadb-backup)");
      return;
    }
    String password;
    try {
      password = Files.readString(passwordFile()).strip();
    } catch (IOException e) {
      throw StepFailure.fatal("cannot read " + passwordFile() + ": " + e.getMessage());
    }
    // The password goes through the environment (MYSQL_PWD), never on a command line other users could read with ps.
    Map<String, String> env = Map.of("MYSQL_PWD", password);
    for (List<String> cmd : List.of(
        List.of("mariadb-backup", "--backup", "--target-dir=" + target, "--host=127.0.0.1", "--port=" + port, "--user=" + DB_USER),
        List.of("mariadb-backup", "--prepare", "--target-dir=" + target))) {
      try {
        var r = ProcessRunner.run(new ProcessRunner.Command(cmd, env,
            Optional.empty(), Optional.of(Duration.ofMinutes(10))), l -> {}, l -> {});
        if (r.exitCode() != 0) {
          throw StepFailure.fatal("`" + String.join(" ", cmd) + "` failed" + OutputTail.of(r.stdout(), r.stderr()));
        }
      } catch (IOException e) {
        throw StepFailure.fatal("cannot run mariadb-backup: " + e.getMessage());
      }
    }
    log.info("prepared mariadb-backup copy of the primary on disk primary-backup (LUN " + BACKUP_LUN + ")");
  }

  private void writeInventory(List<String> hosts, Map<String, Integer> ports) throws StepFailure {
    String r = root().toString();
    StringBuilder y = new StringBuilder();
    y.append("# Written by `runbook sandbox up`: the sandbox estate under ").append(r).append(".\n")
        .append("# Every runbook that runs on Azure runs on it unchanged: runbook run RUNBOOK.yaml --inventory ")
        .append(inventoryFile()).append("\n")
        .append("inventory: sandbox\n")
        .append("cloud:\n  provider: sandbox\n  root: ").append(q(r)).append("\n")
        .append("hosts:\n");
    List<String> all = new ArrayList<>(hosts);
    all.add(SCRATCH);
    for (String h : all) {
      String vm = r + "/vms/" + h;
      boolean scratch = h.equals(SCRATCH);
      if (scratch) {
        y.append("  # No database of its own: dr-pitr attaches a restored disk at its empty LUN 9 and boots a donor there.\n");
      }
      y.append("  ").append(h).append(":\n")
          .append("    role: ").append(h.equals("primary") ? "primary" : scratch ? "scratch" : "replica").append("\n")
          .append("    transport: { kind: local }\n")
          .append("    dataDisk: { name: ").append(h).append(scratch ? "-donor" : "-data").append(", lun: ").append(DATA_LUN)
          .append(", mount: ").append(q(vm + "/mnt/data")).append(", device: ").append(q(vm + "/lun/" + DATA_LUN))
          .append(", marker: ").append(MARKER).append(scratch ? "" : ", backupInstance: " + h + "-data").append(" }\n");
      if (h.equals("primary")) {
        y.append("    backupDisk: { name: primary-backup, lun: ").append(BACKUP_LUN).append(", mount: ")
            .append(q(vm + "/mnt/backup")).append(", device: ").append(q(vm + "/lun/" + BACKUP_LUN))
            .append(", marker: ").append(MARKER).append(", backupInstance: primary-backup }\n");
      }
      y.append("    db: { address: 127.0.0.1, port: ").append(ports.get(h)).append(", socket: ").append(q(vm + "/mariadbd.sock"))
          .append(", datadir: ").append(q(vm + "/mnt/data/mysql")).append(", user: ").append(DB_USER).append(", password: ").append(q("file:" + passwordFile()))
          .append(", replicationUser: ").append(REPL_USER).append(", replicationPassword: ").append(q("file:" + passwordFile()))
          .append(" }\n")
          .append("    service: { kind: sandbox }\n");
    }
    SandboxLayout.writeText(inventoryFile(), y.toString());
  }

  /**
   * The VM's fstab (what host.mount.boot-check reads for /etc/fstab here): the data disk by its LUN path, as a VM
   * set up to survive disk swaps has it. A test writes another line (UUID=...) to see the check warn.
   */
  private void writeFstab(String vm) throws StepFailure {
    SandboxLayout.writeText(layout.vm(vm).resolve("etc/fstab"), "# Written by `runbook sandbox up`: /etc/fstab of VM " + vm
        + " (the LUN path stands for the VM's LUN slot)\n/dev/disk/azure/scsi1/lun" + DATA_LUN + " "
        + layout.mounts(vm).resolve("data").toString().replace(" ", "\\040") + " xfs defaults,nofail 0 2\n");
  }

  /** A YAML double-quoted scalar. */
  private static String q(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }
}

package io.runbook.steps.host.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.steps.process.PosixShell;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** db.service.* with kind custom: the inventory's own commands start and stop a real mariadbd. */
@ExtendWith(SshdExtension.class)
class DbServiceCustomTest {
  private static final String PASSWORD = "svc-canary-'pw";

  private final DbServiceStart start = new DbServiceStart();
  private final DbServiceStop stop = new DbServiceStop();
  private final DbServiceStatus status = new DbServiceStatus();

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void startWaitsForQueriesStopWaitsForDownBothIdempotentAndTheMountGuardBlocksAStart(String kind, Sshd sshd, @TempDir Path base)
      throws Exception {
    try (MariaDbServer server = MariaDbServer.builder(base, "db1").start()) {
      server.sql("CREATE USER 'runbook'@'%' IDENTIFIED BY '" + PASSWORD.replace("'", "\\'") + "'",
          "GRANT ALL ON *.* TO 'runbook'@'%'");
      server.stop();
      Path pid = base.resolve("custom.pid");
      ServiceSpec custom = customCommands(server, pid);
      try {
        Path emptyFolder = Files.createDirectories(base.resolve("data-mount"));
        DiskSpec unmounted = new DiskSpec("db1-data", 9, emptyFolder.toString(), Optional.of("/dev/null"), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());
        try (StandaloneStepContext guarded = ctx(kind, sshd, server, custom, Optional.of(unmounted))) {
          StepFailure refused = assertThrows(StepFailure.class, () -> start.run(startIn(), guarded));
          assertTrue(refused.getMessage().contains("is NOT a mount point"), refused.getMessage());
          assertFalse(status.run(new DbServiceStatus.Input(Optional.empty()), guarded).running(), "nothing was started");
        }

        RecordingLog log = new RecordingLog();
        try (StandaloneStepContext c = ctx(kind, sshd, server, custom, Optional.empty(), log)) {
          assertEquals(Reconciled.Status.NOT_DONE, start.reconcile(startIn(), c).status());
          DbServiceStart.Output up = start.run(startIn(), c);
          assertTrue(up.started());
          java.util.Properties login = new java.util.Properties();
          login.setProperty("user", "runbook");
          login.setProperty("password", PASSWORD);
          login.setProperty("sslMode", "disable");
          try (var conn = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + server.port() + "/", login)) {
            assertTrue(conn.isValid(2), "the server answers right after the step returns");
          }
          DbServiceStatus.Output st = status.run(new DbServiceStatus.Input(Optional.empty()), c);
          assertTrue(st.running() && st.answering(), st.toString());
          assertFalse(start.run(startIn(), c).started(), "already running: nothing to do");
          assertEquals(Reconciled.Status.DONE, start.reconcile(startIn(), c).status());

          assertTrue(stop.run(stopIn(), c).stopped());
          assertFalse(listening(server.port()), "the port is closed once stop returns");
          assertFalse(status.run(new DbServiceStatus.Input(Optional.empty()), c).running());
          assertFalse(stop.run(stopIn(), c).stopped(), "already stopped: nothing to do");
          assertEquals(Reconciled.Status.DONE, stop.reconcile(stopIn(), c).status());
          assertTrue(log.warn.stream().anyMatch(w -> w.contains("no dataDisk")), log.warn.toString());
          assertTrue(log.warn.stream().noneMatch(w -> w.contains(PASSWORD)));
        }
      } finally {
        if (Files.exists(pid)) new ProcessBuilder("sh", "-c", "kill -9 $(cat " + pid + ")").start().waitFor();
      }
    }
  }

  /**
   * Fenced, the server boots read-only from its first moment (an application account's write is refused at the first
   * connection), without starting replication; a fence file in a folder the server does not read is refused loudly;
   * unfence removes the file and the next start is the server's own (writable) again.
   */
  @org.junit.jupiter.api.Test
  void aFencedStartBootsReadOnlyAndAFenceThatDoesNotTakeIsRefused(Sshd sshd, @TempDir Path base) throws Exception {
    try (MariaDbServer server = MariaDbServer.builder(base, "db1").start()) {
      server.sql("CREATE USER 'runbook'@'%' IDENTIFIED BY '" + PASSWORD.replace("'", "\\'") + "'",
          "GRANT ALL ON *.* TO 'runbook'@'%'", "CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)",
          "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'", "GRANT SELECT, INSERT ON shop.* TO 'app'@'%'");
      server.stop();
      Path pid = base.resolve("custom.pid");
      Path confDir = Files.createDirectories(base.resolve("conf.d"));
      Path myCnf = Files.writeString(base.resolve("my.cnf"), "!includedir " + confDir + "\n");
      Path fenceFile = confDir.resolve("99-runbook-fence.cnf");
      DbServiceUnfence unfence = new DbServiceUnfence();
      DbServiceUnfence.Input unfenceIn = new DbServiceUnfence.Input(Optional.empty());
      try {
        RecordingLog log = new RecordingLog();
        try (StandaloneStepContext c = ctx("local", sshd, server, customCommands(server, pid, Optional.of(myCnf), Optional.of(fenceFile)),
            Optional.empty(), log)) {
          List<String> plan = start.plan(fencedIn(), c).actions().stream().map(a -> a.text()).toList();
          assertTrue(plan.get(0).startsWith("write " + fenceFile), plan.toString());
          assertTrue(plan.get(plan.size() - 1).startsWith(DbServiceStart.FENCE_CHECK), plan.toString());
          assertEquals("remove " + fenceFile + " (the boot fence; the server's runtime read_only is not changed)",
              unfence.plan(unfenceIn, c).actions().get(0).text());

          DbServiceStart.Output up = start.run(fencedIn(), c);
          assertTrue(up.started());
          assertEquals(Boolean.TRUE, up.readOnlyAtStart(), "the step's own check at the first query");
          assertTrue(Files.readString(fenceFile).contains("read_only=ON"), "the drop-in is in the folder the server reads");
          java.sql.SQLException refused = assertThrows(java.sql.SQLException.class, () -> appInsert(server.port()));
          assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
          assertEquals(Reconciled.Status.DONE, start.reconcile(fencedIn(), c).status());
          assertTrue(log.info.stream().anyMatch(l -> l.contains("booted fenced")), log.info.toString());

          // Lifted: the file goes, the running server stays read-only (db.read-only opens it), the next boot is writable.
          assertEquals(Reconciled.Status.NOT_DONE, unfence.reconcile(unfenceIn, c).status());
          assertTrue(unfence.run(unfenceIn, c).removed());
          assertFalse(Files.exists(fenceFile));
          assertFalse(unfence.run(unfenceIn, c).removed(), "idempotent");
          assertEquals(Reconciled.Status.DONE, unfence.reconcile(unfenceIn, c).status());
          assertThrows(java.sql.SQLException.class, () -> appInsert(server.port()));
          assertTrue(stop.run(stopIn(), c).stopped());
          assertEquals(null, start.run(startIn(), c).readOnlyAtStart());
          appInsert(server.port());

          // Already running unfenced: a fenced start cannot fence it and says so.
          StepFailure running = assertThrows(StepFailure.class, () -> start.run(fencedIn(), c));
          assertTrue(running.getMessage().contains("the fence did not take") && running.getMessage().contains("already running"),
              running.getMessage());
          assertEquals(Reconciled.Status.NOT_DONE, start.reconcile(fencedIn(), c).status());

          // Read-only, but a replication connection's IO thread runs (still connecting, so no SQL thread counts it in
          // Slaves_running): not fenced either.
          server.sql("SET GLOBAL read_only = ON", "CHANGE MASTER 'stale' TO MASTER_HOST = '127.0.0.1', MASTER_PORT = 9,"
              + " MASTER_USER = 'x', MASTER_PASSWORD = 'x', MASTER_CONNECT_RETRY = 60", "START SLAVE 'stale' IO_THREAD");
          StepFailure ioOnly = assertThrows(StepFailure.class, () -> start.run(fencedIn(), c));
          assertTrue(ioOnly.getMessage().contains("the fence did not take"), ioOnly.getMessage());
          assertEquals(Reconciled.Status.NOT_DONE, start.reconcile(fencedIn(), c).status());
          server.sql("STOP SLAVE 'stale'", "RESET SLAVE 'stale' ALL", "SET GLOBAL read_only = OFF");
          assertTrue(stop.run(stopIn(), c).stopped());
          Files.deleteIfExists(fenceFile);
        }
        // A fence file in a folder the server does not read: the start is refused, not passed as fenced.
        Path elsewhere = Files.createDirectories(base.resolve("not-read")).resolve("99-runbook-fence.cnf");
        try (StandaloneStepContext c = ctx("local", sshd, server, customCommands(server, pid, Optional.of(myCnf), Optional.of(elsewhere)),
            Optional.empty())) {
          StepFailure f = assertThrows(StepFailure.class, () -> start.run(fencedIn(), c));
          assertTrue(f.getMessage().contains("the fence did not take") && f.getMessage().contains("did not read " + elsewhere),
              f.getMessage());
          assertTrue(f.hint().contains("SET GLOBAL read_only = ON"), f.hint());
          assertTrue(stop.run(stopIn(), c).stopped());
        }
        // No fenceFile and no default for the kind: refused before anything runs.
        try (StandaloneStepContext c = ctx("local", sshd, server, customCommands(server, pid), Optional.empty())) {
          StepFailure f = assertThrows(StepFailure.class, () -> start.run(fencedIn(), c));
          assertTrue(f.getMessage().contains("needs service.fenceFile"), f.getMessage());
          assertFalse(status.run(new DbServiceStatus.Input(Optional.empty()), c).running(), "nothing was started");
          // A run started unfenced (-p unfenced=true) reaches unfence too: nothing to remove, not a failure.
          DbServiceUnfence.Output none = unfence.run(unfenceIn, c);
          assertEquals("", none.file());
          assertFalse(none.removed());
          assertEquals(Reconciled.Status.DONE, unfence.reconcile(unfenceIn, c).status());
        }
      } finally {
        if (Files.exists(pid)) new ProcessBuilder("sh", "-c", "kill -9 $(cat " + pid + ")").start().waitFor();
      }
    }
  }

  private static void appInsert(int port) throws java.sql.SQLException {
    java.util.Properties login = new java.util.Properties();
    login.setProperty("user", "app");
    login.setProperty("password", "app-pw");
    login.setProperty("sslMode", "disable");
    try (var conn = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", login);
         var st = conn.createStatement()) {
      st.execute("INSERT INTO shop.t SELECT COALESCE(MAX(id), 0) + 1 FROM shop.t");
    }
  }

  private static ServiceSpec customCommands(MariaDbServer server, Path pid) {
    return customCommands(server, pid, Optional.empty(), Optional.empty());
  }

  /** Commands an operator might write for a mariadbd without a service manager (with an option file, or none). */
  private static ServiceSpec customCommands(MariaDbServer server, Path pid, Optional<Path> optionFile, Optional<Path> fenceFile) {
    String mariadbd = PosixShell.join(List.of("/usr/sbin/mariadbd",
        optionFile.map(f -> "--defaults-file=" + f).orElse("--no-defaults"), "--user=root",
        "--datadir=" + server.datadir(), "--socket=" + server.dir().resolve("custom.sock"), "--port=" + server.port(),
        "--bind-address=127.0.0.1", "--pid-file=" + pid, "--log-error=" + server.dir().resolve("custom.err")));
    String p = PosixShell.quote(pid.toString());
    return new ServiceSpec("custom", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(List.of("sh", "-c", "setsid " + mariadbd + " </dev/null >/dev/null 2>&1 &")),
        Optional.of(List.of("sh", "-c", "p=$(cat " + p + " 2>/dev/null) || exit 0; kill \"$p\"; "
            + "while kill -0 \"$p\" 2>/dev/null; do sleep 0.1; done")),
        Optional.of(List.of("sh", "-c", "kill -0 \"$(cat " + p + " 2>/dev/null)\" 2>/dev/null")),
        fenceFile.map(Path::toString));
  }

  private static StandaloneStepContext ctx(String kind, Sshd sshd, MariaDbServer server, ServiceSpec svc, Optional<DiskSpec> disk) {
    return ctx(kind, sshd, server, svc, disk, new RecordingLog());
  }

  private static StandaloneStepContext ctx(String kind, Sshd sshd, MariaDbServer server, ServiceSpec svc,
                                           Optional<DiskSpec> disk, RecordingLog log) {
    DbSpec db = new DbSpec(Optional.of("127.0.0.1"), Optional.of(server.port()), Optional.empty(), "runbook",
        Optional.of(SecretRef.parse("env:DB_PW")), Optional.empty(), Optional.empty(), Optional.empty());
    Host h = TestHosts.host("db1", "ssh".equals(kind) ? TestHosts.ssh(sshd) : TestHosts.local(), disk, Optional.of(db), Optional.of(svc));
    return StandaloneStepContext.builder().inventory(TestHosts.inventory(h)).target("db1").log(log)
        .env(Map.of("DB_PW", PASSWORD)).build();
  }

  private static DbServiceStart.Input startIn() {
    return new DbServiceStart.Input(Optional.empty(), Optional.of("60s"), Optional.empty(), Optional.empty());
  }

  private static DbServiceStart.Input fencedIn() {
    return new DbServiceStart.Input(Optional.empty(), Optional.of("60s"), Optional.empty(), Optional.of(true));
  }

  private static DbServiceStop.Input stopIn() {
    return new DbServiceStop.Input(Optional.of("60s"), Optional.empty());
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}

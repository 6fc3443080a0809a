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

  /** Commands an operator might write for a mariadbd without a service manager. */
  private static ServiceSpec customCommands(MariaDbServer server, Path pid) {
    String mariadbd = PosixShell.join(List.of("/usr/sbin/mariadbd", "--no-defaults", "--user=root",
        "--datadir=" + server.datadir(), "--socket=" + server.dir().resolve("custom.sock"), "--port=" + server.port(),
        "--bind-address=127.0.0.1", "--pid-file=" + pid, "--log-error=" + server.dir().resolve("custom.err")));
    String p = PosixShell.quote(pid.toString());
    return new ServiceSpec("custom", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(List.of("sh", "-c", "setsid " + mariadbd + " </dev/null >/dev/null 2>&1 &")),
        Optional.of(List.of("sh", "-c", "p=$(cat " + p + " 2>/dev/null) || exit 0; kill \"$p\"; "
            + "while kill -0 \"$p\" 2>/dev/null; do sleep 0.1; done")),
        Optional.of(List.of("sh", "-c", "kill -0 \"$(cat " + p + " 2>/dev/null)\" 2>/dev/null")));
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
    return new DbServiceStart.Input(Optional.empty(), Optional.of("60s"), Optional.empty());
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

package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** db.gtid.from-backup reads the binlog info that mariadb-backup wrote, on an SSH host through its transport. */
@MariaDbTest
@ExtendWith(SshdExtension.class)
class GtidFromBackupTest {
  private static Path backup;
  private static String gtidAtBackup;

  @BeforeAll
  static void backUp(MariaDbServer server) throws Exception {
    server.sql("CREATE DATABASE b", "CREATE TABLE b.t (id INT PRIMARY KEY)", "INSERT INTO b.t VALUES (1), (2)");
    gtidAtBackup = server.queryValue("SELECT @@gtid_binlog_pos");
    backup = server.dir().resolve("backup");
    Process p = new ProcessBuilder("mariadb-backup", "--backup", "--target-dir=" + backup, "--user=root",
        "--socket=" + server.socket()).redirectErrorStream(true).redirectOutput(server.dir().resolve("backup.log").toFile()).start();
    assertEquals(0, p.waitFor(), () -> "mariadb-backup failed: see " + server.dir().resolve("backup.log"));
    server.sql("INSERT INTO b.t VALUES (3)"); // after the backup: must not show in its GTID
  }

  @AfterAll
  static void removeBackup() { MariaDbServer.deleteTree(backup); }

  private static StandaloneStepContext overSsh(Sshd sshd) {
    return TestHosts.context("ssh", sshd, new TestHosts.RecordingLog());
  }

  private static GtidFromBackup.Input file(String path) { return new GtidFromBackup.Input(Optional.of(path), Optional.empty(), Optional.empty()); }

  @Test
  void readsTheBackupFolderOnAnSshHost(Sshd sshd) throws Exception {
    try (var ctx = overSsh(sshd)) {
      var out = new GtidFromBackup().run(file(backup.toString()), ctx);
      assertEquals(gtidAtBackup, out.gtid());
      assertTrue(out.binlogFile().startsWith("bin."), out.binlogFile());
      assertTrue(out.position() > 0);
      assertEquals(out, new GtidFromBackup().run(file(writtenInfoFile().toString()), ctx),
          "the file itself reads the same as its folder");
    }
  }

  /** The binlog info file this mariadb-backup wrote: xtrabackup_binlog_info up to MariaDB 10.11, the new name later. */
  private static Path writtenInfoFile() {
    Path newer = backup.resolve(GtidFromBackup.INFO_FILE);
    return Files.exists(newer) ? newer : backup.resolve(GtidFromBackup.OLD_INFO_FILE);
  }

  @Test
  void aFolderHoldingEitherNameIsRead(Sshd sshd) throws Exception {
    Path copy = Files.createDirectories(backup.resolveSibling("copied-backup"));
    try (var ctx = overSsh(sshd)) {
      for (String name : new String[] {GtidFromBackup.INFO_FILE, GtidFromBackup.OLD_INFO_FILE}) {
        Files.deleteIfExists(copy.resolve(GtidFromBackup.INFO_FILE));
        Files.deleteIfExists(copy.resolve(GtidFromBackup.OLD_INFO_FILE));
        Files.copy(writtenInfoFile(), copy.resolve(name)); // the real file, byte for byte, under each name
        assertEquals(gtidAtBackup, new GtidFromBackup().run(file(copy.toString()), ctx).gtid(), name);
      }
    } finally {
      MariaDbServer.deleteTree(copy);
    }
  }

  @Test
  void aFolderWithoutBinlogInfoFailsNamingTheHostAndBothNames(Sshd sshd) throws Exception {
    Path empty = Files.createDirectories(backup.resolveSibling("not-a-backup"));
    try (var ctx = overSsh(sshd)) {
      StepFailure f = assertThrows(StepFailure.class, () -> new GtidFromBackup().run(file(empty.toString()), ctx));
      assertTrue(f.getMessage().contains(GtidFromBackup.INFO_FILE) && f.getMessage().contains(GtidFromBackup.OLD_INFO_FILE),
          f.getMessage());
      assertTrue(f.getMessage().contains("db1 (ssh"), f.getMessage());
      assertTrue(f.hint().contains("mounted"), f.hint());
      StepFailure missing = assertThrows(StepFailure.class,
          () -> new GtidFromBackup().run(file(empty.resolve("nope").toString()), ctx));
      assertTrue(missing.getMessage().contains("does not exist on db1"), missing.getMessage());
    } finally {
      MariaDbServer.deleteTree(empty);
    }
  }

  @Test
  void planNamesTheHostAndTheFile(Sshd sshd) {
    try (var ctx = overSsh(sshd)) {
      Plan p = new GtidFromBackup().plan(file(backup.toString()), ctx);
      assertEquals(Plan.Kind.FILE, p.actions().get(0).kind());
      assertTrue(p.actions().get(0).text().contains("read " + backup), p.actions().get(0).text());
    }
  }
}

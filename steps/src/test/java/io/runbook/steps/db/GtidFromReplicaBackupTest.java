package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import io.runbook.testkit.mariadb.Replica;
import io.runbook.testkit.mariadb.ReplicationPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * db.gtid.from-backup on a backup the real mariadb-backup took on a real GTID replica with --slave-info
 * --safe-slave-backup (as backup-disk-refresh does when its host is a replica). The replica runs without
 * log_slave_updates, so its own binlog does not hold what it applied. Ordered: the last test makes the replica diverge.
 */
@MariaDbTest(replica = true, options = "log-slave-updates=0")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GtidFromReplicaBackupTest {
  private Path backup;

  @BeforeAll
  static void data(MariaDbServer primary, ReplicationPair pair) {
    primary.sql("CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)", "INSERT INTO app.t VALUES (1), (2)");
    pair.awaitCaughtUp(Duration.ofSeconds(30));
  }

  @AfterEach
  void removeBackup() { if (backup != null) MariaDbServer.deleteTree(backup); }

  /** mariadb-backup --backup of the replica into a fresh folder, with what backup-disk-refresh passes for a replica. */
  private Path backUp(MariaDbServer replica, String name) throws Exception {
    backup = replica.dir().resolve(name);
    Path log = replica.dir().resolve(name + ".log");
    Process p = new ProcessBuilder("mariadb-backup", "--backup", "--slave-info", "--safe-slave-backup",
        "--target-dir=" + backup, "--user=root", "--socket=" + replica.socket())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertEquals(0, p.waitFor(), () -> "mariadb-backup failed: see " + log);
    return backup;
  }

  private static GtidFromBackup.Output read(Path folder, TestHosts.RecordingLog log) throws StepFailure {
    try (var ctx = TestHosts.context("local", null, log)) {
      return new GtidFromBackup().run(new GtidFromBackup.Input(Optional.of(folder.toString()), Optional.empty(),
          Optional.empty()), ctx);
    }
  }

  private static String file(Path folder, String newName, String oldName) throws Exception {
    Path f = Files.exists(folder.resolve(newName)) ? folder.resolve(newName) : folder.resolve(oldName);
    return Files.readString(f);
  }

  @Test
  @Order(1)
  void theGtidIsWhatTheReplicaHadAppliedAtTheBackup(MariaDbServer primary, @Replica MariaDbServer replica,
                                                     ReplicationPair pair) throws Exception {
    primary.sql("INSERT INTO app.t VALUES (3)");
    pair.awaitCaughtUp(Duration.ofSeconds(30));
    String applied = replica.queryValue("SELECT @@global.gtid_slave_pos");
    assertEquals(primary.queryValue("SELECT @@global.gtid_binlog_pos"), applied);
    assertNotEquals(applied, replica.queryValue("SELECT @@global.gtid_binlog_pos"),
        "without log_slave_updates the replica's own binlog does not hold what it applied");
    Path folder = backUp(replica, "backup-applied");
    primary.sql("INSERT INTO app.t VALUES (4)"); // after the backup: not in its GTID
    pair.awaitCaughtUp(Duration.ofSeconds(30));

    var log = new TestHosts.RecordingLog();
    var out = read(folder, log);
    assertEquals(applied, out.gtid(), "the primary's position the copy is consistent with");
    assertEquals("slave_info", out.source());
    assertTrue(String.join("\n", log.info).contains("from the slave info (the replica's gtid_slave_pos"), log.info.toString());
    assertEquals("Yes", ReplicationPair.replicaStatus(replica).get("Slave_SQL_Running"),
        "--safe-slave-backup started the SQL thread again");

    // The same from the files' text, as the runbooks pass it (read by host.exec on the backup's host).
    try (var ctx = TestHosts.context("local", null, new TestHosts.RecordingLog())) {
      var fromText = new GtidFromBackup().run(new GtidFromBackup.Input(Optional.empty(),
          Optional.of(file(folder, GtidFromBackup.INFO_FILE, GtidFromBackup.OLD_INFO_FILE)),
          Optional.of(file(folder, GtidFromBackup.SLAVE_INFO_FILE, GtidFromBackup.OLD_SLAVE_INFO_FILE))), ctx);
      assertEquals(out, fromText);
    }
  }

  /** Local writes in a gtid_domain_id of their own (MariaDB's advice for writes on a replica) are in the copy: kept. */
  @Test
  @Order(2)
  void localWritesInADomainOfTheirOwnAreAddedToThePosition(@Replica MariaDbServer replica) throws Exception {
    replica.sql("SET SESSION gtid_domain_id = 9", "CREATE DATABASE local_only");
    String applied = replica.queryValue("SELECT @@global.gtid_slave_pos");
    String own = replica.queryValue("SELECT @@global.gtid_binlog_pos");
    assertTrue(own.startsWith("9-"), own);
    var out = read(backUp(replica, "backup-own-domain"), new TestHosts.RecordingLog());
    assertEquals(GtidList.parse(applied + "," + own), GtidList.parse(out.gtid()));
    assertEquals("slave_info", out.source());
  }

  /**
   * A write on the replica in the domain it replicates: binlog info records gtid_current_pos, which now holds the
   * replica's own GTID instead of the primary's position, and the copy holds a transaction the primary never had.
   * Read alone (before --slave-info) that wrong GTID was taken silently; now the step refuses, naming both.
   */
  @Test
  @Order(3)
  void aLocalWriteInTheReplicatedDomainIsRefused(@Replica MariaDbServer replica) throws Exception {
    replica.sql("SET SESSION gtid_domain_id = 0", "CREATE DATABASE errant");
    String applied = replica.queryValue("SELECT @@global.gtid_slave_pos");
    Path folder = backUp(replica, "backup-errant");
    String binlogInfo = file(folder, GtidFromBackup.INFO_FILE, GtidFromBackup.OLD_INFO_FILE);
    String alone = GtidFromBackup.parse(binlogInfo, "", "binlog info alone").output().gtid();
    Gtid errant = GtidList.parse(alone).byDomain().get(0L);
    Gtid fromPrimary = GtidList.parse(applied).byDomain().get(0L);
    assertEquals(replica.serverId(), errant.serverId(), "the binlog info alone names the replica's own write: " + alone);
    assertTrue(errant.seq() > fromPrimary.seq(), alone + " vs " + applied);

    StepFailure f = assertThrows(StepFailure.class, () -> read(folder, new TestHosts.RecordingLog()));
    assertTrue(f.getMessage().contains("wrote transactions of its own in a domain it replicates")
        && f.getMessage().contains("binlog info " + errant) && f.getMessage().contains("slave info " + fromPrimary),
        f.getMessage());
    assertTrue(f.hint().contains("take the backup on the primary"), f.hint());
  }
}

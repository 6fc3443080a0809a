package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepFailure;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** db.config.check against a real server started with relaxed durability (sync_binlog=0) and short binlog retention. */
@MariaDbTest(options = {"sync_binlog=0", "binlog_expire_logs_seconds=3600"})
class ConfigCheckTest {

  @BeforeAll
  static void users(MariaDbServer server) { TestDb.createUsers(server); }

  @Test
  void failsOnSyncBinlogZeroWithTheReason(MariaDbServer server) {
    try (var ctx = TestDb.context("db1", TestDb.host("db1", server))) {
      StepFailure f = assertThrows(StepFailure.class,
          () -> new ConfigCheck().run(new ConfigCheck.Input(Optional.empty(), Optional.empty(), Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("host db1 (127.0.0.1:" + server.port() + ") is not safe"), f.getMessage());
      assertTrue(f.getMessage().contains("sync_binlog is 0, expected 1: a snapshot or crash"), f.getMessage());
      assertFalse(f.getMessage().contains("innodb_flush_log_at_trx_commit is"), "only failed keys are listed");
      assertFalse(f.retryable());
    }
  }

  @Test
  void reportsTheTableAndHonoursWarnOnlyAndRetention(MariaDbServer server) throws Exception {
    try (var ctx = TestDb.context("db1", TestDb.host("db1", server))) {
      var out = new ConfigCheck().run(new ConfigCheck.Input(Optional.of(Duration.ofDays(7)),
          Optional.of(List.of("sync_binlog")), Optional.of(false)), ctx);
      assertFalse(out.ok(), "retention of 1h is below 7d");
      var byKey = new java.util.HashMap<String, ConfigCheck.Check>();
      out.checks().forEach(c -> byKey.put(c.key(), c));
      assertEquals("WARN", byKey.get("sync_binlog").verdict());
      assertEquals("0", byKey.get("sync_binlog").actual());
      assertEquals("OK", byKey.get("binlog_format").verdict());
      assertEquals("OK", byKey.get("gtid_strict_mode").verdict());
      assertEquals("FAIL", byKey.get("binlog_expire_logs_seconds").verdict());
      assertEquals("1h", byKey.get("binlog_expire_logs_seconds").actual());
      assertEquals("OK", byKey.get("server_id").verdict());
    }
  }

  @Test
  void duplicateServerIdAcrossTheInventoryFails(MariaDbServer server) throws Exception {
    // Two inventory hosts that reach the same server necessarily share a server_id.
    try (var ctx = TestDb.context("db1", TestDb.host("db1", server), TestDb.host("db2", server),
        TestDb.host("down", "127.0.0.1", MariaDbServer.freePort(), TestDb.PASSWORD_ENV))) {
      var out = new ConfigCheck().run(new ConfigCheck.Input(Optional.empty(), Optional.of(List.of("sync_binlog")),
          Optional.of(false)), ctx);
      var id = out.checks().stream().filter(c -> c.key().equals("server_id")).findFirst().orElseThrow();
      assertEquals("FAIL", id.verdict());
      assertEquals(server.serverId() + " (also on db2)", id.actual());
    }
  }
}

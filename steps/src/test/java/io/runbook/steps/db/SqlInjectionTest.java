package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.HostileValues;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Hostile parameter values reach MariaDB only as data: bound to {@code ?} in db.exec and db.query they are stored
 * and read back byte-equal (compared as HEX() of the stored bytes), the classic injections match nothing, and no
 * table is dropped or created. Where a value cannot be bound (a table or schema name, a replication source host) it
 * is refused with a clear step failure before any SQL is sent.
 */
@MariaDbTest
class SqlInjectionTest {
  static final List<String> VALUES = HostileValues.sql(Path.of("/tmp/runbook-sql-canary"));

  @Test
  void boundValuesArriveVerbatimAndNothingElseRuns(MariaDbServer server) throws Exception {
    TestDb.createUsers(server);
    server.sql("CREATE DATABASE inj", "CREATE TABLE inj.t (id INT AUTO_INCREMENT PRIMARY KEY,"
        + " v TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL)", "CREATE TABLE inj.injected (i INT)");
    try (StandaloneStepContext ctx = TestDb.context("db1", TestDb.host("db1", server))) {
      for (String v : VALUES) {
        new Exec().run(new Exec.Input(List.of("INSERT INTO inj.t (v) VALUES (?)"), Optional.of(List.of(List.of(v))),
            Optional.empty(), Optional.empty()), ctx);
        Query.Output back = new Query().run(new Query.Input("SELECT HEX(v) AS h, COUNT(*) AS n FROM inj.t WHERE v = ?",
            Optional.of(List.of(v))), ctx);
        assertEquals(1L, ((Number) back.row().get("n")).longValue(), "exactly the one row for " + v);
        assertEquals(HexFormat.of().withUpperCase().formatHex(v.getBytes(StandardCharsets.UTF_8)), back.row().get("h"),
            "stored byte-equal: " + v);
      }
      Query.Output none = new Query().run(new Query.Input("SELECT COUNT(*) AS n FROM inj.t WHERE v = ?",
          Optional.of(List.of("nothing' OR '1'='1"))), ctx);
      assertEquals(0L, ((Number) none.row().get("n")).longValue(), "an OR '1'='1' matches nothing when bound");
    }
    assertEquals(String.valueOf(VALUES.size()), server.queryValue("SELECT COUNT(*) FROM inj.t"), "no extra rows");
    assertEquals("injected,t", server.queryValue("SELECT GROUP_CONCAT(table_name ORDER BY table_name)"
        + " FROM information_schema.tables WHERE table_schema = 'inj'"), "no table dropped or created");
    assertEquals("0", server.queryValue("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'pwned'"));
  }

  @Test
  void namesThatCannotBeBoundAreRefusedBeforeAnySqlRuns(MariaDbServer server) throws Exception {
    TestDb.createUsers(server);
    server.sql("CREATE DATABASE IF NOT EXISTS names", "CREATE TABLE IF NOT EXISTS names.victim (i INT)");
    try (StandaloneStepContext ctx = TestDb.context("db1", TestDb.host("db1", server))) {
      for (String bad : List.of("names.victim`; DROP TABLE names.victim; -- ", "names.victim'", "a.b.c", "names.`x`",
          "names.x\ny", "names.", "names.victim /* */")) {
        StepFailure f = assertThrows(StepFailure.class, () -> new Checksum().run(
            new Checksum.Input(Optional.of(List.of(bad)), Optional.empty(), Optional.empty()), ctx), bad);
        assertTrue(f.getMessage().contains("not an acceptable SQL name") || f.getMessage().contains("is not a table name"),
            f.getMessage());
      }
      StepFailure schema = assertThrows(StepFailure.class, () -> new Checksum().run(
          new Checksum.Input(Optional.empty(), Optional.of("names`; DROP DATABASE names; --"), Optional.empty()), ctx));
      // A schema name is bound as a value when the tables are looked up: it simply names no schema.
      assertTrue(schema.getMessage().contains("no tables to checksum (schema names`; DROP DATABASE names; -- has no"),
          schema.getMessage());
    }
    assertEquals("1", server.queryValue("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'names'"
        + " AND table_name = 'victim'"), "the table is still there");
  }

  @Test
  void aHostileReplicationSourceHostOrGtidIsRefused() {
    for (String host : List.of("x', MASTER_PASSWORD='p", "h; DROP TABLE t", "h\nMASTER_USER='root'", "h' -- ")) {
      StepFailure f = assertThrows(StepFailure.class, () -> SqlQuoting.hostLiteral(host));
      assertTrue(f.getMessage().contains("is not a host name or IP address"), f.getMessage());
    }
    for (String gtid : List.of("0-1-1'; DROP TABLE t; --", "0-1-1 /* */", "0-1-1\n")) {
      StepFailure f = assertThrows(StepFailure.class, () -> SqlQuoting.gtidLiteral(gtid.replace("\n", "\nx")));
      assertTrue(f.getMessage().contains("is not a GTID list"), f.getMessage());
    }
    for (String v : VALUES) {
      if (v.chars().anyMatch(c -> c < 0x20 && c != '\t')) continue;
      try {
        String lit = SqlQuoting.literal(v);
        assertTrue(lit.startsWith("'") && lit.endsWith("'"));
        assertFalse(lit.substring(1, lit.length() - 1).replace("\\\\", "").replace("\\'", "").contains("'"), lit);
      } catch (StepFailure e) {
        throw new AssertionError(v, e);
      }
    }
  }
}

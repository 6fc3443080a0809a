package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The db step types that need one server, run against a real mariadbd. */
@MariaDbTest
class DbStepsTest {
  private StandaloneStepContext ctx;

  @BeforeAll
  static void schema(MariaDbServer server) {
    TestDb.createUsers(server);
    server.sql("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(40))",
        "CREATE TABLE shop.items (id INT PRIMARY KEY)", "INSERT INTO shop.orders VALUES (1, 'apple'), (2, 'pear')");
  }

  @BeforeEach
  void context(MariaDbServer server) { ctx = TestDb.context("db1", TestDb.host("db1", server)); }

  @AfterEach
  void close(MariaDbServer server) {
    ctx.close();
    server.sql("SET GLOBAL read_only = OFF");
  }

  @Test
  void queryBindsParametersAndReturnsRows() throws Exception {
    var out = new Query().run(new Query.Input("SELECT id, item FROM shop.orders WHERE item <> ? ORDER BY id",
        Optional.of(List.of("x' OR '1'='1"))), ctx);
    assertEquals(2, out.count());
    assertEquals(Map.of("id", 1, "item", "apple"), out.row());
    assertEquals("pear", out.rows().get(1).get("item"));
  }

  @Test
  void queryRefusesStatementsThatWrite(MariaDbServer server) {
    StepFailure f = assertThrows(StepFailure.class,
        () -> new Query().run(new Query.Input("DELETE FROM shop.orders", Optional.empty()), ctx));
    assertTrue(f.getMessage().contains("db.query runs only reading statements"), f.getMessage());
    // A write hidden in a SELECT (a function that modifies data) is stopped by the read-only transaction:
    server.sql("SET GLOBAL log_bin_trust_function_creators = 1", "CREATE TABLE IF NOT EXISTS shop.seq (n INT)",
        "CREATE OR REPLACE FUNCTION shop.sneaky() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO shop.seq VALUES (1); RETURN 1; END");
    StepFailure hidden = assertThrows(StepFailure.class,
        () -> new Query().run(new Query.Input("SELECT shop.sneaky()", Optional.empty()), ctx));
    assertTrue(hidden.getMessage().contains("READ ONLY transaction"), hidden.getMessage());
    assertFalse(hidden.retryable());
    assertEquals("0", server.queryValue("SELECT COUNT(*) FROM shop.seq"));
  }

  @Test
  void execBindsParametersRunsInATransactionAndReconcilesWithDoneWhen(MariaDbServer server) throws Exception {
    Exec exec = new Exec();
    var in = new Exec.Input(List.of("INSERT INTO shop.orders VALUES (?, ?)", "UPDATE shop.orders SET item = ? WHERE id = ?"),
        Optional.of(List.of(List.of(10, "plum'); DROP TABLE shop.orders; --"), List.of("fig", 1))),
        Optional.of(true), Optional.of("SELECT COUNT(*) FROM shop.orders WHERE id = 10"));
    assertEquals(Reconciled.Status.NOT_DONE, exec.reconcile(in, ctx).status());
    assertEquals(List.of(1, 1), exec.run(in, ctx).affected());
    assertEquals("plum'); DROP TABLE shop.orders; --", server.queryValue("SELECT item FROM shop.orders WHERE id = 10"));
    assertEquals(Reconciled.Status.DONE, exec.reconcile(in, ctx).status());
    assertEquals("INSERT INTO shop.orders VALUES (10, 'plum\\'); DROP TABLE shop.orders; --')",
        exec.plan(in, ctx).actions().get(1).text());

    var failing = new Exec.Input(List.of("DELETE FROM shop.orders WHERE id = 10", "INSERT INTO shop.nothing VALUES (1)"),
        Optional.empty(), Optional.of(true), Optional.empty());
    StepFailure f = assertThrows(StepFailure.class, () -> exec.run(failing, ctx));
    assertTrue(f.getMessage().contains("INSERT INTO shop.nothing VALUES (1) failed"), f.getMessage());
    assertEquals("1", server.queryValue("SELECT COUNT(*) FROM shop.orders WHERE id = 10"), "the transaction rolled back");
    assertEquals(Reconciled.Status.UNKNOWN, exec.reconcile(failing, ctx).status(), "without doneWhen it cannot tell");
    server.sql("DELETE FROM shop.orders WHERE id = 10", "UPDATE shop.orders SET item = 'apple' WHERE id = 1");
  }

  @Test
  void waitReturnsOnceTheConditionHoldsAndFailsWithTheLastValueOnTimeout(MariaDbServer server) throws Exception {
    server.sql("CREATE TABLE IF NOT EXISTS shop.flags (name VARCHAR(10) PRIMARY KEY)");
    CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
      try { Thread.sleep(700); } catch (InterruptedException e) { throw new IllegalStateException(e); }
      server.sql("INSERT INTO shop.flags VALUES ('go')");
    });
    var in = new WaitUntil.Input("SELECT COUNT(*) FROM shop.flags WHERE name = ?", Optional.of(List.of("go")),
        Optional.of(Duration.ofSeconds(20)), Optional.of(Duration.ofMillis(100)));
    var out = new WaitUntil().run(in, ctx);
    later.join();
    assertEquals("1", out.value());
    assertTrue(out.waitedMs() >= 500, "it waited for the insert: " + out.waitedMs());
    assertEquals("until SELECT COUNT(*) FROM shop.flags WHERE name = 'go' is true (every 100ms, at most 20s)",
        new WaitUntil().plan(in, ctx).actions().get(0).text());

    var never = new WaitUntil.Input("SELECT COUNT(*) FROM shop.flags WHERE name = 'stop'", Optional.empty(),
        Optional.of(Duration.ofMillis(500)), Optional.of(Duration.ofMillis(100)));
    StepFailure f = assertThrows(StepFailure.class, () -> new WaitUntil().run(never, ctx));
    assertTrue(f.getMessage().contains("was not true within 500ms (last: value 0)"), f.getMessage());
  }

  @Test
  void statusReportsTheServerAndUnreachableIsAnAnswer(MariaDbServer server) throws Exception {
    var s = new Status().run(new Status.Input(), ctx);
    assertTrue(s.reachable());
    assertTrue(s.version().contains("MariaDB"), s.version());
    assertEquals(server.serverId(), s.serverId());
    assertEquals(server.queryValue("SELECT @@gtid_binlog_pos"), s.gtidBinlogPos());
    assertFalse(s.readOnly());
    assertFalse(s.replica());
    assertNull(s.ioRunning());
    int before = s.clientConnections();
    try (Connection lingering = server.rootConnection()) {
      assertEquals(before + 1, new Status().run(new Status.Input(), ctx).clientConnections());
    }

    var gone = TestDb.context("gone", TestDb.host("gone", "127.0.0.1", MariaDbServer.freePort(), TestDb.PASSWORD_ENV));
    var down = new Status().run(new Status.Input(), gone);
    assertFalse(down.reachable());
    assertTrue(down.error().contains("host gone"), down.error());
    assertNull(down.version());
  }

  @Test
  void readOnlyIsSetVerifiedAndReconciled(MariaDbServer server) throws Exception {
    SetReadOnly step = new SetReadOnly();
    var on = new SetReadOnly.Input(true);
    assertEquals(Reconciled.Status.NOT_DONE, step.reconcile(on, ctx).status());
    var out = step.run(on, ctx);
    assertTrue(out.readOnly());
    assertFalse(out.previous());
    assertEquals("1", server.queryValue("SELECT @@global.read_only"));
    assertEquals(Reconciled.Status.DONE, step.reconcile(on, ctx).status());
    assertEquals("SET GLOBAL read_only = ON", step.plan(on, ctx).actions().get(0).text());
    assertTrue(step.run(on, ctx).previous(), "running it again is harmless");
    assertFalse(step.run(new SetReadOnly.Input(false), ctx).readOnly());
    assertEquals("0", server.queryValue("SELECT @@global.read_only"));
  }

  @Test
  void checksumCoversTablesOrASchemaAndNamesMissingTables(MariaDbServer server) throws Exception {
    var bySchema = new Checksum().run(new Checksum.Input(Optional.empty(), Optional.of("shop"), Optional.of(true)), ctx);
    assertTrue(bySchema.checksums().containsKey("shop.orders"));
    assertTrue(bySchema.checksums().containsKey("shop.items"));
    long orders = bySchema.checksums().get("shop.orders");
    var one = new Checksum().run(new Checksum.Input(Optional.of(List.of("shop.orders")), Optional.empty(), Optional.empty()), ctx);
    assertEquals(Map.of("shop.orders", orders), one.checksums());
    server.sql("UPDATE shop.orders SET item = 'APPLE' WHERE id = 1");
    try {
      var changed = new Checksum().run(new Checksum.Input(Optional.of(List.of("shop.orders")), Optional.empty(), Optional.empty()), ctx);
      assertFalse(changed.checksums().get("shop.orders") == orders, "a changed row changes the checksum");
    } finally {
      server.sql("UPDATE shop.orders SET item = 'apple' WHERE id = 1");
    }
    StepFailure f = assertThrows(StepFailure.class, () -> new Checksum().run(
        new Checksum.Input(Optional.of(List.of("shop.nope")), Optional.empty(), Optional.empty()), ctx));
    assertTrue(f.getMessage().contains("no checksum for shop.nope"), f.getMessage());
    assertThrows(StepFailure.class, () -> new Checksum().run(
        new Checksum.Input(Optional.of(List.of("shop.orders`; DROP TABLE x; --")), Optional.empty(), Optional.empty()), ctx));
  }

  @Test
  void configCheckPassesOnADurableServer() throws Exception {
    var out = new ConfigCheck().run(new ConfigCheck.Input(Optional.of(Duration.ofDays(7)), Optional.empty(), Optional.empty()), ctx);
    assertTrue(out.ok(), out.checks().toString());
    assertEquals(9, out.checks().size());
    assertTrue(out.checks().stream().allMatch(c -> c.verdict().equals("OK")), out.checks().toString());
  }

  @Test
  void drainFailsOnALingeringClientAndKillsItWhenAsked(MariaDbServer server) throws Exception {
    assertTrue(new Drain().run(new Drain.Input(Optional.of(Duration.ofSeconds(5)), Optional.empty(), Optional.empty(),
        Optional.empty()), ctx).killed().isEmpty(), "no clients: drained at once");
    try (Connection lingering = DriverManager.getConnection(server.jdbcUrl() + "?user=root")) {
      long id;
      try (var st = lingering.createStatement(); var rs = st.executeQuery("SELECT CONNECTION_ID()")) {
        rs.next();
        id = rs.getLong(1);
      }
      var wait = new Drain.Input(Optional.of(Duration.ofMillis(600)), Optional.of(Duration.ofMillis(100)), Optional.empty(), Optional.empty());
      StepFailure f = assertThrows(StepFailure.class, () -> new Drain().run(wait, ctx));
      assertTrue(f.getMessage().contains("1 client sessions still connected after 600ms: #" + id + " root@"), f.getMessage());
      assertTrue(f.hint().contains("kill: true"));

      var ignoring = new Drain.Input(Optional.of(Duration.ofMillis(300)), Optional.empty(), Optional.empty(), Optional.of(List.of("root")));
      assertTrue(new Drain().run(ignoring, ctx).killed().isEmpty(), "ignored users do not count");

      var kill = new Drain.Input(Optional.of(Duration.ofMillis(300)), Optional.of(Duration.ofMillis(100)), Optional.of(true), Optional.empty());
      var out = new Drain().run(kill, ctx);
      assertEquals(1, out.killed().size());
      assertEquals(id, ((Number) out.killed().get(0).get("id")).longValue());
      assertFalse(lingering.isValid(2), "the lingering client's connection was killed");
    }
  }

  @Test
  void gtidFromBackupParsesWhatMariadbBackupWrote(MariaDbServer server) throws Exception {
    server.sql("INSERT INTO shop.items VALUES (100)");
    String gtid = server.queryValue("SELECT @@gtid_binlog_pos");
    java.nio.file.Path target = server.dir().resolve("backup");
    Process p = new ProcessBuilder("mariadb-backup", "--backup", "--target-dir=" + target, "--user=root",
        "--socket=" + server.socket()).redirectErrorStream(true).redirectOutput(server.dir().resolve("backup.log").toFile()).start();
    assertEquals(0, p.waitFor(), () -> "mariadb-backup failed: see " + server.dir().resolve("backup.log"));
    try {
      var out = new GtidFromBackup().run(new GtidFromBackup.Input(Optional.of(target.toString()), Optional.empty(), Optional.empty()), ctx);
      assertEquals(gtid, out.gtid());
      assertEquals("binlog_info", out.source(), "a backup of a primary has no slave info");
      assertTrue(out.binlogFile().startsWith("bin."), out.binlogFile());
      assertTrue(out.position() > 0);
    } finally {
      MariaDbServer.deleteTree(target);
    }
    var two = new GtidFromBackup().run(new GtidFromBackup.Input(Optional.empty(), Optional.of("bin.000007\t1234\t0-1-100,1-2-7\n"), Optional.empty()), ctx);
    assertEquals(new GtidFromBackup.Output("bin.000007", 1234, "0-1-100,1-2-7", "binlog_info"), two);
    StepFailure f = assertThrows(StepFailure.class,
        () -> new GtidFromBackup().run(new GtidFromBackup.Input(Optional.empty(), Optional.of("bin.000007 1234"), Optional.empty()), ctx));
    assertTrue(f.getMessage().contains("has no GTID"), f.getMessage());
  }

  @Test
  void restoreBinlogStateResetsTheHistoryToTheGivenGtid() throws Exception {
    java.nio.file.Path base = server().dir().getParent().resolve("restore");
    try (MariaDbServer fresh = MariaDbServer.builder(base, "restore").start()) {
      TestDb.createUsers(fresh);
      fresh.sql("CREATE DATABASE r", "CREATE TABLE r.t (id INT PRIMARY KEY)", "INSERT INTO r.t VALUES (1)");
      try (var c = TestDb.context("r", TestDb.host("r", fresh))) {
        var step = new RestoreBinlogState();
        var in = new RestoreBinlogState.Input("0-1-1042,3-7-5");
        assertEquals(Reconciled.Status.NOT_DONE, step.reconcile(in, c).status());
        assertEquals(List.of("SELECT @@global.gtid_binlog_pos  -- must be empty (or already 0-1-1042,3-7-5)", "RESET MASTER",
            "SET GLOBAL gtid_binlog_state = '0-1-1042,3-7-5'", "SELECT @@global.gtid_binlog_pos  -- must equal 0-1-1042,3-7-5"),
            step.plan(in, c).actions().stream().map(Plan.Action::text).toList());
        // Transactions binlogged since the boot are in the data: RESET MASTER would drop them from the binlog only.
        String written = fresh.queryValue("SELECT @@gtid_binlog_pos");
        StepFailure binlogged = assertThrows(StepFailure.class, () -> step.run(in, c));
        assertTrue(binlogged.getMessage().contains("@@gtid_binlog_pos is " + written + ", not empty"), binlogged.getMessage());
        assertEquals(written, fresh.queryValue("SELECT @@gtid_binlog_pos"), "nothing was reset");
        fresh.sql("RESET MASTER"); // as a prepared mariadb-backup boots: the data, an empty binlog
        assertEquals("0-1-1042,3-7-5", step.run(in, c).gtidBinlogPos());
        assertEquals("0-1-1042,3-7-5", fresh.queryValue("SELECT @@gtid_binlog_pos"));
        assertEquals("bin.000001", fresh.queryValue("SHOW BINARY LOGS"), "older binlogs are gone");
        assertEquals(Reconciled.Status.DONE, step.reconcile(in, c).status());
        assertEquals("0-1-1042,3-7-5", step.run(in, c).gtidBinlogPos(), "running it again at the same state is harmless");
        fresh.sql("INSERT INTO r.t VALUES (2)");
        assertEquals("0-1-1042,3-7-5".replace("0-1-1042", "0-" + fresh.serverId() + "-1043"), fresh.queryValue("SELECT @@gtid_binlog_pos"),
            "new transactions continue the restored sequence");
        assertThrows(StepFailure.class, () -> step.run(in, c), "a write after the reset is not erased by a second run");
        StepFailure empty = assertThrows(StepFailure.class, () -> step.run(new RestoreBinlogState.Input(""), c));
        assertTrue(empty.getMessage().contains("empty GTID"), empty.getMessage());
      }
      var unconfirmed = StandaloneStepContext.builder().inventory(TestDb.inventory(TestDb.host("r", fresh)))
          .target("r").env(TestDb.env()).confirmed(false).build();
      StepFailure f = assertThrows(StepFailure.class, () -> new RestoreBinlogState().run(new RestoreBinlogState.Input("0-1-5"), unconfirmed));
      assertTrue(f.getMessage().contains("not confirmed"), f.getMessage());
    }
  }

  private MariaDbServer server;

  @BeforeEach
  void keep(MariaDbServer s) { server = s; }

  private MariaDbServer server() { return server; }
}

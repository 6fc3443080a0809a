package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.cli.Main;
import io.runbook.cli.VerifyChecks;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.VerifyCheck;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import io.runbook.testkit.mariadb.Replica;
import io.runbook.testkit.mariadb.ReplicationPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shipped runbooks' replication promise ("every replica replicates", or without replicas "the primary replicates
 * from nothing"), judged against a real primary and replica whose connections are the default one, named ones
 * (multi-source: CHANGE MASTER 'name' TO ...) or both. It must hold exactly when every connection runs both threads:
 * Slave_running, which the checks read before, sees the default connection only.
 */
@MariaDbTest(replica = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationVerifyCheckTest {
  static final List<String> RUNBOOKS = List.of("planned-startup", "dr-backup-disk", "dr-pitr", "dr-snapshot-restore");
  static final String USER = "verifier";
  static final String PASSWORD = "Verify-pw-3c9e";
  static final String PASSWORD_ENV = "RUNBOOK_TEST_VERIFY_PW";
  static final String REPLICAS_PROMISE = "every replica replicates from the primary through every replication connection";

  static MariaDbServer primary;
  static MariaDbServer replica;
  /** Another primary (its own GTID domain) that a named connection of the replica follows in the mixed cases. */
  static MariaDbServer second;
  static StepRegistry registry;
  static Inventory inventory;
  static List<VerifyCheck> checks;

  @BeforeAll
  static void servers(MariaDbServer p, @Replica MariaDbServer r) throws Exception {
    primary = p;
    replica = r;
    // Created on the primary, so the replica gets the account by replication.
    primary.sql("CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
        "GRANT ALL ON *.* TO '" + USER + "'@'%'");
    new ReplicationPair(primary, replica).awaitCaughtUp(Duration.ofSeconds(30));
    second = MariaDbServer.builder(Path.of("target", "verify-second").toAbsolutePath(), "second")
        .option("gtid-domain-id", "7").start();
    // Not in the second primary's binlog: the replica has the replication account already (from the primary).
    second.sql("SET SESSION sql_log_bin = 0",
        "CREATE USER '" + ReplicationPair.REPLICATION_USER + "'@'%' IDENTIFIED BY '" + ReplicationPair.REPLICATION_PASSWORD + "'",
        "GRANT REPLICATION SLAVE ON *.* TO '" + ReplicationPair.REPLICATION_USER + "'@'%'");
    Path inv = Path.of("target", "verify-inventory.yaml").toAbsolutePath();
    Files.writeString(inv, "inventory: verify\ncloud: { provider: sandbox, root: " + inv.getParent().resolve("verify-cloud-unused") + " }\nhosts:\n" + host("primary", primary) + host("replica", replica));
    inventory = InventoryLoader.load(inv);
    registry = StepRegistry.load(Main.class.getClassLoader());
    checks = replicationChecks("planned-startup");
  }

  @AfterAll
  static void stopSecond() {
    if (second != null) second.close();
  }

  private static String host(String name, MariaDbServer s) {
    return "  " + name + ":\n    transport: { kind: local }\n    db: { address: 127.0.0.1, port: " + s.port() + ", user: " + USER
        + ", password: env:" + PASSWORD_ENV + " }\n";
  }

  /** The checks about replication threads: the db.status step check and the primary's PROCESSLIST count. */
  private static List<VerifyCheck> replicationChecks(String runbook) throws Exception {
    return RunbookLoader.load(Path.of(runbook + ".yaml"), registry).verify().stream()
        .filter(c -> c.isStep() || c.sql().orElse("").toLowerCase().contains("slave_")).toList();
  }

  @Test
  @Order(0)
  void everyShippedRunbookMakesTheSamePromise() throws Exception {
    assertEquals(2, checks.size(), "the replicas check and the primary check: " + checks);
    for (String rb : RUNBOOKS) {
      List<VerifyCheck> theirs = replicationChecks(rb);
      assertEquals(checks.size(), theirs.size(), rb);
      for (int i = 0; i < checks.size(); i++) {
        VerifyCheck a = checks.get(i);
        VerifyCheck b = theirs.get(i);
        assertEquals(List.of(a.sql(), a.on(), a.expect(), a.that(), a.use()), List.of(b.sql(), b.on(), b.expect(), b.that(), b.use()),
            rb + ": check " + (i + 1) + " is planned-startup's");
      }
    }
  }

  @Test
  @Order(1)
  void aReplicaThroughTheDefaultConnectionPasses() {
    List<VerifyChecks.Result> r = verify("primary", List.of("replica"));
    assertTrue(r.stream().allMatch(VerifyChecks.Result::passed), r.toString());
  }

  @Test
  @Order(2)
  void aReplicaThroughTheDefaultAndANamedConnectionPassesOnlyWhileBothRun() throws Exception {
    replica.sql("CHANGE MASTER 'west' TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + second.port() + ", MASTER_USER='"
        + ReplicationPair.REPLICATION_USER + "', MASTER_PASSWORD='" + ReplicationPair.REPLICATION_PASSWORD + "',"
        + " MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1", "START SLAVE 'west'");
    awaitRunning("west");
    List<VerifyChecks.Result> both = verify("primary", List.of("replica"));
    assertTrue(both.stream().allMatch(VerifyChecks.Result::passed), both.toString());

    // Slave_running stays ON (the default connection runs): the old check passed here.
    replica.sql("STOP SLAVE 'west'");
    VerifyChecks.Result stopped = replicasCheck(verify("primary", List.of("replica")));
    assertFalse(stopped.passed(), "a stopped named connection fails the check: " + stopped);
    assertTrue(stopped.check().because().startsWith(REPLICAS_PROMISE), stopped.check().because());
    assertEquals("replica: it is false (result.error = null, result.replica = true,"
        + " result.notRunning = 'connection 'west' (IO thread No, SQL thread No)')", stopped.detail());
    replica.sql("RESET SLAVE 'west' ALL");
  }

  @Test
  @Order(3)
  void aReplicaThroughANamedConnectionOnlyPassesWhileItRuns() throws Exception {
    replica.sql("STOP SLAVE", "RESET SLAVE ALL",
        "CHANGE MASTER 'east' TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port() + ", MASTER_USER='"
            + ReplicationPair.REPLICATION_USER + "', MASTER_PASSWORD='" + ReplicationPair.REPLICATION_PASSWORD + "',"
            + " MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
        "START SLAVE 'east'");
    awaitRunning("east");
    // Slave_running is OFF (no default connection): the old check failed here, a false failure.
    List<VerifyChecks.Result> running = verify("primary", List.of("replica"));
    assertTrue(running.stream().allMatch(VerifyChecks.Result::passed), running.toString());

    replica.sql("STOP SLAVE 'east'");
    VerifyChecks.Result stopped = replicasCheck(verify("primary", List.of("replica")));
    assertFalse(stopped.passed(), stopped.toString());
    assertTrue(stopped.detail().contains("connection 'east' (IO thread No, SQL thread No)"), stopped.detail());
    replica.sql("START SLAVE 'east'");
    awaitRunning("east");
  }

  /** Without replicas the primary is checked: no thread of any connection, default or named, may run there. */
  @Test
  @Order(4)
  void withoutReplicasThePrimaryMustReplicateFromNothing() throws Exception {
    List<VerifyChecks.Result> plain = verify("primary", List.of());
    assertTrue(plain.stream().allMatch(VerifyChecks.Result::passed), plain.toString());

    // The replica as "primary": it replicates through 'east' only, where Slave_running is OFF (the old check passed).
    VerifyChecks.Result replicating = primaryCheck(verify("replica", List.of()));
    assertFalse(replicating.passed(), replicating.toString());
    assertEquals("replica: it returned '2'", replicating.detail(), "the IO and the SQL thread of 'east'");

    // A connection that cannot reach its primary still has a thread (shown as Connect, not Slave_IO).
    replica.sql("STOP SLAVE 'east'", "CHANGE MASTER 'east' TO MASTER_PORT=" + MariaDbServer.freePort(), "START SLAVE 'east' IO_THREAD");
    VerifyChecks.Result connecting = primaryCheck(verify("replica", List.of()));
    assertEquals("replica: it returned '1'", connecting.detail(), connecting.toString());

    replica.sql("STOP SLAVE 'east'");
    VerifyChecks.Result stopped = primaryCheck(verify("replica", List.of()));
    assertTrue(stopped.passed(), "a stopped connection runs nothing: " + stopped);
  }

  /**
   * A SQL check judges, it does not act: it runs in a READ ONLY transaction, so a query that would write (here through
   * a stored function) fails the check and leaves the server as it was. runbook verify runs these on real hosts.
   */
  @Test
  @Order(5)
  void aSqlCheckThatWouldWriteFailsAndChangesNothing() throws Exception {
    primary.sql("CREATE DATABASE verify_ro", "CREATE TABLE verify_ro.t (id INT PRIMARY KEY AUTO_INCREMENT)",
        "CREATE FUNCTION verify_ro.touch() RETURNS INT DETERMINISTIC BEGIN INSERT INTO verify_ro.t VALUES (NULL); RETURN 1; END");
    VerifyCheck writes = new VerifyCheck(java.util.Optional.of("SELECT verify_ro.touch()"), List.of(),
        java.util.Optional.of("primary"), java.util.Optional.of("1"), java.util.Optional.empty(), java.util.Optional.empty(),
        "a query that writes", io.runbook.engine.model.SourcePos.UNKNOWN, Map.of());
    Map<String, Object> vars = Map.of("params", Map.of());
    List<VerifyChecks.Result> r;
    try (StandaloneStepContext ctx = StandaloneStepContext.builder().inventory(inventory)
        .env(Map.of(PASSWORD_ENV, PASSWORD)).build()) {
      r = VerifyChecks.evaluate(List.of(writes), vars, inventory, ctx, registry);
    }
    assertFalse(r.get(0).passed(), r.toString());
    assertTrue(r.get(0).detail().contains("READ ONLY transaction"), r.get(0).detail());
    assertEquals("0", primary.queryValue("SELECT COUNT(*) FROM verify_ro.t"), "nothing was written");
  }

  private static List<VerifyChecks.Result> verify(String primaryHost, List<String> replicas) {
    Map<String, Object> vars = Map.of("params", Map.of("primary", primaryHost, "replicas", replicas));
    try (StandaloneStepContext ctx = StandaloneStepContext.builder().inventory(inventory)
        .env(Map.of(PASSWORD_ENV, PASSWORD)).build()) {
      return VerifyChecks.evaluate(checks, vars, inventory, ctx, registry);
    }
  }

  /** The check on the replicas: the first; the one on the primary: the last (one check did both before). */
  private static VerifyChecks.Result replicasCheck(List<VerifyChecks.Result> r) { return r.get(0); }

  private static VerifyChecks.Result primaryCheck(List<VerifyChecks.Result> r) { return r.get(r.size() - 1); }

  /** Waits until both threads of the replica's connection run (the IO thread is Connecting at first). */
  private static void awaitRunning(String connection) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      try (Connection c = replica.rootConnection(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SHOW SLAVE '" + connection + "' STATUS")) {
        if (rs.next()) {
          last = rs.getString("Slave_IO_Running") + "/" + rs.getString("Slave_SQL_Running") + " " + rs.getString("Last_IO_Error")
              + rs.getString("Last_SQL_Error");
          if (last.startsWith("Yes/Yes")) return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("connection '" + connection + "' does not run: " + last);
  }
}

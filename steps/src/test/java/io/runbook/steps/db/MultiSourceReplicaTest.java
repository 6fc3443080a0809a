package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import io.runbook.testkit.mariadb.Replica;
import io.runbook.testkit.mariadb.ReplicationPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A replica that replicates only through a named connection (multi-source: CHANGE MASTER 'east' TO ...), which
 * SHOW SLAVE STATUS (the default connection) does not show: it is still a replica, following its primary.
 */
@MariaDbTest(replica = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiSourceReplicaTest {
  private MariaDbServer primary;
  private MariaDbServer replica;
  private StandaloneStepContext onReplica;

  @BeforeAll
  static void namedConnection(MariaDbServer primary, @Replica MariaDbServer replica) throws Exception {
    TestDb.createUsers(primary);
    replica.sql("STOP SLAVE", "RESET SLAVE ALL");
    east(primary, replica);
    primary.sql("CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)", "INSERT INTO app.t VALUES (1)");
    String target = primary.queryValue("SELECT @@gtid_binlog_pos");
    assertEquals("0", replica.queryValue("SELECT MASTER_GTID_WAIT('" + target + "', 30)"), "the named connection replicates");
    assertTrue(ReplicationPair.replicaStatus(replica).isEmpty(), "the default connection is not configured");
  }

  private static void east(MariaDbServer primary, MariaDbServer replica) {
    replica.sql("STOP ALL SLAVES",
        "CHANGE MASTER 'east' TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port() + ", MASTER_USER='"
            + ReplicationPair.REPLICATION_USER + "', MASTER_PASSWORD='" + ReplicationPair.REPLICATION_PASSWORD + "',"
            + " MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
        "START SLAVE 'east'");
  }

  @BeforeEach
  void context(MariaDbServer primary, @Replica MariaDbServer replica) {
    this.primary = primary;
    this.replica = replica;
    onReplica = TestDb.context("replica", TestDb.host("primary", primary), TestDb.host("replica", replica));
  }

  @AfterEach
  void close() { onReplica.close(); }

  @Test
  @Order(1)
  void statusReportsAReplicaThroughANamedConnectionAsReplicating() throws Exception {
    var s = new Status().run(new Status.Input(), onReplica);
    assertTrue(s.replica(), "a named connection makes the server a replica (backup-disk-refresh's role check)");
    assertEquals("Yes", s.ioRunning());
    assertEquals("Yes", s.sqlRunning());
    assertEquals("127.0.0.1", s.primaryHost(), "the only connection is where it follows");
    assertEquals((long) primary.port(), s.primaryPort());
    assertNull(s.lastIoError());
    assertNull(s.lastSqlError());
    assertNull(s.notRunning());
    assertEquals(1, s.connections().size());
    Status.Connection east = s.connections().get(0);
    assertEquals("east", east.name());
    assertEquals("Yes", east.ioRunning());
    assertEquals("Yes", east.sqlRunning());
    assertEquals((long) primary.port(), east.primaryPort());
    assertEquals(primary.queryValue("SELECT @@gtid_binlog_pos"), east.gtidIoPos());
    var p = new Status().run(new Status.Input(), onReplica.forStep("t", "primary"));
    assertFalse(p.replica());
    assertEquals(List.of(), p.connections());
    assertNull(p.ioRunning());
  }

  @Test
  @Order(1)
  void checkAndConsumersSeeTheNamedConnection() throws Exception {
    var out = new CheckReplica().run(new CheckReplica.Input("primary", Optional.empty(), Optional.empty()), onReplica);
    assertEquals("127.0.0.1:" + primary.port(), out.follows());
    StepFailure other = assertThrows(StepFailure.class,
        () -> new CheckReplica().run(new CheckReplica.Input("primary", Optional.empty(), Optional.of(1)), onReplica));
    assertTrue(other.getMessage().contains("replicates from 127.0.0.1:" + primary.port() + " (connection 'east'), not from"
        + " primary (127.0.0.1:1)"), other.getMessage());
    var consumers = new BinlogConsumers().run(new BinlogConsumers.Input(List.of("replica"), Optional.empty()),
        onReplica.forStep("t", "primary"));
    assertEquals(1, consumers.connected());
    assertEquals(List.of(), consumers.unlisted(), "the listed replica accounts for the dump thread");
  }

  /** One broken connection besides a working one: the replica is not healthy, and the error names the connection. */
  /**
   * planned-startup's replica-resume: STOP SLAVE / START SLAVE would touch the default connection only (START SLAVE
   * fails with error 1200 here); the restart covers the named one and returns once its threads run.
   */
  @Test
  @Order(2)
  void restartRestartsTheNamedConnectionAndWaitsForItsThreads() throws Exception {
    var in = new RestartReplica.Input(Optional.of(Duration.ofSeconds(20)));
    assertEquals(Reconciled.Status.DONE, new RestartReplica().reconcile(in, onReplica).status(), "east runs");
    replica.sql("STOP SLAVE 'east'");
    assertEquals(Reconciled.Status.NOT_DONE, new RestartReplica().reconcile(in, onReplica).status(), "east is stopped");
    var out = new RestartReplica().run(in, onReplica);
    assertEquals(List.of("east"), out.connections());
    var s = new Status().run(new Status.Input(), onReplica);
    assertEquals("Yes", s.ioRunning(), "returned once the IO thread is connected, not while it is Connecting");
    assertEquals("Yes", s.sqlRunning());
    assertEquals(Reconciled.Status.DONE, new RestartReplica().reconcile(in, onReplica).status());
    primary.sql("INSERT INTO app.t VALUES (2)");
    String target = primary.queryValue("SELECT @@gtid_binlog_pos");
    assertEquals("0", replica.queryValue("SELECT MASTER_GTID_WAIT('" + target + "', 30)"), "east replicates again");
  }

  @Test
  @Order(3)
  void aBrokenSecondConnectionMakesTheReplicaUnhealthy() throws Exception {
    int closed = closedPort();
    replica.sql("CHANGE MASTER 'west' TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + closed + ", MASTER_USER='x',"
        + " MASTER_PASSWORD='y', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1", "START SLAVE 'west'");
    try {
      Status.Output s = null;
      for (int i = 0; i < 200; i++) {
        s = new Status().run(new Status.Input(), onReplica);
        if (s.lastIoError() != null) break;
        Thread.sleep(50);
      }
      assertTrue(s.replica());
      assertEquals(2, s.connections().size());
      assertFalse("Yes".equals(s.ioRunning()), s.ioRunning());
      assertEquals("Yes", s.sqlRunning());
      assertTrue(s.lastIoError().startsWith("connection 'west': "), s.lastIoError());
      assertTrue(s.notRunning().startsWith("connection 'west' (IO thread "), "names the connection that does not run: "
          + s.notRunning());
      assertFalse(s.notRunning().contains("east"), s.notRunning());
      StepFailure restart = assertThrows(StepFailure.class,
          () -> new RestartReplica().run(new RestartReplica.Input(Optional.of(Duration.ofSeconds(2))), onReplica));
      assertTrue(restart.getMessage().contains("did not all run within 2s") && restart.getMessage().contains("connection 'west'"),
          restart.getMessage());
      assertNull(s.primaryHost(), "two named connections: no single primary");
      assertNull(s.secondsBehindMaster(), "west is not replicating");
    } finally {
      replica.sql("STOP SLAVE 'west'", "RESET SLAVE 'west' ALL");
    }
  }

  /** A DR's hold-replicas: the named connection is drained, stopped and forgotten like the default one. */
  @Test
  @Order(4)
  void stopForgetsTheNamedConnectionToo() throws Exception {
    primary.sql("INSERT INTO app.t VALUES (3)");
    String target = primary.queryValue("SELECT @@gtid_binlog_pos");
    assertEquals("0", replica.queryValue("SELECT MASTER_GTID_WAIT('" + target + "', 30)"));
    var in = new StopReplica.Input(Optional.empty(), Optional.of(Duration.ofSeconds(20)), Optional.empty(), Optional.empty());
    assertEquals(Reconciled.Status.NOT_DONE, new StopReplica().reconcile(in, onReplica).status());
    var out = new StopReplica().run(in, onReplica);
    assertTrue(out.wasReplica(), "a replica through a named connection was a replica");
    assertEquals(target, out.gtidSlavePos());
    assertEquals(List.of("east -> 127.0.0.1:" + primary.port()), out.forgotten(), "named for the run log");
    assertNull(replica.queryValue("SHOW ALL SLAVES STATUS"), "no connection is left to follow the old primary");
    assertEquals(Reconciled.Status.DONE, new StopReplica().reconcile(in, onReplica).status());
  }

  @Test
  @Order(5)
  void promoteStopsTheNamedConnection() throws Exception {
    east(primary, replica);
    primary.sql("INSERT INTO app.t VALUES (4)");
    String target = primary.queryValue("SELECT @@gtid_binlog_pos");
    assertEquals("0", replica.queryValue("SELECT MASTER_GTID_WAIT('" + target + "', 30)"));
    var in = new PromoteReplica.Input(Optional.of(Duration.ofSeconds(20)));
    var out = new PromoteReplica().run(in, onReplica);
    assertTrue(out.wasReplica(), "a replica through a named connection was a replica");
    assertNull(replica.queryValue("SHOW ALL SLAVES STATUS"), "promoted: no connection follows the old primary");
    assertEquals("", replica.queryValue("SELECT @@gtid_slave_pos"));
    assertEquals(Reconciled.Status.DONE, new PromoteReplica().reconcile(in, onReplica).status());
  }

  /**
   * A rebuilt replica whose copied datadir carries named connections (one running, one not): link stops and forgets
   * both before it links the default one, names them, and a resume cut before they were dropped runs it again.
   */
  @Test
  @Order(6)
  void linkDropsEveryNamedConnectionAndFollowsThePrimaryOnly() throws Exception {
    int closed = closedPort();
    replica.sql("SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos");
    east(primary, replica);
    replica.sql(carried(closed));
    primary.sql("INSERT INTO app.t VALUES (6)");
    var in = new LinkReplica.Input("primary", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.of(1), Optional.of(Duration.ofSeconds(30)));
    assertEquals(Reconciled.Status.NOT_DONE, new LinkReplica().reconcile(in, onReplica).status());

    var out = new LinkReplica().run(in, onReplica);
    assertEquals(List.of("east -> 127.0.0.1:" + primary.port(), "x -> 127.0.0.1:" + closed),
        out.dropped().stream().sorted().toList());
    assertEquals(primary.queryValue("SELECT @@gtid_binlog_pos"), out.caughtUpTo());
    var s = new Status().run(new Status.Input(), onReplica);
    assertEquals(1, s.connections().size(), "only the default connection is left: " + s.connections());
    assertEquals("", s.connections().get(0).name());
    assertEquals((long) primary.port(), s.primaryPort());
    assertEquals("Yes", s.ioRunning());
    assertEquals("Yes", s.sqlRunning());
    assertNull(s.notRunning(), "relink-replicas' health check passes");
    assertEquals(Reconciled.Status.DONE, new LinkReplica().reconcile(in, onReplica).status());

    replica.sql(carried(closed));
    assertEquals(Reconciled.Status.NOT_DONE, new LinkReplica().reconcile(in, onReplica).status(),
        "linked, but a named connection is still configured");
    assertEquals(List.of("x -> 127.0.0.1:" + closed), new LinkReplica().run(in, onReplica).dropped());
    assertEquals("", replica.queryValue("SHOW ALL SLAVES STATUS"), "x is forgotten, the default connection is left");
    assertEquals(Reconciled.Status.DONE, new LinkReplica().reconcile(in, onReplica).status());
  }

  /** A named connection as a copied datadir carries it: configured, not started (the fenced boot). */
  private static String carried(int port) {
    return "CHANGE MASTER 'x' TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + port + ", MASTER_USER='x', MASTER_PASSWORD='y',"
        + " MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1";
  }

  private static int closedPort() throws java.io.IOException {
    try (var sock = new java.net.ServerSocket(0)) { return sock.getLocalPort(); }
  }
}

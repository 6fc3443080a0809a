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
  @Test
  @Order(2)
  void aBrokenSecondConnectionMakesTheReplicaUnhealthy() throws Exception {
    int closed;
    try (var sock = new java.net.ServerSocket(0)) { closed = sock.getLocalPort(); }
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
      assertNull(s.primaryHost(), "two named connections: no single primary");
      assertNull(s.secondsBehindMaster(), "west is not replicating");
    } finally {
      replica.sql("STOP SLAVE 'west'", "RESET SLAVE 'west' ALL");
    }
  }

  /** A DR's hold-replicas: the named connection is drained, stopped and forgotten like the default one. */
  @Test
  @Order(3)
  void stopForgetsTheNamedConnectionToo() throws Exception {
    primary.sql("INSERT INTO app.t VALUES (3)");
    String target = primary.queryValue("SELECT @@gtid_binlog_pos");
    assertEquals("0", replica.queryValue("SELECT MASTER_GTID_WAIT('" + target + "', 30)"));
    var in = new StopReplica.Input(Optional.empty(), Optional.of(Duration.ofSeconds(20)), Optional.empty(), Optional.empty());
    assertEquals(Reconciled.Status.NOT_DONE, new StopReplica().reconcile(in, onReplica).status());
    var out = new StopReplica().run(in, onReplica);
    assertTrue(out.wasReplica(), "a replica through a named connection was a replica");
    assertEquals(target, out.gtidSlavePos());
    assertNull(replica.queryValue("SHOW ALL SLAVES STATUS"), "no connection is left to follow the old primary");
    assertEquals(Reconciled.Status.DONE, new StopReplica().reconcile(in, onReplica).status());
  }

  @Test
  @Order(4)
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
}

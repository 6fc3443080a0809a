package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import io.runbook.testkit.mariadb.Replica;
import io.runbook.testkit.mariadb.ReplicationPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replica steps against a real primary + GTID replica. Ordered: the later tests rebuild and finally promote the
 * replica, as a recovery would.
 */
@MariaDbTest(replica = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationStepsTest {
  private MariaDbServer primary;
  private MariaDbServer replica;
  private StandaloneStepContext onReplica;

  @BeforeAll
  static void data(MariaDbServer primary, ReplicationPair pair) {
    TestDb.createUsers(primary);
    primary.sql("CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(20))",
        "INSERT INTO app.t VALUES (1, 'one'), (2, 'two')");
    pair.awaitCaughtUp(Duration.ofSeconds(30));
  }

  @BeforeEach
  void context(MariaDbServer primary, @Replica MariaDbServer replica) {
    this.primary = primary;
    this.replica = replica;
    onReplica = TestDb.context("replica", TestDb.host("primary", primary), TestDb.host("replica", replica));
  }

  @AfterEach
  void close() { onReplica.close(); }

  /** The context on the primary: same run, inventory, secrets and shared connections as {@code onReplica}. */
  private StandaloneStepContext onPrimary() { return onReplica.forStep("t", "primary"); }

  private static LinkReplica.Input link(Optional<String> gtid) {
    return new LinkReplica.Input("primary", gtid, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(1), Optional.of(Duration.ofSeconds(30)));
  }

  @Test
  @Order(1)
  void statusShowsReplicationAndDrainIgnoresReplicationThreads() throws Exception {
    var s = new Status().run(new Status.Input(), onReplica);
    assertTrue(s.replica());
    assertEquals("Yes", s.ioRunning());
    assertEquals("Yes", s.sqlRunning());
    assertEquals(0L, s.secondsBehindMaster());
    assertEquals((long) primary.port(), s.primaryPort());
    assertEquals(primary.queryValue("SELECT @@gtid_binlog_pos"), s.gtidSlavePos());
    var p = new Status().run(new Status.Input(), onPrimary());
    assertFalse(p.replica());
    assertEquals(0, p.clientConnections(), "the replica's binlog dump thread is no client");
    assertTrue(new Drain().run(new Drain.Input(Optional.of(Duration.ofSeconds(2)), Optional.empty(), Optional.empty(),
        Optional.empty()), onPrimary()).killed().isEmpty());
  }

  private static CheckReplica.Input follows(Optional<Integer> port) {
    return new CheckReplica.Input("primary", Optional.empty(), port);
  }

  @Test
  @Order(1)
  void checkPassesForAReplicaThatFollowsItsPrimaryAndNamesAnotherSource() throws Exception {
    var out = new CheckReplica().run(follows(Optional.empty()), onReplica);
    assertEquals("127.0.0.1:" + primary.port(), out.follows());
    assertEquals(primary.queryValue("SELECT @@gtid_binlog_pos"), out.primaryGtidBinlogPos());
    StepFailure other = assertThrows(StepFailure.class, () -> new CheckReplica().run(follows(Optional.of(1)), onReplica));
    assertTrue(other.getMessage().contains("replicates from 127.0.0.1:" + primary.port() + ", not from primary (127.0.0.1:1)"),
        other.getMessage());
  }

  @Test
  @Order(2)
  void relinkFromTheReplicasOwnPositionCatchesUp() throws Exception {
    replica.sql("STOP SLAVE");
    primary.sql("INSERT INTO app.t VALUES (3, 'three')");
    var out = new LinkReplica().run(link(Optional.empty()), onReplica);
    assertEquals(primary.queryValue("SELECT @@gtid_binlog_pos"), out.caughtUpTo());
    assertEquals("three", replica.queryValue("SELECT v FROM app.t WHERE id = 3"));
    assertEquals(Reconciled.Status.DONE, new LinkReplica().reconcile(link(Optional.empty()), onReplica).status());
    var st = ReplicationPair.replicaStatus(replica);
    assertEquals("Slave_Pos", st.get("Using_Gtid"));
    assertEquals("replicator", st.get("Master_User"));
    assertEquals("1", st.get("Connect_Retry"));
  }

  /** Binlog consumers on the primary: the linked replica is accounted for when listed; otherwise refused or warned. */
  @Test
  @Order(3)
  void consumersOtherThanTheListedReplicasAreRefusedUnlessAcknowledged() throws Exception {
    var listed = new BinlogConsumers().run(new BinlogConsumers.Input(List.of("replica"), Optional.empty()), onPrimary());
    assertTrue(listed.reachable());
    assertEquals(1, listed.connected());
    assertEquals(List.of(), listed.unlisted());
    StepFailure f = assertThrows(StepFailure.class,
        () -> new BinlogConsumers().run(new BinlogConsumers.Input(List.of(), Optional.empty()), onPrimary()));
    assertTrue(f.getMessage().contains("1 of 1 binlog dump connection(s)") && f.hint().contains("unlistedConsumers"), f.getMessage());
    var acknowledged = new BinlogConsumers().run(new BinlogConsumers.Input(List.of(), Optional.of(true)), onPrimary());
    assertEquals(1, acknowledged.unlisted().size());
    int closed;
    try (var sock = new java.net.ServerSocket(0)) { closed = sock.getLocalPort(); }
    try (var ctx = TestDb.context("gone", TestDb.host("gone", "127.0.0.1", closed, TestDb.PASSWORD_ENV))) {
      assertFalse(new BinlogConsumers().run(new BinlogConsumers.Input(List.of(), Optional.empty()), ctx).reachable(),
          "a primary that does not answer: nothing counted, no failure");
    }
  }

  @Test
  @Order(3)
  void planShowsTheExactSqlWithThePasswordMasked() {
    List<String> sql = new LinkReplica().plan(link(Optional.of("0-1-5")), onReplica).actions().stream().map(Plan.Action::text).toList();
    assertEquals("STOP ALL REPLICAS", sql.get(0));
    assertEquals("RESET REPLICA 'name' ALL  -- each named connection: it follows primary only", sql.get(1));
    assertEquals("RESET REPLICA", sql.get(2));
    assertEquals("SET GLOBAL gtid_slave_pos = '0-1-5'", sql.get(3));
    assertEquals("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port()
        + ", MASTER_USER='replicator', MASTER_PASSWORD='***', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1", sql.get(4));
    assertEquals("START REPLICA", sql.get(5));
    assertFalse(String.join("\n", sql).contains(TestDb.REPL_PASSWORD));
  }

  @Test
  @Order(4)
  void wrongReplicationPasswordFailsFastWithTheReplicasErrorAndNoPassword() throws Exception {
    var wrongEnv = StandaloneStepContext.builder()
        .inventory(TestDb.inventory(TestDb.host("primary", primary), TestDb.host("replica", replica)))
        .target("replica").env(Map.of(TestDb.PASSWORD_ENV, TestDb.PASSWORD, "WRONG_REPL", "Wrong-repl-canary-9")).build();
    var in = new LinkReplica.Input("primary", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(SecretRef.parse("env:WRONG_REPL")), Optional.of(1), Optional.of(Duration.ofSeconds(30)));
    long start = System.nanoTime();
    StepFailure f = assertThrows(StepFailure.class, () -> new LinkReplica().run(in, wrongEnv));
    assertTrue((System.nanoTime() - start) / 1_000_000_000 < 20, "fails on the access error, not at the timeout");
    assertTrue(f.getMessage().contains("host replica") && f.getMessage().contains("1045"), f.getMessage());
    assertFalse(f.getMessage().contains("Wrong-repl-canary-9"));
    assertTrue(f.hint().contains("env:WRONG_REPL"), f.hint());
    assertFalse(f.retryable());
    wrongEnv.close();
    new LinkReplica().run(link(Optional.empty()), onReplica); // back to a working link
  }

  /** A source host that cannot be written into CHANGE MASTER TO is refused before the replica is stopped or reset. */
  @Test
  @Order(5)
  void aHostileSourceAddressIsRefusedBeforeAnythingChanges() throws Exception {
    String before = replica.queryValue("SELECT @@gtid_slave_pos");
    for (String address : List.of("127.0.0.1', MASTER_PASSWORD='x", "h; DROP TABLE app.t", "h\nMASTER_USER='root'",
        "h' -- ", "$(touch /tmp/x)")) {
      LinkReplica.Input in = new LinkReplica.Input("primary", Optional.empty(), Optional.of(address), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.of(1), Optional.of(Duration.ofSeconds(30)));
      StepFailure f = assertThrows(StepFailure.class, () -> new LinkReplica().run(in, onReplica));
      assertTrue(f.getMessage().contains("is not a host name or IP address"), f.getMessage());
      assertFalse(f.retryable());
    }
    assertEquals("Yes", ReplicationPair.replicaStatus(replica).get("Slave_SQL_Running"), "replication still runs");
    assertEquals(String.valueOf(primary.port()), ReplicationPair.replicaStatus(replica).get("Master_Port"));
    assertEquals(before, replica.queryValue("SELECT @@gtid_slave_pos"));
    assertEquals("2", primary.queryValue("SELECT COUNT(*) FROM app.t WHERE id IN (1, 2)"));
  }

  @Test
  @Order(5)
  void linkingAServerToItselfIsRefused() {
    try (var same = TestDb.context("replica", TestDb.host("primary", primary), TestDb.host("replica", primary))) {
      StepFailure f = assertThrows(StepFailure.class, () -> new LinkReplica().run(link(Optional.empty()), same));
      assertTrue(f.getMessage().contains("have the same server_id " + primary.serverId()), f.getMessage());
    }
    assertTrue(ReplicationPair.replicaStatus(primary).isEmpty(), "the primary was not touched");
  }

  @Test
  @Order(6)
  void divergedReplicaIsRefusedBeforeAnythingChanges() throws Exception {
    // A write on the replica in a domain the primary never wrote: the replica has history the primary lacks.
    replica.sql("SET SESSION gtid_domain_id = 9", "SET SESSION sql_log_bin = 1", "INSERT INTO app.t VALUES (90, 'stray')");
    String replicaPos = replica.queryValue("SELECT @@gtid_binlog_pos");
    StepFailure f = assertThrows(StepFailure.class, () -> new LinkReplica().run(link(Optional.empty()), onReplica));
    assertTrue(f.getMessage().contains("refusing to link to primary"), f.getMessage());
    assertTrue(f.getMessage().contains("domain 9"), f.getMessage());
    assertFalse(f.retryable());
    assertEquals("Yes", ReplicationPair.replicaStatus(replica).get("Slave_SQL_Running"), "nothing was changed");
    String primaryNow = primary.queryValue("SELECT @@gtid_binlog_pos");
    StepFailure given = assertThrows(StepFailure.class, () -> new LinkReplica().run(link(Optional.of(primaryNow)), onReplica));
    assertTrue(given.getMessage().contains("from its own @@gtid_binlog_pos") && given.getMessage().contains("domain 9"),
        "a valid given position does not hide the replica's own stray writes: " + given.getMessage());

    // A given position ahead of the primary in a shared domain is refused too, and an empty one as well.
    String primaryPos = primary.queryValue("SELECT @@gtid_binlog_pos");
    Gtid last = GtidList.parse(primaryPos).byDomain().get(0L);
    String ahead = "0-" + last.serverId() + "-" + (last.seq() + 5);
    StepFailure aheadFailure = assertThrows(StepFailure.class, () -> new LinkReplica().run(link(Optional.of(ahead)), onReplica));
    assertTrue(aheadFailure.getMessage().contains("is ahead of the primary's " + last), aheadFailure.getMessage());
    StepFailure empty = assertThrows(StepFailure.class, () -> new LinkReplica().run(link(Optional.of(" ")), onReplica));
    assertTrue(empty.getMessage().contains("no GTID position"), empty.getMessage());
    assertTrue(replicaPos.contains("9-" + replica.serverId() + "-1"), replicaPos);
    StepFailure check = assertThrows(StepFailure.class, () -> new CheckReplica().run(follows(Optional.empty()), onReplica));
    assertTrue(check.getMessage().contains("has transactions primary's binlog") && check.getMessage().contains("domain 9"),
        check.getMessage());
  }

  @Test
  @Order(7)
  void relinkAfterTheReplicasDatadirWasReplacedByACopyOfThePrimarys() throws Exception {
    // The clone case: rebuild the diverged replica from a crash-consistent copy of the primary's datadir.
    primary.sql("INSERT INTO app.t VALUES (4, 'four')");
    replica.stop();
    MariaDbServer.deleteTree(replica.datadir());
    primary.copyDatadirTo(replica.datadir());
    String atCopy = primary.queryValue("SELECT @@gtid_binlog_pos");
    primary.sql("INSERT INTO app.t VALUES (5, 'five')", "UPDATE app.t SET v = 'ONE' WHERE id = 1");
    replica.start();
    assertEquals(atCopy, replica.queryValue("SELECT @@gtid_binlog_pos"), "the copy recovered the primary's binlog state");
    assertEquals("", replica.queryValue("SELECT @@gtid_slave_pos"));

    var out = new LinkReplica().run(link(Optional.empty()), onReplica);
    assertEquals(atCopy, out.gtid(), "started from its own @@gtid_binlog_pos");
    assertEquals(primary.queryValue("SELECT @@gtid_binlog_pos"), out.caughtUpTo());
    Checksum.Input all = new Checksum.Input(Optional.empty(), Optional.of("app"), Optional.of(true));
    assertEquals(new Checksum().run(all, onPrimary()).checksums(), new Checksum().run(all, onReplica).checksums());
    assertEquals("0", replica.queryValue("SELECT COUNT(*) FROM app.t WHERE id = 90"), "the stray row is gone with the old datadir");
  }

  /**
   * After a rollback the primary's sequence moves past the old timeline's mark: the linked replica replicates the
   * marker, a consumer still at a discarded number gets 1236 instead of resuming silently.
   */
  @Test
  @Order(9)
  void advanceMovesTheSequencePastTheOldMarkAndStaleConsumersFailLoudly() throws Exception {
    primary.sql("INSERT INTO app.t VALUES (70, 'seventy')");
    GtidList now = GtidList.parse(primary.queryValue("SELECT @@gtid_binlog_pos"));
    Gtid top = now.byDomain().get(0L);
    Gtid stale = new Gtid(0, top.serverId(), top.seq() + 3); // a discarded transaction a consumer saw
    var in = new AdvanceGtid.Input(List.of(new Gtid(0, top.serverId(), top.seq() + 1).toString(), stale.toString(), ""));
    assertEquals(Reconciled.Status.NOT_DONE, new AdvanceGtid().reconcile(in, onPrimary()).status());
    var out = new AdvanceGtid().run(in, onPrimary());
    String expected = "0-" + primary.serverId() + "-" + (top.seq() + 4);
    assertEquals(List.of(expected), out.written());
    assertEquals(expected, primary.queryValue("SELECT @@gtid_binlog_pos"));
    assertEquals(Reconciled.Status.DONE, new AdvanceGtid().reconcile(in, onPrimary()).status());
    assertEquals(List.of(), new AdvanceGtid().run(in, onPrimary()).written(), "idempotent");
    // The step's connection is shared with later steps: the next write there takes the next number, no explicit one.
    var ctx = onPrimary();
    new AdvanceGtid().run(new AdvanceGtid.Input(List.of(new Gtid(0, top.serverId(), top.seq() + 4).toString())), ctx);
    new Exec().run(new Exec.Input(List.of("INSERT INTO app.t VALUES (71, 'after the marker')"), Optional.empty(),
        Optional.empty(), Optional.empty()), ctx);
    expected = "0-" + primary.serverId() + "-" + (top.seq() + 6);
    assertEquals(expected, primary.queryValue("SELECT @@gtid_binlog_pos"));
    assertEquals("0", replica.queryValue("SELECT MASTER_GTID_WAIT('" + expected + "', 30)"), "the replica applies the marker");
    assertEquals("Yes", ReplicationPair.replicaStatus(replica).get("Slave_SQL_Running"));

    replica.sql("STOP REPLICA", "SET GLOBAL gtid_slave_pos = '" + stale + "'", "START REPLICA");
    Map<String, String> st = Map.of();
    for (int i = 0; i < 200; i++) {
      st = ReplicationPair.replicaStatus(replica);
      if ("1236".equals(st.get("Last_IO_Errno"))) break;
      Thread.sleep(50);
    }
    assertEquals("1236", st.get("Last_IO_Errno"), st.toString());
    new LinkReplica().run(link(Optional.of(expected)), onReplica);
  }

  /** A DR stop: a delayed replica stops at once without applying what it holds (drain: false). */
  @Test
  @Order(10)
  void stopWithoutDrainLeavesTheReceivedEventsUnapplied() throws Exception {
    replica.sql("STOP REPLICA", "CHANGE MASTER TO MASTER_DELAY = 3600", "START REPLICA");
    String before = replica.queryValue("SELECT @@gtid_slave_pos");
    primary.sql("INSERT INTO app.t VALUES (60, 'bad event')");
    awaitReceived();
    long t0 = System.nanoTime();
    var out = new StopReplica().run(new StopReplica.Input(Optional.empty(), Optional.of(Duration.ofSeconds(20)),
        Optional.of(false), Optional.empty()), onReplica);
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "no wait for the relay log");
    assertTrue(out.wasReplica());
    assertEquals(before, out.gtidSlavePos(), "the received event was not applied");
    assertEquals("0", replica.queryValue("SELECT COUNT(*) FROM app.t WHERE id = 60"));
    assertTrue(ReplicationPair.replicaStatus(replica).isEmpty(), "RESET REPLICA ALL forgot the primary");
    new LinkReplica().run(link(Optional.empty()), onReplica);
  }

  /** An unreachable replica is a warning with skipUnreachable, the same failure as before without it. */
  @Test
  @Order(10)
  void stopSkipsAServerThatDoesNotAnswerWhenAsked() throws Exception {
    int closed;
    try (var s = new java.net.ServerSocket(0)) { closed = s.getLocalPort(); }
    try (var ctx = TestDb.context("gone", TestDb.host("gone", "127.0.0.1", closed, TestDb.PASSWORD_ENV))) {
      var out = new StopReplica().run(new StopReplica.Input(Optional.empty(), Optional.empty(), Optional.of(false),
          Optional.of(true)), ctx);
      assertFalse(out.reachable());
      assertFalse(out.wasReplica());
      assertThrows(StepFailure.class, () -> new StopReplica().run(new StopReplica.Input(Optional.empty(), Optional.empty(),
          Optional.of(false), Optional.empty()), ctx));
    }
  }

  @Test
  @Order(8)
  void stopAppliesWhatWasReceivedThenForgetsThePrimary() throws Exception {
    primary.sql("INSERT INTO app.t VALUES (6, 'six')");
    awaitReceived();
    var out = new StopReplica().run(new StopReplica.Input(Optional.empty(), Optional.of(Duration.ofSeconds(20)), Optional.empty(), Optional.empty()), onReplica);
    assertTrue(out.wasReplica());
    assertEquals(List.of("(default) -> 127.0.0.1:" + primary.port()), out.forgotten());
    assertEquals(primary.queryValue("SELECT @@gtid_binlog_pos"), out.gtidSlavePos(), "everything received was applied");
    assertTrue(ReplicationPair.replicaStatus(replica).isEmpty(), "RESET REPLICA ALL forgot the primary");
    assertEquals(out.gtidSlavePos(), replica.queryValue("SELECT @@gtid_slave_pos"), "kept unless asked to clear");
    var again = new StopReplica().run(new StopReplica.Input(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), onReplica);
    assertFalse(again.wasReplica(), "running it on a non-replica does nothing");
    assertEquals(List.of(), again.forgotten());
    assertEquals(Reconciled.Status.DONE, new StopReplica().reconcile(new StopReplica.Input(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), onReplica).status());
    new LinkReplica().run(link(Optional.empty()), onReplica);
  }

  @Test
  @Order(20)
  void promoteMakesTheReplicaAWritablePrimary() throws Exception {
    replica.sql("SET GLOBAL read_only = ON");
    primary.sql("INSERT INTO app.t VALUES (7, 'seven')");
    awaitReceived();
    var in = new PromoteReplica.Input(Optional.of(Duration.ofSeconds(20)));
    assertEquals(Reconciled.Status.NOT_DONE, new PromoteReplica().reconcile(in, onReplica).status());
    var out = new PromoteReplica().run(in, onReplica);
    assertTrue(out.wasReplica());
    assertEquals(primary.queryValue("SELECT @@gtid_binlog_pos"), out.gtidSlavePos());
    assertEquals("0", replica.queryValue("SELECT @@global.read_only"));
    assertEquals("", replica.queryValue("SELECT @@gtid_slave_pos"));
    assertTrue(ReplicationPair.replicaStatus(replica).isEmpty());
    assertEquals(Reconciled.Status.DONE, new PromoteReplica().reconcile(in, onReplica).status());
    replica.sql("INSERT INTO app.t VALUES (8, 'new primary')");
    assertTrue(replica.queryValue("SELECT @@gtid_binlog_pos").contains("0-" + replica.serverId() + "-"),
        "the new primary writes its own GTIDs after the old primary's");
    StepFailure check = assertThrows(StepFailure.class, () -> new CheckReplica().run(follows(Optional.empty()), onReplica));
    assertTrue(check.getMessage().contains("no replication configured"), check.getMessage());
    // Linked back without a reset: it still points at the primary but is ahead of it.
    replica.sql("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port());
    StepFailure ahead = assertThrows(StepFailure.class, () -> new CheckReplica().run(follows(Optional.empty()), onReplica));
    assertTrue(ahead.getMessage().contains("is ahead of the primary's"), ahead.getMessage());
  }

  /** Promotion and stop apply what the replica received; wait until the IO thread has fetched the primary's last write. */
  private void awaitReceived() throws InterruptedException {
    String target = primary.queryValue("SELECT @@gtid_binlog_pos");
    for (int i = 0; i < 200 && !target.equals(ReplicationPair.replicaStatus(replica).get("Gtid_IO_Pos")); i++) Thread.sleep(50);
    assertEquals(target, ReplicationPair.replicaStatus(replica).get("Gtid_IO_Pos"));
  }
}

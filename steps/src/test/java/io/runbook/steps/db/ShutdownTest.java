package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import io.runbook.testkit.mariadb.Replica;
import io.runbook.testkit.mariadb.ReplicationPair;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** db.shutdown against a real primary with a connected GTID replica. */
@MariaDbTest(replica = true)
class ShutdownTest {

  @BeforeAll
  static void data(MariaDbServer primary, ReplicationPair pair) {
    TestDb.createUsers(primary);
    primary.sql("CREATE DATABASE s", "CREATE TABLE s.t (id INT PRIMARY KEY AUTO_INCREMENT, pad VARCHAR(200))",
        "CREATE USER 'weak'@'%' IDENTIFIED BY 'Weak-pw-1'", "GRANT SELECT ON *.* TO 'weak'@'%'");
    pair.awaitCaughtUp(Duration.ofSeconds(30));
  }

  @Test
  void waitsForTheReplicaToReceiveTheLastCommittedTransactionThenIsGone(MariaDbServer primary, @Replica MariaDbServer replica)
      throws Exception {
    try (StandaloneStepContext ctx = TestDb.context("primary", TestDb.host("primary", primary))) {
      var in = new Shutdown.Input(Optional.empty(), Optional.of(Duration.ofSeconds(60)));
      assertEquals("SHUTDOWN WAIT FOR ALL REPLICAS",
          new Shutdown().plan(in, ctx).actions().stream().map(Plan.Action::text).toList().get(1));
      assertEquals(Reconciled.Status.NOT_DONE, new Shutdown().reconcile(in, ctx).status());

      // The last transaction is committed a moment before the shutdown: a large one, so it is still being sent.
      primary.sql("INSERT INTO s.t (pad) SELECT REPEAT('x', 200) FROM s.seq_1_to_20000");
      String last = primary.queryValue("SELECT @@gtid_binlog_pos");
      var out = new Shutdown().run(in, ctx);

      assertEquals(last, out.gtidBinlogPos());
      assertFalse(out.alreadyStopped());
      assertTrue(primary.awaitExit(Duration.ofSeconds(60)), "mariadbd exited");
      Map<String, String> st = ReplicationPair.replicaStatus(replica);
      assertEquals(last, st.get("Gtid_IO_Pos"), "the replica received the last committed transaction: " + st);
      assertEquals("20000", waitForCount(replica, "20000"));

      assertEquals(Reconciled.Status.DONE, new Shutdown().reconcile(in, ctx).status());
      assertTrue(new Shutdown().run(in, ctx).alreadyStopped(), "running it again on a stopped server is harmless");
    } finally {
      primary.start(); // same port: the replica reconnects
    }
  }

  @Test
  void withoutTheShutdownPrivilegeItFailsClearlyAndTheServerStaysUp(MariaDbServer primary) {
    var weak = StandaloneStepContext.builder()
        .inventory(TestDb.inventory(TestDb.host("primary", primary.host(), primary.port(), "weak", "WEAK_PW")))
        .target("primary").env(Map.of("WEAK_PW", "Weak-pw-1")).build();
    var in = new Shutdown.Input(Optional.of(false), Optional.of(Duration.ofSeconds(5)));
    StepFailure f = assertThrows(StepFailure.class, () -> new Shutdown().run(in, weak));
    assertTrue(f.getMessage().contains("host primary") && f.getMessage().contains("SHUTDOWN failed"), f.getMessage());
    assertFalse(f.retryable());
    assertTrue(f.hint().contains("grant the missing privilege to weak"), f.hint());
    assertFalse(f.getMessage().contains("Weak-pw-1"));
    assertTrue(primary.isRunning());
    weak.close();
  }

  private static String waitForCount(MariaDbServer replica, String expected) throws InterruptedException {
    String n = null;
    for (int i = 0; i < 100; i++) {
      n = replica.queryValue("SELECT COUNT(*) FROM s.t");
      if (expected.equals(n)) return n;
      Thread.sleep(100);
    }
    return n;
  }
}

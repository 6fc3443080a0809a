package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@MariaDbTest
class MariaDbClientTest {

  @BeforeAll
  static void users(MariaDbServer server) { TestDb.createUsers(server); }

  @Test
  void sharesOneClientPerHostAndBindsParameters(MariaDbServer server) throws Exception {
    try (StandaloneStepContext ctx = TestDb.context("db1", TestDb.host("db1", server))) {
      MariaDbClient a = MariaDbClient.forTarget(ctx);
      assertSame(a, MariaDbClient.forTarget(ctx), "one client per run and host");
      String hostile = "x'); DROP TABLE t; --";
      assertEquals(hostile, a.value("SELECT ?", List.of(hostile)));
      assertEquals("runbook@%", a.value("SELECT CURRENT_USER()"));
    }
  }

  @Test
  void wrongPasswordIsAClearFatalFailureWithoutThePassword(MariaDbServer server) {
    String canary = "Wrong-canary-31f9";
    var ctx = StandaloneStepContext.builder()
        .inventory(TestDb.inventory(TestDb.host("db1", server.host(), server.port(), "BAD_PW")))
        .target("db1").env(java.util.Map.of("BAD_PW", canary)).build();
    StepFailure f = assertThrows(StepFailure.class, () -> MariaDbClient.forTarget(ctx).value("SELECT 1"));
    assertTrue(f.getMessage().contains("host db1 (127.0.0.1:" + server.port() + ")"), f.getMessage());
    assertTrue(f.getMessage().contains("connect as runbook"), f.getMessage());
    assertTrue(f.getMessage().contains("Access denied"), f.getMessage());
    assertFalse(f.getMessage().contains(canary));
    assertFalse(f.hint().contains(canary));
    assertTrue(f.hint().contains("env:BAD_PW"), f.hint());
    assertFalse(f.retryable(), "a wrong password does not get better by retrying");
  }

  @Test
  void unreachablePortIsRetryable() {
    int closed = MariaDbServer.freePort();
    var ctx = TestDb.context("gone", TestDb.host("gone", "127.0.0.1", closed, TestDb.PASSWORD_ENV));
    StepFailure f = assertThrows(StepFailure.class, () -> MariaDbClient.forTarget(ctx).value("SELECT 1"));
    assertTrue(f.getMessage().startsWith("host gone (127.0.0.1:" + closed + "): connect as runbook failed"), f.getMessage());
    assertTrue(f.retryable());
    assertTrue(f.hint().contains("listens on 127.0.0.1:" + closed), f.hint());
    assertFalse(f.getMessage().contains(TestDb.PASSWORD));
  }

  @Test
  void sqlErrorNamesTheStatementAndIsNotRetryable(MariaDbServer server) throws Exception {
    try (StandaloneStepContext ctx = TestDb.context("db1", TestDb.host("db1", server))) {
      StepFailure f = assertThrows(StepFailure.class, () -> MariaDbClient.forTarget(ctx).execute("SELEC 1"));
      assertTrue(f.getMessage().contains("host db1") && f.getMessage().contains("SELEC 1 failed"), f.getMessage());
      assertTrue(f.getMessage().contains("error 1064"), f.getMessage());
      assertFalse(f.retryable());
      assertEquals("fix the SQL text of the step", f.hint());
      StepFailure missing = assertThrows(StepFailure.class, () -> MariaDbClient.forTarget(ctx).query("SELECT * FROM nope.nothing"));
      assertFalse(missing.retryable());
      assertNotNull(missing.hint());
    }
  }

  @Test
  void statementWithASecretNeverEchoesIt(MariaDbServer server) throws Exception {
    try (StandaloneStepContext ctx = TestDb.context("db1", TestDb.host("db1", server))) {
      String secret = "Sekrit-canary-5521";
      String sql = "CHANGE MASTER TO MASTER_PASSWORD=" + SqlQuoting.literal(secret) + " MASTER_BOGUS=1";
      StepFailure f = assertThrows(StepFailure.class,
          () -> MariaDbClient.forTarget(ctx).execute(sql, List.of(), "CHANGE MASTER TO MASTER_PASSWORD='***' MASTER_BOGUS=1"));
      assertFalse(f.getMessage().contains(secret), f.getMessage());
      assertTrue(f.getMessage().contains("MASTER_PASSWORD='***'"), f.getMessage());
    }
  }

  @Test
  void reconnectsAfterTheServerRestarted(MariaDbServer server) throws Exception {
    try (StandaloneStepContext ctx = TestDb.context("db1", TestDb.host("db1", server))) {
      MariaDbClient c = MariaDbClient.forTarget(ctx);
      assertEquals("1", c.value("SELECT 1"));
      server.stop();
      StepFailure down = assertThrows(StepFailure.class, () -> c.value("SELECT 1"));
      assertTrue(down.retryable(), down.getMessage());
      server.start();
      assertEquals("1", c.value("SELECT 1"), "the shared client reconnects to the restarted server");
    }
  }
}

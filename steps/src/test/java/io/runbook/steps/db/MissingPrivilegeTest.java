package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.mariadb.MariaDbTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The documented account minus one privilege, on a real server: the step that needs it stops with the host, the
 * statement, the GRANT that is missing and the doc, and changes nothing. Also shows the list is tight: nothing else in
 * it (no SUPER) covers the one left out.
 */
@MariaDbTest
class MissingPrivilegeTest {
  static final String PW = "Narrow-pw-5c'x";

  @BeforeAll
  static void accounts(MariaDbServer server) {
    server.sql("CREATE USER 'no_ro'@'%' IDENTIFIED BY 'Narrow-pw-5c\\'x'",
        EngineAccount.grant(without("READ_ONLY ADMIN"), "no_ro", "%"),
        "CREATE USER 'no_monitor'@'%' IDENTIFIED BY 'Narrow-pw-5c\\'x'",
        EngineAccount.grant(without("SLAVE MONITOR"), "no_monitor", "%"));
  }

  @Test
  void readOnlyWithoutReadOnlyAdminNamesTheGrantAndTheDoc(MariaDbServer server) {
    String before = server.queryValue("SELECT @@global.read_only + 0");
    try (StandaloneStepContext ctx = as("no_ro", server)) {
      StepFailure f = assertThrows(StepFailure.class, () -> new SetReadOnly().run(new SetReadOnly.Input(true), ctx));
      assertTrue(f.getMessage().contains("host primary") && f.getMessage().contains("SET GLOBAL read_only"), f.getMessage());
      assertTrue(f.getMessage().contains("READ_ONLY ADMIN privilege"), f.getMessage());
      assertEquals("grant the missing privilege to no_ro on primary (GRANT READ_ONLY ADMIN ON *.* TO 'no_ro'@'<its host>'), "
          + "or use an account that has it; docs/database-account.md lists every privilege the engine's account needs", f.hint());
      assertFalse(f.retryable());
      assertNull(f.getCause(), "a message, no stack trace");
      assertFalse(f.getMessage().contains(PW) || f.hint().contains(PW));
    }
    assertEquals(before, server.queryValue("SELECT @@global.read_only + 0"), "read_only unchanged");
  }

  @Test
  void replicaStatusWithoutSlaveMonitorNamesTheNarrowPrivilegeNotSuper(MariaDbServer server) {
    try (StandaloneStepContext ctx = as("no_monitor", server)) {
      StepFailure f = assertThrows(StepFailure.class, () -> new Status().run(new Status.Input(), ctx));
      assertTrue(f.getMessage().contains("SUPER, SLAVE MONITOR"), f.getMessage()); // the server offers both
      assertTrue(f.hint().contains("(GRANT SLAVE MONITOR ON *.* TO 'no_monitor'@'<its host>')"), f.hint());
      assertTrue(MariaDbClient.lacksPrivilege(f));
    }
  }

  private static List<EngineAccount.Privilege> without(String name) {
    List<EngineAccount.Privilege> out = new ArrayList<>(EngineAccount.REQUIRED);
    assertTrue(out.removeIf(p -> p.name().equals(name)), name + " is in the list");
    return out;
  }

  private static StandaloneStepContext as(String user, MariaDbServer server) {
    return StandaloneStepContext.builder()
        .inventory(TestDb.inventory(TestDb.host("primary", server.host(), server.port(), user, "NARROW_PW")))
        .target("primary").env(Map.of("NARROW_PW", PW)).stepId("t").build();
  }
}

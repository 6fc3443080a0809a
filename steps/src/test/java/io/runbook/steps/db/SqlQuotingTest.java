package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.runbook.engine.spi.StepFailure;
import org.junit.jupiter.api.Test;

class SqlQuotingTest {

  @Test
  void identifiersAreQuotedAndOddNamesRefused() throws Exception {
    assertEquals("`orders`", SqlQuoting.identifier("orders"));
    assertEquals("`shop`.`orders`", SqlQuoting.qualifiedName("shop.orders"));
    for (String bad : new String[] {"", "a`b", "x'y", "t;DROP", "a\nb", "trailing ", "a".repeat(65)}) {
      assertThrows(StepFailure.class, () -> SqlQuoting.identifier(bad), bad);
    }
    assertThrows(StepFailure.class, () -> SqlQuoting.qualifiedName("a.b.c"));
  }

  @Test
  void literalsEscapeQuotesAndBackslashesAndRefuseControlCharacters() throws Exception {
    assertEquals("'it\\'s'", SqlQuoting.literal("it's"));
    assertEquals("'a\\\\'", SqlQuoting.literal("a\\"));
    StepFailure f = assertThrows(StepFailure.class, () -> SqlQuoting.literal("pw-with\nnewline"));
    assertFalse(f.getMessage().contains("pw-with"), "the value may be a password");
  }

  @Test
  void gtidListsAreValidated() throws Exception {
    assertEquals("'0-1-100,1-2-7'", SqlQuoting.gtidLiteral("0-1-100,1-2-7"));
    assertEquals("''", SqlQuoting.gtidLiteral(""));
    assertThrows(StepFailure.class, () -> SqlQuoting.gtidLiteral("0-1-100'; DROP"));
    assertThrows(StepFailure.class, () -> SqlQuoting.hostLiteral("db'host"));
  }

  @Test
  void plansShowParametersWrittenInButNotInsideQuotes() {
    assertEquals("SELECT '?', `a?`, 'it\\'s', 5, NULL FROM t",
        SqlQuoting.withValues("SELECT '?', `a?`, ?, ?, ? FROM t", java.util.Arrays.asList("it's", 5, null)));
  }
}

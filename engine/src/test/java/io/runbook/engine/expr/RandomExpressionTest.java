package io.runbook.engine.expr;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random token soup is refused with an ExprException (or evaluates): never another exception. */
class RandomExpressionTest {
  static final List<String> TOKENS = List.of("steps", "pick", "params", "n", "at", "names", ".", "[", "]", "(", ")",
      "0", "1", "2.5", "'x'", "\"y\"", "true", "null", "+", "-", "*", "/", "%", "<", ">=", "==", "!=", "!", "&&", "||",
      "?", ":", ",", "in", "size", "string", "int", "duration", "timestamp", "join", "has", "default", "matches",
      "startsWith", "'5m'", "'2026-11-25T12:00:00Z'", "createdAt", "tags", "note", "state", "uptime", "replication");

  @Test
  void tokenSoupNeverCrashes() {
    Random random = new Random(20261125);
    var types = TypeAgreementTest.types();
    var values = TypeAgreementTest.values();
    for (int n = 0; n < 5000; n++) {
      StringBuilder b = new StringBuilder();
      int length = 1 + random.nextInt(9);
      for (int i = 0; i < length; i++) b.append(TOKENS.get(random.nextInt(TOKENS.size()))).append(random.nextBoolean() ? " " : "");
      String expr = b.toString();
      try {
        Templates.typeOf(expr, types, true);
      } catch (ExprException expected) {
        // refused with a reason: fine
      } catch (RuntimeException | StackOverflowError e) {
        fail("type check of '" + expr + "' crashed", e);
      }
      try {
        Templates.evaluate(expr, values);
        Templates.render("a ${{ " + expr + " }} b", values);
      } catch (ExprException expected) {
        // refused with a reason: fine
      } catch (RuntimeException | StackOverflowError e) {
        fail("evaluation of '" + expr + "' crashed", e);
      }
    }
  }
}

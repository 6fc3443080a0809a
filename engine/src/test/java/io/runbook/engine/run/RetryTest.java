package io.runbook.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.model.RetrySpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryTest {
  @Test
  void delaysDoubleWithJitterWithinHalfToOneAndAHalfTimesAndAreCapped() {
    RetrySpec spec = new RetrySpec(10, Duration.ofMillis(100));
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      for (int failed = 1; failed <= 4; failed++) {
        long base = 100L << (failed - 1);
        long d = Retry.delayAfter(spec, failed).toMillis();
        assertTrue(d >= base / 2 && d < base * 3 / 2, failed + ": " + d);
        if (failed == 1) seen.add(d);
      }
    }
    assertTrue(seen.size() > 10, "jittered, not fixed: " + seen.size());
    assertEquals(Retry.MAX_DELAY, Retry.delayAfter(new RetrySpec(50, Duration.ofMinutes(1)), 30));
    assertEquals(Duration.ZERO, Retry.delayAfter(RetrySpec.NONE, 1));
  }
}

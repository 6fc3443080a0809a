package io.runbook.steps.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransactionCursorTest {
  /** The hand-written time format is exactly Instant's, over the whole range of a binlog event's 32-bit timestamp. */
  @Test
  void eventTimesReadAsInstantWritesThem() {
    Random random = new Random(20261126);
    long[] edges = {0, 1, 59, 86_399, 86_400, 951_782_400 /* 2000-02-29 */, 1_800_000_000, 0xffffffffL};
    for (long t : edges) assertEquals(Instant.ofEpochSecond(t).toString(), TransactionCursor.isoTime(t));
    for (int i = 0; i < 10_000; i++) {
      long t = random.nextLong() & 0xffffffffL;
      assertEquals(Instant.ofEpochSecond(t).toString(), TransactionCursor.isoTime(t));
    }
  }
}

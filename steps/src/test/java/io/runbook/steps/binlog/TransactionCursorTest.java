package io.runbook.steps.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /** begin() no longer clears the detail sets: what a DDL transaction collected must still not leak into the next one. */
  @Test
  void detailBelongsToTheTransactionThatCollectedIt() {
    TransactionCursor tx = new TransactionCursor();
    tx.begin("bin.000001", 0, 1, 7, 400, 1_800_000_000L, 0x21);
    tx.addTables().add("shop.orders");
    tx.addKinds().add("DROP TABLE");
    tx.addStatements().add("DROP TABLE orders");
    assertTrue(tx.ddl());
    assertTrue(tx.standalone());
    assertEquals(java.util.List.of("DROP TABLE orders"), tx.statements());
    assertEquals(java.util.List.of("shop.orders"), tx.toTransaction().tables());

    tx.begin("bin.000001", 0, 1, 8, 500, 1_800_000_001L, 0);
    assertFalse(tx.ddl());
    assertFalse(tx.standalone());
    assertTrue(tx.statements().isEmpty());
    BinlogTransaction next = tx.toTransaction();
    assertTrue(next.tables().isEmpty() && next.kinds().isEmpty() && next.statements().isEmpty(), next.toString());

    tx.addKinds().add("INSERT");
    assertEquals(java.util.List.of("INSERT"), tx.toTransaction().kinds(), "the first add of a transaction drops the last one's detail");
    assertTrue(tx.toTransaction().tables().isEmpty());
  }
}

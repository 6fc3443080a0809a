package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GtidListTest {

  @Test
  void parsesAndPrintsSortedByDomainWithTheLastGtidOfADomainWinning() {
    assertEquals("0-2-11,4-1-3", GtidList.parse(" 4-1-3, 0-1-10,0-2-11 ").toString());
    assertTrue(GtidList.parse("").isEmpty());
    assertThrows(IllegalArgumentException.class, () -> GtidList.parse("0-1"));
    assertThrows(IllegalArgumentException.class, () -> GtidList.parse("0-x-1"));
  }

  @Test
  void divergenceNamesEachDomainThatThePrimaryCannotContinue() {
    GtidList primary = GtidList.parse("0-1-100,1-5-7");
    assertEquals(List.of(), GtidList.parse("0-1-90").divergenceFrom(primary));
    assertEquals(List.of(), GtidList.parse("0-1-100,1-5-7").divergenceFrom(primary));
    assertEquals(List.of("domain 0: 0-1-101 is ahead of the primary's 0-1-100"), GtidList.parse("0-1-101").divergenceFrom(primary));
    assertEquals(List.of("domain 0: 0-2-100 and the primary's 0-1-100 are different transactions"),
        GtidList.parse("0-2-100").divergenceFrom(primary));
    assertEquals(List.of("domain 9: 9-3-1 but the primary has no transactions in this domain"),
        GtidList.parse("0-1-5,9-3-1").divergenceFrom(primary));
  }

  @Test
  void reachedNeedsEveryDomainOfTheTarget() {
    GtidList target = GtidList.parse("0-1-100,1-5-7");
    assertTrue(GtidList.parse("0-1-100,1-5-8").reached(target));
    assertFalse(GtidList.parse("0-1-100").reached(target));
    assertFalse(GtidList.parse("0-1-99,1-5-7").reached(target));
  }

  /** Sequence numbers are unsigned 64-bit: past 2^63 they still parse, print and compare as the server counts. */
  @Test
  void sequencesPast2To63AreUnsigned() {
    GtidList high = GtidList.parse("0-1-18446744073709551615");
    assertEquals("0-1-18446744073709551615", high.toString());
    GtidList low = GtidList.parse("0-1-9223372036854775807");
    assertTrue(high.reached(low));
    assertFalse(low.reached(high));
    assertEquals(List.of("domain 0: 0-1-18446744073709551615 is ahead of the primary's 0-1-9223372036854775807"),
        high.divergenceFrom(low));
  }
}

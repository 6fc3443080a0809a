package io.runbook.steps.binlog;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** A run of events passes exactly when every event's own checksum is right, whatever their lengths and place. */
class ChecksumRunTest {
  private final Random random = new Random(20261126);
  private final CRC32 crc = new CRC32();

  /** Random events, each ending with the CRC32 of its other bytes (little-endian, as the server writes it). */
  private ByteBuffer events(int offset, List<Integer> lengths, List<Integer> ends) {
    int total = offset + lengths.stream().mapToInt(Integer::intValue).sum();
    ByteBuffer b = ByteBuffer.allocate(total + 7).order(ByteOrder.LITTLE_ENDIAN);
    random.nextBytes(b.array());
    int at = offset;
    for (int len : lengths) {
      crc.reset();
      crc.update(b.array(), at, len - 4);
      b.putInt(at + len - 4, (int) crc.getValue());
      at += len;
      ends.add(at);
    }
    return b;
  }

  private boolean holds(ByteBuffer b, int start, List<Integer> ends) {
    ChecksumRun run = new ChecksumRun();
    run.reset(start);
    for (int end : ends) {
      assertTrue(run.fits(end));
      run.add(end);
    }
    return run.holds(b, ends.get(ends.size() - 1), crc);
  }

  @Test
  void rightEventsHoldAndAnyFlippedBitIsCaught() {
    for (int trial = 0; trial < 200; trial++) {
      List<Integer> lengths = new ArrayList<>();
      int budget = random.nextInt(ChecksumRun.MAX - 64) + 24;
      while (budget >= 23) {
        int len = Math.min(budget, 23 + random.nextInt(trial % 3 == 0 ? 9000 : 200));
        lengths.add(len);
        budget -= len;
      }
      int start = random.nextInt(5);
      List<Integer> ends = new ArrayList<>();
      ByteBuffer b = events(start, lengths, ends);
      assertTrue(holds(b, start, ends), "intact run " + lengths);
      int at = start + random.nextInt(ends.get(ends.size() - 1) - start);
      int bit = 1 << random.nextInt(8);
      b.put(at, (byte) (b.get(at) ^ bit));
      assertFalse(holds(b, start, ends), "byte " + at + " flipped in " + lengths);
      b.put(at, (byte) (b.get(at) ^ bit));
      assertTrue(holds(b, start, ends));
    }
  }

  @Test
  void aRunAsLongAsTheMostItCoversAndASingleEvent() {
    List<Integer> ends = new ArrayList<>();
    ByteBuffer whole = events(3, List.of(ChecksumRun.MAX - 40, 40), ends);
    assertTrue(holds(whole, 3, ends));
    ChecksumRun run = new ChecksumRun();
    run.reset(3);
    assertFalse(run.fits(3 + ChecksumRun.MAX + 1), "one byte more does not fit");
    run.clear();
    assertFalse(run.fits(4), "nothing fits when no run is open");
    run.reset(Integer.MAX_VALUE - 100);
    assertTrue(run.fits(Integer.MAX_VALUE), "a run near the end of a 2 GiB buffer");
    List<Integer> one = new ArrayList<>();
    ByteBuffer single = events(0, List.of(23), one);
    assertTrue(holds(single, 0, one));
    // a right checksum stored in the wrong event: both are wrong, and the run says so
    List<Integer> two = new ArrayList<>();
    ByteBuffer swapped = events(0, List.of(100, 100), two);
    int first = swapped.getInt(96);
    swapped.putInt(96, swapped.getInt(196));
    swapped.putInt(196, first);
    assertFalse(holds(swapped, 0, two));
  }
}

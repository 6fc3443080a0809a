package io.runbook.steps.binlog;

import io.runbook.steps.db.Gtid;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Verifies the CRC32 checksums of a run of consecutive binlog events with one pass of {@link CRC32} over the run's
 * bytes, reading them only (a mapped file is read-only), instead of one checksum call per event.
 *
 * <p>Why it works: the CRC32 register is linear over GF(2) in its start value and in the bytes fed, and after any
 * event followed by its own right checksum it holds the same constant. So when every checksum in a run is right, the
 * run's CRC32 depends on where its events end and nothing else: it is the XOR, over the events, of that constant's
 * difference {@code K} from the initial register, carried through as many zero bytes as follow the event's end in the
 * run. To add an event in O(1), the run is measured against a fixed point {@link #MAX} bytes after its start: each
 * event XORs in {@code K} carried to that point (one table entry), and the check carries the run's CRC32 there too by
 * feeding the missing zero bytes. A damaged byte changes the CRC32 and not the expected value (a damaged length field
 * sends the walk astray, which changes both, but not alike), so a mismatch means some checksum in the run is wrong;
 * {@link #firstDamage} then checks the run's events one by one to name the damaged one.
 */
final class ChecksumRun {
  /** The most bytes a run covers; a longer event is checked on its own. */
  static final int MAX = 64 << 10;
  private static final int[] BYTE_STEP = new int[256];
  private static final byte[] ZEROS = new byte[MAX];
  /**
   * K carried through m zero bytes, for m in 0..MAX. The initial register carried through m zero bytes is not kept in
   * a table: it is the complement of the CRC32 of m zero bytes, which the JDK's routine computes in no time, while
   * each table entry costs a step of this class's set-up, which a cold JVM runs interpreted.
   */
  private static final int[] K_THROUGH_ZEROS;

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      BYTE_STEP[n] = c;
    }
    K_THROUGH_ZEROS = throughZeros(~onesThroughZeros(new CRC32(), 4));
  }

  private int start;
  /** start + MAX (a long: a run may start near the end of a 2 GiB buffer); -1 when no run is open, so nothing fits. */
  private long point = -1;
  private int expected;
  /** Where bytes of a mapping are copied to be checksummed (see {@link #update}). */
  private final byte[] scratch = new byte[16 << 10];

  /** Starts a run at buffer index {@code start}. */
  void reset(int start) {
    this.start = start;
    this.point = (long) start + MAX;
    this.expected = 0;
  }

  /** Whether an event ending at {@code end} still fits in the run; never when no run is open. */
  boolean fits(int end) { return end <= point; }

  /** Closes the run: nothing fits until the next {@link #reset}. */
  void clear() { point = -1; }

  /** Adds the next event, which ends at buffer index {@code end} (see {@link #fits}). */
  void add(int end) { expected ^= K_THROUGH_ZEROS[(int) (point - end)]; }

  /** Whether every event's checksum in {@code buf[start, end)}, the run, is right. */
  boolean holds(ByteBuffer buf, int end, CRC32 crc) {
    crc.reset();
    update(crc, buf, start, end);
    int missing = (int) (point - end);
    crc.update(ZEROS, 0, missing);
    int got = (int) crc.getValue();
    return got == ~(expected ^ onesThroughZeros(crc, missing));
  }

  /** The initial register 0xffffffff carried through {@code m} zero bytes (resets {@code crc}). */
  private static int onesThroughZeros(CRC32 crc, int m) {
    crc.reset();
    crc.update(ZEROS, 0, m);
    return ~(int) crc.getValue();
  }

  /**
   * Checks each event of {@code buf[from, to)} on its own and returns the report of the first whose checksum is
   * wrong, or null when all are right ({@code group}: the GTID of the transaction the range starts in, if any).
   */
  BinlogException firstDamage(ByteBuffer buf, long base, int from, int to, Gtid group, String name, CRC32 crc) {
    try {
      for (int off = from; off < to; ) {
        int len = buf.getInt(off + 9);
        int type = buf.get(off + 4) & 0xff;
        if (type == EventType.GTID) group = gtidAt(buf, off);
        verifyEvent(buf, off, base + off, len, type, group, name, crc);
        if (type == EventType.XID) group = null;
        off += len;
      }
      return null;
    } catch (BinlogException e) {
      return e;
    }
  }

  /** The GTID of the GTID event at {@code off}: domain, server id from the header, sequence number. */
  static Gtid gtidAt(ByteBuffer buf, int off) {
    return new Gtid(buf.getInt(off + 19 + 8) & 0xffffffffL, buf.getInt(off + 5) & 0xffffffffL, buf.getLong(off + 19));
  }

  /** Verifies the checksum of the event at {@code buf[off, off+len)}, which is at {@code fileOffset} in the file. */
  void verifyEvent(ByteBuffer buf, int off, long fileOffset, int len, int type, Gtid group, String name, CRC32 crc)
      throws BinlogException {
    int expected = buf.getInt(off + len - 4);
    crc.reset();
    if (type == EventType.FORMAT_DESCRIPTION) {
      // the server sets and clears the in-use flag in place: the checksum is computed with it cleared
      update(crc, buf, off, off + 17);
      crc.update(buf.get(off + 17) & ~0x01);
      update(crc, buf, off + 18, off + len - 4);
    } else {
      update(crc, buf, off, off + len - 4);
    }
    if ((int) crc.getValue() != expected) {
      String inside = group != null ? " inside transaction " + group : "";
      throw new BinlogException(
          String.format(Locale.ROOT, "%s: CRC32 mismatch in the event at offset %d (type %d%s): stored %08x, computed %08x",
              name, fileOffset, type, inside, expected, (int) crc.getValue()),
          "the file is damaged at that offset: take this file again from the source (snapshot or server), "
              + "or cut before this transaction");
    }
  }

  /**
   * Feeds {@code buf[from, to)} to {@code crc}. A mapping goes through a copy: the JVM turns a fault on a page the file
   * no longer has (it shrank under the scan) into an InternalError when a copy reads it, but kills the whole process
   * when its CRC32 routine does.
   */
  private void update(CRC32 crc, ByteBuffer buf, int from, int to) {
    if (!(buf instanceof java.nio.MappedByteBuffer)) {
      int limit = buf.limit();
      crc.update(buf.limit(to).position(from));
      buf.limit(limit);
      return;
    }
    for (int at = from; at < to; ) {
      int n = Math.min(scratch.length, to - at);
      buf.get(at, scratch, 0, n);
      crc.update(scratch, 0, n);
      at += n;
    }
  }

  private static int[] throughZeros(int register) {
    int[] t = new int[MAX + 1];
    int c = register;
    for (int m = 0; m <= MAX; m++) {
      t[m] = c;
      c = BYTE_STEP[c & 0xff] ^ (c >>> 8);
    }
    return t;
  }
}

package io.runbook.steps.binlog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Benchmark (not a test): what searching the annotated SQL of row events for a regex's required literal costs per
 * statement, the part of a cut by regex that a cut by time or GTID does not have. It compares the scanner's own
 * search ({@link RequiredLiteral}, 8-byte words) with the same pair test written with the incubating Vector API
 * (256-bit lanes) and with {@link String#indexOf(int)} (a JDK intrinsic), on the ANNOTATE_ROWS texts of real binlog
 * files. Lives in the scanner's package to call {@link RequiredLiteral} as the scanner does.
 *
 * <p>usage: bench/binlog/literal.sh FILE... (runs each search in its own JVM: -Dsearch=words|vector|indexOf)
 */
public final class LiteralSearchBench {
  private static final int ANNOTATE_ROWS = 160;
  private static final VectorSpecies<Byte> LANES = ByteVector.SPECIES_256;
  private static final byte[] LITERAL = "table".getBytes(StandardCharsets.US_ASCII);
  private static final int ANCHOR = 2; // "bl", the pair RequiredLiteral picks for TABLE

  public static void main(String[] args) throws Exception {
    List<byte[]> texts = new ArrayList<>();
    long bytes = 0;
    for (String f : args) bytes += annotations(Path.of(f), texts);
    System.out.printf(Locale.ROOT, "%d annotated statements, %d bytes (%.0f bytes each) in %d files%n",
        texts.size(), bytes, (double) bytes / texts.size(), args.length);
    String how = System.getProperty("search", "words");
    RequiredLiteral words = RequiredLiteral.of(Pattern.compile("DROP\\s+TABLE", Pattern.CASE_INSENSITIVE));
    byte[][] all = texts.toArray(new byte[0][]);
    for (int pass = 1; pass <= 3; pass++) {
      long t0 = System.nanoTime();
      int hits = how.equals("words") ? words(words, all) : how.equals("vector") ? vector(all) : indexOf(all);
      long ns = System.nanoTime() - t0;
      System.out.printf(Locale.ROOT, "%-7s pass %d over all statements%s: %.3f s, %.1f ns per statement, %.2f GB/s (%d hits)%n",
          how, pass, pass == 1 ? " (cold: JIT included)" : "", ns / 1e9, (double) ns / all.length, (double) bytes / ns, hits);
    }
  }

  // one loop per search, so that each call site sees one method (a shared loop measures the JIT's inlining instead)
  private static int words(RequiredLiteral words, byte[][] all) {
    int hits = 0;
    for (byte[] s : all) if (words.in(s, s.length)) hits++;
    return hits;
  }

  private static int vector(byte[][] all) {
    int hits = 0;
    for (byte[] s : all) if (vector(s, s.length)) hits++;
    return hits;
  }

  private static int indexOf(byte[][] all) {
    int hits = 0;
    for (byte[] s : all) if (indexOf(s, s.length)) hits++;
    return hits;
  }

  /** Appends the text of every ANNOTATE_ROWS event of {@code file} (checksum off the end) and returns its bytes. */
  private static long annotations(Path file, List<byte[]> out) throws Exception {
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
      long total = 0;
      for (int off = 4; off + 19 <= b.limit(); ) {
        int len = b.getInt(off + 9);
        if (len < 19 || off + len > b.limit()) break;
        if ((b.get(off + 4) & 0xff) == ANNOTATE_ROWS) {
          byte[] t = new byte[len - 19 - 4];
          b.get(off + 19, t);
          out.add(t);
          total += t.length;
        }
        off += len;
      }
      return total;
    }
  }

  /** RequiredLiteral's pair test with 32 positions per compare instead of 7. */
  static boolean vector(byte[] b, int len) {
    int lanes = LANES.length();
    int p = ANCHOR;
    int end = len - LITERAL.length + ANCHOR;
    for (; p + lanes + 1 <= len && p + lanes - 1 <= end; p += lanes) {
      ByteVector x = ByteVector.fromArray(LANES, b, p).or((byte) 0x20);
      ByteVector y = ByteVector.fromArray(LANES, b, p + 1).or((byte) 0x20);
      VectorMask<Byte> m = x.eq((byte) 'b').and(y.eq((byte) 'l'));
      if (!m.anyTrue()) continue;
      for (long bits = m.toLong(); bits != 0; bits &= bits - 1) {
        if (matchesAt(b, p + Long.numberOfTrailingZeros(bits) - ANCHOR)) return true;
      }
    }
    for (; p <= end; p++) if (matchesAt(b, p - ANCHOR)) return true;
    return false;
  }

  /** Both cases of the anchor byte found with the JDK's intrinsic String.indexOf (a Latin-1 string of the bytes). */
  static boolean indexOf(byte[] b, int len) {
    String s = new String(b, 0, len, StandardCharsets.ISO_8859_1);
    for (int i = s.indexOf('b'); i >= 0; i = s.indexOf('b', i + 1)) if (i >= ANCHOR && matchesAt(b, i - ANCHOR)) return true;
    for (int i = s.indexOf('B'); i >= 0; i = s.indexOf('B', i + 1)) if (i >= ANCHOR && matchesAt(b, i - ANCHOR)) return true;
    return false;
  }

  private static boolean matchesAt(byte[] b, int start) {
    if (start < 0 || start + LITERAL.length > b.length) return false;
    for (int k = 0; k < LITERAL.length; k++) {
      byte c = b[start + k];
      if (c >= 'A' && c <= 'Z') c += 32;
      if (c != LITERAL[k]) return false;
    }
    return true;
  }
}

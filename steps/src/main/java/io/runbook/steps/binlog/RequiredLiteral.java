package io.runbook.steps.binlog;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A piece of plain ASCII text that every match of a regex must contain, found conservatively from the pattern's
 * source (no alternation; runs of literal characters outside groups and classes, not made optional by a quantifier).
 * Scanning millions of statements, a byte search for it rules most of them out before the regex runs.
 */
final class RequiredLiteral {
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private final byte[] lower;
  private final boolean ignoreCase;
  /**
   * Where the literal's rarest pair of neighbouring bytes starts: candidates are where that pair occurs, found 8
   * positions at a time (a pair rules out far more than one byte: "bench" holds the b of "table", not its "bl").
   */
  private final int anchor;
  private final long firstBytes;
  private final long secondBytes;
  private final long firstFold;
  private final long secondFold;
  /** The text being searched, copied out of a buffer (one per scanner: not shared between threads). */
  private byte[] copy = new byte[1024];

  private RequiredLiteral(String literal, boolean ignoreCase) {
    this.ignoreCase = ignoreCase;
    this.lower = (ignoreCase ? literal.toLowerCase(java.util.Locale.ROOT) : literal).getBytes(StandardCharsets.US_ASCII);
    int best = 0;
    for (int k = 1; k + 1 < lower.length; k++) {
      if (rarity(lower[k]) + rarity(lower[k + 1]) > rarity(lower[best]) + rarity(lower[best + 1])) best = k;
    }
    this.anchor = best;
    this.firstBytes = (lower[best] & 0xffL) * ONES;
    this.secondBytes = (lower[best + 1] & 0xffL) * ONES;
    this.firstFold = foldMask(lower[best]);
    this.secondFold = foldMask(lower[best + 1]);
  }

  /** Setting bit 0x20 in every byte maps only a letter's two cases to its lower case; other bytes are compared as they are. */
  private long foldMask(byte c) { return ignoreCase && c >= 'a' && c <= 'z' ? 0x2020202020202020L : 0; }

  /** How rare a byte is in SQL text, roughly: letters by English frequency; digits, spaces and punctuation are common. */
  private static int rarity(byte c) {
    int i = "zqjxkvbwyfgpmhucdlrsnioate".indexOf(Character.toLowerCase((char) c));
    return i < 0 ? -1 : 26 - i;
  }

  /** The longest required literal of {@code p}, or null when none can be proven (then every statement is matched). */
  static RequiredLiteral of(Pattern p) {
    String src = p.pattern();
    // alternation, comments mode and Unicode case folding (which matches non-ASCII letters) are not analysed
    if (src.indexOf('|') >= 0 || (p.flags() & (Pattern.LITERAL | Pattern.COMMENTS | Pattern.UNICODE_CASE | Pattern.CANON_EQ)) != 0) {
      return null;
    }
    String best = "";
    StringBuilder run = new StringBuilder();
    int depth = 0;
    boolean inClass = false;
    for (int i = 0; i < src.length(); i++) {
      char c = src.charAt(i);
      if (inClass) {
        if (c == '\\') i++;
        else if (c == ']') inClass = false;
        continue;
      }
      if (c == '\\') { best = longer(best, run); run.setLength(0); i++; continue; }
      if (c == '[') { best = longer(best, run); run.setLength(0); inClass = true; continue; }
      if (c == '(') { best = longer(best, run); run.setLength(0); depth++; continue; }
      if (c == ')') { depth--; continue; }
      if (depth > 0) continue;
      if (c == '?' || c == '*' || c == '{') {
        if (run.length() > 0) run.setLength(run.length() - 1); // the character before is optional
        best = longer(best, run);
        run.setLength(0);
        if (c == '{') { int close = src.indexOf('}', i); i = close < 0 ? src.length() : close; }
        continue;
      }
      if (c == '+' || c == '^' || c == '$' || c == '.') { best = longer(best, run); run.setLength(0); continue; }
      if (c > 0x7e || c < 0x20) return null;
      run.append(c);
    }
    best = longer(best, run);
    return best.length() >= 2 ? new RequiredLiteral(best, (p.flags() & Pattern.CASE_INSENSITIVE) != 0) : null;
  }

  private static String longer(String best, StringBuilder run) {
    return run.length() > best.length() ? run.toString() : best;
  }

  /**
   * Whether UTF-8 bytes [0, len) contain the literal; false means the regex cannot match the text (ASCII bytes
   * occur in UTF-8 only as themselves, and CASE_INSENSITIVE without UNICODE_CASE folds ASCII only). Compares the
   * word at p and the same word shifted by a byte with the anchor pair, 7 positions per load: a byte of (x | y) is
   * zero exactly where both bytes match; the zero-byte test may flag extra bytes but never misses one, and the whole literal is compared there.
   */
  boolean in(byte[] b, int len) {
    int p = anchor;                         // where the anchor of a literal starting at 0 would be
    int end = len - lower.length + anchor;  // the anchor of the last possible start
    for (; p + 8 <= end; p += 7) {
      long w = (long) LONGS.get(b, p);
      long x = (w | firstFold) ^ firstBytes;
      long y = ((w >>> 8) | secondFold) ^ secondBytes; // its top byte is never zero: 7 positions per load
      long t = x | y;
      long zeros = (t - ONES) & ~t & HIGHS;
      for (; zeros != 0; zeros &= zeros - 1) {
        if (matchesAt(b, p + (Long.numberOfTrailingZeros(zeros) >>> 3) - anchor)) return true;
      }
    }
    for (; p <= end; p++) {
      if (matchesAt(b, p - anchor)) return true;
    }
    return false;
  }

  /**
   * As {@link #in(byte[], int)} for the bytes [at, at+len) of a buffer: copied out first in one bulk copy, because
   * the search runs several times faster over an array than through the buffer's checked accessors.
   */
  boolean in(java.nio.ByteBuffer b, int at, int len) {
    if (copy.length < len) copy = new byte[Math.max(len, 2 * copy.length)];
    b.get(at, copy, 0, len);
    return in(copy, len);
  }

  private boolean matchesAt(byte[] b, int start) {
    for (int k = 0; k < lower.length; k++) {
      if (fold(b[start + k]) != lower[k]) return false;
    }
    return true;
  }

  private byte fold(byte c) { return ignoreCase && c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c; }
}

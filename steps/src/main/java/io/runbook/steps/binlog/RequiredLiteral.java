package io.runbook.steps.binlog;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A piece of plain ASCII text that every match of a regex must contain, found conservatively from the pattern's
 * source (no alternation; runs of literal characters outside groups and classes, not made optional by a quantifier).
 * Scanning millions of statements, a byte search for it rules most of them out before the regex runs.
 */
final class RequiredLiteral {
  private final byte[] lower;
  private final boolean ignoreCase;
  /** The literal's rarest byte: candidates are where it occurs, found 8 bytes at a time. */
  private final int anchor;
  private final boolean foldAnchor;
  private final long anchorBytes;

  private RequiredLiteral(String literal, boolean ignoreCase) {
    this.ignoreCase = ignoreCase;
    this.lower = (ignoreCase ? literal.toLowerCase(java.util.Locale.ROOT) : literal).getBytes(StandardCharsets.US_ASCII);
    int best = 0;
    for (int k = 1; k < lower.length; k++) if (rarity(lower[k]) > rarity(lower[best])) best = k;
    this.anchor = best;
    byte a = lower[best];
    this.foldAnchor = ignoreCase && a >= 'a' && a <= 'z';
    this.anchorBytes = (a & 0xffL) * 0x0101010101010101L;
  }

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
   * occur in UTF-8 only as themselves, and CASE_INSENSITIVE without UNICODE_CASE folds ASCII only).
   */
  boolean in(byte[] b, int len) { return in(java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN), 0, len); }

  /**
   * As {@link #in(byte[], int)}, reading the bytes in place from a little-endian buffer (no copy). Looks for the
   * anchor byte 8 bytes at a time (a zero-byte test on the XOR with it; letters folded by setting bit 0x20, which
   * maps only that letter's two cases to it) and compares the whole literal where it occurs.
   */
  boolean in(java.nio.ByteBuffer b, int at, int len) {
    int n = lower.length;
    int p = at + anchor;                 // where the anchor of a literal starting at `at` would be
    int end = at + len - n + anchor;     // the anchor of the last possible start
    for (; p + 7 <= end; p += 8) {
      long x = b.getLong(p);
      if (foldAnchor) x |= 0x2020202020202020L;
      x ^= anchorBytes;
      long zeros = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L; // may flag extra bytes, never misses one
      while (zeros != 0) {
        if (matchesAt(b, p + (Long.numberOfTrailingZeros(zeros) >>> 3) - anchor)) return true;
        zeros &= zeros - 1;
      }
    }
    for (; p <= end; p++) {
      if (fold(b.get(p)) == lower[anchor] && matchesAt(b, p - anchor)) return true;
    }
    return false;
  }

  private boolean matchesAt(java.nio.ByteBuffer b, int start) {
    for (int k = 0; k < lower.length; k++) {
      if (fold(b.get(start + k)) != lower[k]) return false;
    }
    return true;
  }

  private byte fold(byte c) { return ignoreCase && c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c; }
}

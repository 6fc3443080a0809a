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
  /** Boyer-Moore-Horspool: how far to move when a window ends in a given byte. */
  private final int[] shift = new int[256];

  private RequiredLiteral(String literal, boolean ignoreCase) {
    this.ignoreCase = ignoreCase;
    this.lower = (ignoreCase ? literal.toLowerCase(java.util.Locale.ROOT) : literal).getBytes(StandardCharsets.US_ASCII);
    int n = lower.length;
    java.util.Arrays.fill(shift, n);
    for (int k = 0; k < n - 1; k++) {
      shift[lower[k] & 0xff] = n - 1 - k;
      if (ignoreCase && lower[k] >= 'a' && lower[k] <= 'z') shift[(lower[k] - 32) & 0xff] = n - 1 - k;
    }
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
  boolean in(byte[] b, int len) {
    int n = lower.length;
    int i = 0;
    while (i <= len - n) {
      int k = n - 1;
      while (k >= 0 && fold(b[i + k]) == lower[k]) k--;
      if (k < 0) return true;
      i += shift[b[i + n - 1] & 0xff];
    }
    return false;
  }

  /** As {@link #in(byte[], int)}, reading the bytes in place from a buffer (no copy). */
  boolean in(java.nio.ByteBuffer b, int at, int len) {
    int n = lower.length;
    int i = at;
    int last = at + len - n;
    while (i <= last) {
      int k = n - 1;
      while (k >= 0 && fold(b.get(i + k)) == lower[k]) k--;
      if (k < 0) return true;
      i += shift[b.get(i + n - 1) & 0xff];
    }
    return false;
  }

  private byte fold(byte c) { return ignoreCase && c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c; }
}

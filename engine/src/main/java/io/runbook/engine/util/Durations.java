package io.runbook.engine.util;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints durations the way operators write them: 500ms, 30s, 5m, 1h30m, 2d, or ISO-8601 (PT30S). */
public final class Durations {
  /**
   * The longest duration accepted anywhere (timeouts, waits, backoffs, duration parameters and literals): beyond it a
   * value is a typo, and far beyond it the deadline arithmetic overflows.
   */
  public static final Duration MAX = Duration.ofDays(365);

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) throw new IllegalArgumentException("empty duration");
    Duration total = t.startsWith("P") || t.startsWith("p") ? iso(text, t) : parts(text, t);
    if (total.isNegative()) throw new IllegalArgumentException("'" + text + "' is negative; a duration is 0 or more");
    return total;
  }

  private static Duration iso(String text, String t) {
    try {
      return withinMax(text, Duration.parse(t.toUpperCase()));
    } catch (java.time.format.DateTimeParseException e) {
      // Duration.parse reports a number too big for it as a parse error, caused by the overflow.
      if (e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException) throw tooLong(text);
      throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 30s, 5m, 1h30m or PT30S");
    }
  }

  private static Duration parts(String text, String t) {
    Matcher m = PART.matcher(t);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < t.length() && m.find(at) && m.start() == at) {
      // More digits than any unit needs to pass MAX: too long, and parsing them could overflow a long.
      if (m.group(1).length() > 12) throw tooLong(text);
      long n = Long.parseLong(m.group(1));
      total = withinMax(text, total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      }));
      at = m.end();
    }
    if (at != t.length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 30s, 5m, 1h30m or PT30S");
    }
    return total;
  }

  private static Duration withinMax(String text, Duration d) {
    if (d.compareTo(MAX) > 0) throw tooLong(text);
    return d;
  }

  private static IllegalArgumentException tooLong(String text) {
    return new IllegalArgumentException("'" + text + "' is longer than " + format(MAX) + ", the longest duration accepted");
  }

  /** Short human form: 1h2m3s, 450ms. */
  public static String format(Duration d) {
    if (d.toMillis() < 1000) return d.toMillis() + "ms";
    StringBuilder b = new StringBuilder();
    long s = d.getSeconds();
    if (s >= 86400) { b.append(s / 86400).append('d'); s %= 86400; }
    if (s >= 3600) { b.append(s / 3600).append('h'); s %= 3600; }
    if (s >= 60) { b.append(s / 60).append('m'); s %= 60; }
    if (s > 0 || b.length() == 0) b.append(s).append('s');
    return b.toString();
  }
}

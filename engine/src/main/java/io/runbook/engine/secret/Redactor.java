package io.runbook.engine.secret;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replaces every secret value resolved so far with {@code ***} in any text bound for console, log, journal or plan.
 *
 * <p>Besides the value itself it masks the forms in which the engine, a database or a host may print it: JSON
 * escaped, backslash escaped (SQL string literals, MariaDB error messages), single-quoted for a POSIX shell, URL
 * encoded (as Java's URLEncoder and as RFC 3986 percent-encoding do it), base64 and base64url encoded (at any
 * alignment), and the hex of its UTF-8 bytes (lower and upper case). And it masks any {@value #FRAGMENT}
 * characters in a row of those forms, so that a secret cut short (a server that truncates the statement it echoes,
 * a line split by the program that printed it, a buffer limit) does not show its first or last part. Pieces shorter
 * than that, and forms not listed (encryption, upper case, a secret spelled out character by character), are not
 * recognised.
 */
public final class Redactor {
  public static final String MASK = "***";
  /** The shortest run of a secret's characters that is masked on its own. */
  public static final int FRAGMENT = 8;

  private final Set<String> secrets = ConcurrentHashMap.newKeySet();
  /** Forms no longer than {@link #FRAGMENT}: masked where they occur whole. */
  private final Set<String> shortForms = ConcurrentHashMap.newKeySet();
  /** Every {@link #FRAGMENT}-character piece of every longer form. */
  private final Set<String> pieces = ConcurrentHashMap.newKeySet();

  public void register(String secretValue) {
    // The empty value would match everywhere. (A very short secret masks ordinary text wherever it occurs: safe, if noisy.)
    if (secretValue == null || secretValue.isEmpty() || !secrets.add(secretValue)) return;
    for (String form : forms(secretValue)) {
      if (form.length() <= FRAGMENT) {
        shortForms.add(form);
      } else {
        for (int i = 0; i + FRAGMENT <= form.length(); i++) pieces.add(form.substring(i, i + FRAGMENT));
      }
    }
  }

  /** Whether {@code text} holds a secret (or a piece of one) that {@link #redact} would mask. */
  public boolean holdsSecret(String text) {
    return text != null && !secrets.isEmpty() && mask(text) != null;
  }

  public String redact(String text) {
    if (text == null || secrets.isEmpty()) return text;
    boolean[] masked = mask(text);
    if (masked == null) return text;
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (!masked[i]) {
        out.append(text.charAt(i));
      } else if (i == 0 || !masked[i - 1]) {
        out.append(MASK);
      }
    }
    return out.toString();
  }

  /** Which characters of {@code text} belong to a secret; null when none does. */
  private boolean[] mask(String text) {
    boolean[] masked = null;
    for (String s : shortForms) {
      for (int at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) {
        if (masked == null) masked = new boolean[text.length()];
        for (int k = at; k < at + s.length(); k++) masked[k] = true;
      }
    }
    if (!pieces.isEmpty()) {
      for (int i = 0; i + FRAGMENT <= text.length(); i++) {
        if (pieces.contains(text.substring(i, i + FRAGMENT))) {
          if (masked == null) masked = new boolean[text.length()];
          for (int k = i; k < i + FRAGMENT; k++) masked[k] = true;
        }
      }
    }
    return masked;
  }

  /** The value as it is printed by the places a secret goes: JSON, SQL, a shell, a URL, base64, hex. */
  static Set<String> forms(String v) {
    Set<String> out = new LinkedHashSet<>();
    out.add(v);
    out.add(new String(JsonStringEncoder.getInstance().quoteAsString(v)));
    String sql = v.replace("\\", "\\\\").replace("'", "\\'");
    out.add(sql);
    out.add(sql.replace("\"", "\\\""));
    out.add(v.replace("'", "'\\''"));
    String url = URLEncoder.encode(v, StandardCharsets.UTF_8);
    out.add(url);
    out.add(url.replace("+", "%20"));
    byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
    out.add(percentEncoded(bytes));
    String hex = java.util.HexFormat.of().formatHex(bytes);
    out.add(hex);
    out.add(hex.toUpperCase(java.util.Locale.ROOT));
    for (Base64.Encoder encoder : List.of(Base64.getEncoder().withoutPadding(), Base64.getUrlEncoder().withoutPadding())) {
      for (int shift = 0; shift < 3; shift++) {
        // The same bytes after `shift` others: the characters that depend only on the secret's bytes.
        byte[] shifted = new byte[shift + bytes.length];
        System.arraycopy(bytes, 0, shifted, shift, bytes.length);
        String b64 = encoder.encodeToString(shifted);
        int from = shift == 0 ? 0 : 4;
        int to = ((shift + bytes.length) / 3) * 4;
        if (to - from >= FRAGMENT || shift == 0) out.add(b64.substring(from, shift == 0 ? b64.length() : to));
      }
    }
    out.remove("");
    return out;
  }

  /**
   * RFC 3986 percent-encoding (curl, Go, JavaScript's encodeURIComponent, most URL builders): only ALPHA, DIGIT and
   * {@code - . _ ~} stay, everything else is {@code %XX}. Differs from URLEncoder on space, {@code *} and {@code ~}.
   */
  private static String percentEncoded(byte[] bytes) {
    StringBuilder b = new StringBuilder(bytes.length * 3);
    for (byte x : bytes) {
      char c = (char) (x & 0xff);
      boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~';
      if (unreserved) b.append(c);
      else b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
          .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
    }
    return b.toString();
  }
}

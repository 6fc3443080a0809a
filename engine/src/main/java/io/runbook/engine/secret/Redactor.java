package io.runbook.engine.secret;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Replaces every secret value resolved so far with {@code ***} in any text bound for console, log, journal or plan. */
public final class Redactor {
  public static final String MASK = "***";
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  /**
   * Registers a secret and the forms it takes on the wire, which come back in the errors of servers and SDKs that
   * repeat a request: URL-encoded (a form body such as an OAuth token request, or a query) and JSON-escaped.
   */
  public void register(String secretValue) {
    // Very short values would mask ordinary text everywhere; a secret that short is refused at resolution.
    if (secretValue == null || secretValue.isEmpty()) return;
    secrets.add(secretValue);
    String form = URLEncoder.encode(secretValue, StandardCharsets.UTF_8);
    secrets.add(form);
    secrets.add(form.replace("+", "%20").replace("%7E", "~"));
    secrets.add(new String(JsonStringEncoder.getInstance().quoteAsString(secretValue)));
  }

  public String redact(String text) {
    if (text == null || secrets.isEmpty()) return text;
    String out = text;
    // Longest first: one form may hold another (a secret with a backslash, and its JSON form).
    for (String s : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      if (out.contains(s)) out = out.replace(s, MASK);
    }
    return out;
  }
}

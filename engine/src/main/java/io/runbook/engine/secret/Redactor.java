package io.runbook.engine.secret;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Replaces every secret value resolved so far with {@code ***} in any text bound for console, log, journal or plan. */
public final class Redactor {
  public static final String MASK = "***";
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  public void register(String secretValue) {
    // Very short values would mask ordinary text everywhere; a secret that short is refused at resolution.
    if (secretValue != null && !secretValue.isEmpty()) secrets.add(secretValue);
  }

  public String redact(String text) {
    if (text == null || secrets.isEmpty()) return text;
    String out = text;
    for (String s : secrets) {
      if (out.contains(s)) out = out.replace(s, MASK);
    }
    return out;
  }
}

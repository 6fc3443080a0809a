package io.runbook.engine.secret;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Set;

/**
 * A reference to a secret ({@code env:NAME}, {@code file:PATH}, {@code keyvault:VAULT/NAME}); never the value.
 * Only references are written to journals, plans and logs.
 */
public record SecretRef(String scheme, String name) {
  public static final Set<String> SCHEMES = Set.of("env", "file", "keyvault");

  @JsonCreator
  public static SecretRef parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1 || !SCHEMES.contains(text.substring(0, colon))) {
      throw new IllegalArgumentException(
          "a secret must be a reference like env:NAME, file:PATH or keyvault:VAULT/NAME, never the value itself");
    }
    return new SecretRef(text.substring(0, colon), text.substring(colon + 1));
  }

  public static boolean looksLikeRef(String text) {
    try { parse(text); return true; } catch (IllegalArgumentException e) { return false; }
  }

  @JsonValue
  @Override
  public String toString() { return scheme + ":" + name; }
}

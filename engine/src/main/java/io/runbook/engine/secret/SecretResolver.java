package io.runbook.engine.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.runbook.engine.util.FileErrors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Resolves {@code env:} and {@code file:} references and registers each value with the run's {@link Redactor}. */
public final class SecretResolver {
  private final Redactor redactor;
  private final Map<String, String> env;

  public SecretResolver(Redactor redactor) { this(redactor, System.getenv()); }

  public SecretResolver(Redactor redactor, Map<String, String> env) {
    this.redactor = redactor;
    this.env = env;
  }

  public Redactor redactor() { return redactor; }

  /** The value of a reference; the message of a failure names the reference, never a value. */
  public String resolve(SecretRef ref) {
    String value = switch (ref.scheme()) {
      case "env" -> {
        String v = env.get(ref.name());
        if (v == null) throw new IllegalStateException("secret " + ref + ": environment variable " + ref.name() + " is not set");
        yield v;
      }
      case "file" -> {
        try {
          yield Files.readString(Path.of(expandHome(ref.name())), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          throw new IllegalStateException("secret " + ref + ": cannot read the file: " + FileErrors.describe(e));
        }
      }
      default -> throw new IllegalStateException(
          "secret " + ref + ": the " + ref.scheme() + " provider is not available in this build; use env: or file:");
    };
    redactor.register(value);
    return value;
  }

  /**
   * Resolves the local references among {@code refs} ({@code env:}, {@code file:}) only so that their values are
   * redacted from the first line of output on: a step may print a password (a host's config file, a tool's
   * debug output) before the step that uses it ran. A reference that cannot be resolved is left for the step that
   * needs it to report.
   */
  public void registerAhead(Collection<SecretRef> refs) {
    for (SecretRef ref : refs) {
      if (!ref.scheme().equals("env") && !ref.scheme().equals("file")) continue;
      try {
        resolve(ref);
      } catch (IllegalStateException reportedByTheStepThatNeedsIt) {
        // nothing to register
      }
    }
  }

  /**
   * Resolves every local reference ({@code env:}, {@code file:}) of {@code byPlace} now, registering each value;
   * returns what could not be read, each naming its place ({@code hosts.db1.db.password}) and why.
   */
  public List<String> readNow(java.util.Map<String, SecretRef> byPlace) {
    List<String> unreadable = new ArrayList<>();
    byPlace.forEach((place, ref) -> {
      if (!ref.scheme().equals("env") && !ref.scheme().equals("file")) return;
      try {
        resolve(ref);
      } catch (IllegalStateException e) {
        unreadable.add(place + ": " + e.getMessage());
      }
    });
    return unreadable;
  }

  static String expandHome(String path) {
    return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
  }
}

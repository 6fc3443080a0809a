package io.runbook.steps.core;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The one quoting function for POSIX shells: a word that needs it is wrapped in single quotes. */
public final class ShellQuote {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private ShellQuote() {}

  public static String quote(String word) {
    if (!word.isEmpty() && SAFE.matcher(word).matches()) return word;
    return "'" + word.replace("'", "'\"'\"'") + "'";
  }

  /** An argument list as one shell command line. */
  public static String join(List<String> argv) {
    return argv.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
  }
}

package io.runbook.steps.process;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one shell-quoting function for commands that go through a remote POSIX shell: every argument is wrapped in
 * single quotes (inside which the shell interprets nothing) and each embedded single quote becomes {@code '\''}.
 */
public final class PosixShell {
  private PosixShell() {}

  /** One argument as a single shell word that the shell passes on verbatim. */
  public static String quote(String arg) {
    if (!arg.isEmpty() && arg.chars().allMatch(PosixShell::isPlain)) return arg;
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /** An argument list as one command line for {@code sh}; each element arrives as exactly one argument. */
  public static String join(List<String> argv) {
    return argv.stream().map(PosixShell::quote).collect(Collectors.joining(" "));
  }

  // Characters that mean nothing to a POSIX shell in any position; everything else gets quoted.
  private static boolean isPlain(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == ',' || c == '+' || c == '@' || c == '%';
  }
}

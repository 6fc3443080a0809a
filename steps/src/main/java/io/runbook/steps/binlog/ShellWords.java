package io.runbook.steps.binlog;

import java.util.List;
import java.util.stream.Collectors;

/** Quotes words for showing a command as a shell line (plans, messages); processes are started without a shell. */
final class ShellWords {
  private ShellWords() {}

  static String quote(String w) {
    return w.matches("[A-Za-z0-9_./:=@%+,-]+") ? w : "'" + w.replace("'", "'\\''") + "'";
  }

  static String join(List<String> words) { return words.stream().map(ShellWords::quote).collect(Collectors.joining(" ")); }
}

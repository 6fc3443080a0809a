package io.runbook.steps.process;

import java.util.Arrays;
import java.util.List;

/** The end of a failed command's output, for its failure message: what an operator reads first. */
public final class OutputTail {
  private OutputTail() {}

  /**
   * {@code ": "} and the last three non-blank lines of stderr (of stdout when stderr is blank), joined with
   * {@code " | "}; empty when there is no output.
   */
  public static String of(String stdout, String stderr) {
    String text = stderr.isBlank() ? stdout : stderr;
    List<String> lines = Arrays.stream(text.strip().split("\n")).filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) return "";
    return ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
  }
}

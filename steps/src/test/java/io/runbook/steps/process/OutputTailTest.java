package io.runbook.steps.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OutputTailTest {
  @Test
  void lastThreeNonBlankLinesOfStderrElseStdout() {
    assertEquals(": b | c | d", OutputTail.of("out\n", "a\nb\n\nc\nd\n"));
    assertEquals(": only out", OutputTail.of("only out\n", " \n"));
    assertEquals("", OutputTail.of("", ""));
  }
}

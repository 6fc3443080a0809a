package io.runbook.steps.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PosixShellTest {
  @Test
  void plainWordsStayReadableEverythingElseIsSingleQuoted() {
    assertEquals("systemctl stop mariadb.service", PosixShell.join(List.of("systemctl", "stop", "mariadb.service")));
    assertEquals("''", PosixShell.quote(""));
    assertEquals("'a b'", PosixShell.quote("a b"));
    assertEquals("'it'\\''s'", PosixShell.quote("it's"));
    assertEquals("'$(id)'", PosixShell.quote("$(id)"));
    assertEquals("'*'", PosixShell.quote("*"));
    assertEquals("'~'", PosixShell.quote("~"));
  }

  @Test
  void aWordWithAnEqualsSignIsQuotedSoItCannotBecomeAnAssignment() {
    assertEquals("'A=1' true", PosixShell.join(List.of("A=1", "true")));
  }
}

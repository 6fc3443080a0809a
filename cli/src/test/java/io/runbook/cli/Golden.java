package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated text with a checked-in file. To accept a deliberate change, regenerate the files with
 * {@code mvn -o -pl cli -am test -Dtest='Plan*Test,Schema*Test' -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true}
 * and review the diff.
 */
final class Golden {
  private Golden() {}

  static void check(Path file, String actual) throws Exception {
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, actual);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file) : "";
    assertEquals(expected, actual, file + " is stale; regenerate it with -Dgolden.update=true (see Golden) and review the diff");
  }
}

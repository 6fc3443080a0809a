package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.steps.db.EngineAccount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/database-account.md prints exactly {@link EngineAccount}'s list, which the sandbox grants its engine account
 * (but the speed-only SUPER), so every sandbox test runs the shipped runbooks with the documented privileges only.
 */
class DatabaseAccountDocTest {
  static final Path DOC = Path.of("..").resolve(EngineAccount.DOC);

  @Test
  void theDocsGrantStatementsAreTheListTheSandboxGrants() throws Exception {
    List<String> lines = Files.readAllLines(DOC);
    List<String> grants = lines.stream().filter(l -> l.startsWith("GRANT ") && l.contains("'runbook'@'%'"))
        .map(l -> l.substring(0, l.length() - 1)).toList();
    assertEquals(EngineAccount.documentedGrants("runbook", "%"), grants,
        "the GRANT statements in " + EngineAccount.DOC + " (required first, then the optional ones in order)");
  }

  @Test
  void theDocExplainsEveryPrivilegeWithTheListsWords() throws Exception {
    List<String> lines = Files.readAllLines(DOC);
    List<String> expected = new ArrayList<>();
    for (EngineAccount.Privilege p : EngineAccount.REQUIRED) expected.add("| `" + p.name() + "` | " + p.why() + " |");
    for (EngineAccount.Extra e : EngineAccount.OPTIONAL) expected.add("| `" + EngineAccount.names(e.privileges()) + "` | " + e.when() + " |");
    List<String> rows = lines.stream().filter(l -> l.startsWith("| `")).toList();
    assertEquals(expected, rows, "the tables of " + EngineAccount.DOC);
  }

  @Test
  void theReadmeLinksIt() throws Exception {
    assertTrue(Files.readString(Path.of("../README.md")).contains("(" + EngineAccount.DOC + ")"), "README links the doc");
  }
}

package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.registry.StepRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/steps/ is what the step types generate now: one page per type and an index, nothing else. Regenerate with
 * {@code mvn -o -pl cli -am test -Dtest=StepDocsTest -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true}.
 */
class StepDocsTest {
  static final Path DOCS = Path.of("..", "docs", "steps").toAbsolutePath().normalize();

  @Test
  void theStepReferenceIsNotStale() throws Exception {
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    Map<String, String> pages = StepDocs.pages(registry);
    assertEquals(registry.names().size() + 1, pages.size());
    for (var e : pages.entrySet()) Golden.check(DOCS.resolve(e.getKey()), e.getValue());
    Set<String> present;
    try (Stream<Path> s = Files.list(DOCS)) {
      present = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    if (Boolean.getBoolean("golden.update")) {
      for (String f : present) if (!pages.containsKey(f)) Files.delete(DOCS.resolve(f));
    } else {
      assertEquals(new TreeSet<>(pages.keySet()), present, "docs/steps holds a page per step type and nothing else");
    }
    String exec = pages.get("core.exec.md");
    assertTrue(exec.contains("| `command` | list<string> | yes |"), exec);
    assertTrue(exec.contains("| `effect` | one of READS, CHANGES, DESTROYS | no | `CHANGES` |"), exec);
    assertTrue(exec.contains("- effect: **CHANGES** (by default"), exec);
  }
}

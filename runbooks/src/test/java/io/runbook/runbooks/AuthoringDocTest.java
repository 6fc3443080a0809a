package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/authoring.md: every ```yaml block is a complete runbook that validates against the example inventory (the
 * blocks are written side by side first, so a caller finds its callee by path).
 */
class AuthoringDocTest {
  static final Path DOC = Path.of("../docs/authoring.md");
  static final Pattern BLOCK = Pattern.compile("(?ms)^```yaml\\n(.*?)^```");
  static final Pattern NAME = Pattern.compile("(?m)^runbook: (\\S+)");

  @Test
  void everyYamlExampleIsAValidRunbook(@TempDir Path dir) throws Exception {
    Map<String, Path> files = new LinkedHashMap<>();
    Matcher m = BLOCK.matcher(Files.readString(DOC));
    while (m.find()) {
      Matcher name = NAME.matcher(m.group(1));
      assertTrue(name.find(), "every yaml example is a whole runbook (runbook: NAME):\n" + m.group(1));
      Path file = dir.resolve(name.group(1) + ".yaml");
      Files.writeString(file, m.group(1));
      assertTrue(files.put(name.group(1), file) == null, "two examples are named " + name.group(1));
    }
    assertEquals(List.of("replica-check", "replicas-read-only", "safe-stop", "maintenance-window", "open-primary"),
        List.copyOf(files.keySet()), "the examples the walk-through shows");

    Inventory inv = InventoryLoader.load(Path.of("inventories/azure-example.yaml"));
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      try {
        Runbook rb = RunbookLoader.load(e.getValue(), ShippedRunbooksValidateTest.REGISTRY, Optional.of(inv));
        if (e.getKey().equals("open-primary")) assertEquals(4, rb.verify().size(), "open-primary's verify checks (sql, sql, that, use)");
        if (e.getKey().equals("maintenance-window")) assertEquals("safe-stop", rb.callees().get("stop").name());
      } catch (ValidationException ex) {
        for (Problem p : ex.problems()) problems.add(e.getKey() + ": " + p.pos() + ": " + p.message());
      }
    }
    if (!problems.isEmpty()) fail(problems.stream().collect(Collectors.joining("\n")));
  }
}

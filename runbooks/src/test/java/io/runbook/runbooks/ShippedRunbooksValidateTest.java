package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped runbook validates with the real step registry, on its own and against the example Azure inventory. */
class ShippedRunbooksValidateTest {
  static final Path DIR = Path.of(".");
  static final List<String> SHIPPED = List.of(
      "dr-snapshot-restore", "dr-pitr", "dr-backup-disk", "planned-shutdown", "planned-startup", "backup-disk-refresh");
  static final StepRegistry REGISTRY = StepRegistry.load(ShippedRunbooksValidateTest.class.getClassLoader());

  static Stream<String> shipped() { return SHIPPED.stream(); }

  @Test
  void theRegistryLoadsWithoutProblems() {
    assertEquals(List.of(), REGISTRY.problems());
  }

  @Test
  void exactlyTheShippedRunbooksAreInTheFolder() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      List<String> found = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - 5)).sorted().collect(Collectors.toList());
      assertEquals(SHIPPED.stream().sorted().collect(Collectors.toList()), found);
    }
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void validatesAgainstTheAzureInventory(String name) throws ValidationException {
    Inventory inv = InventoryLoader.load(DIR.resolve("inventories/azure-example.yaml"));
    try {
      Runbook rb = RunbookLoader.load(DIR.resolve(name + ".yaml"), REGISTRY, Optional.of(inv));
      assertEquals(name, rb.name());
      assertTrue(rb.summary().isPresent() && !rb.summary().get().isBlank(), name + " has a summary");
      rb.params().values().forEach(p -> assertTrue(p.description().isPresent(), name + ": param " + p.name() + " has a description"));
    } catch (ValidationException e) {
      fail(name + ":\n" + e.problems().stream().map(p -> p.pos() + ": " + p.message()).collect(Collectors.joining("\n")));
    }
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void carriesTheSchemaLineAndHasADocsPage(String name) throws IOException {
    String text = Files.readString(DIR.resolve(name + ".yaml"));
    assertTrue(text.startsWith("# yaml-language-server: $schema=../schemas/runbook.schema.json\n"), name + " starts with the schema line");
    Path page = DIR.resolve("../docs/runbooks/" + name + ".md");
    assertTrue(Files.isRegularFile(page), "docs page " + page);
    String readme = Files.readString(DIR.resolve("../README.md"));
    assertTrue(readme.contains("docs/runbooks/" + name + ".md"), "README links " + name);
  }
}

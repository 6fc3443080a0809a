package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped runbook validates with the real step registry, on its own and against the example Azure inventory;
 * so does every part (runbooks/parts/), and the shipped runbooks call the parts instead of repeating them.
 */
class ShippedRunbooksValidateTest {
  static final Path DIR = Path.of(".");
  static final List<String> SHIPPED = List.of(
      "dr-snapshot-restore", "dr-pitr", "dr-backup-disk", "planned-shutdown", "planned-startup", "backup-disk-refresh");
  static final StepRegistry REGISTRY = StepRegistry.load(ShippedRunbooksValidateTest.class.getClassLoader());

  /** The shared pieces, each written once and called with use: runbook (docs/runbooks/parts.md). */
  static final List<String> PARTS = List.of("safe-stop", "swap-data-disk", "relink-replicas", "data-disk-check", "remove-donor", "fence-check",
      "non-innodb-check", "old-timeline");

  /** SQL that reads the tables' engines from information_schema.TABLES: what non-innodb-check does. */
  static final Pattern LISTS_ENGINES = Pattern.compile("(?is)information_schema\\.TABLES\\b.*\\bENGINE\\b");

  static Stream<String> shipped() { return SHIPPED.stream(); }

  static Stream<String> parts() { return PARTS.stream(); }

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

  @Test
  void exactlyThePartsAreInThePartsFolder() throws IOException {
    try (Stream<Path> s = Files.list(DIR.resolve("parts"))) {
      List<String> found = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - 5)).sorted().collect(Collectors.toList());
      assertEquals(PARTS.stream().sorted().collect(Collectors.toList()), found);
    }
  }

  @ParameterizedTest
  @MethodSource("parts")
  void aPartValidatesAloneAndIsDocumented(String name) throws Exception {
    Inventory inv = InventoryLoader.load(DIR.resolve("inventories/azure-example.yaml"));
    Path file = DIR.resolve("parts/" + name + ".yaml");
    try {
      Runbook rb = RunbookLoader.load(file, REGISTRY, Optional.of(inv));
      assertEquals(name, rb.name());
      assertTrue(rb.summary().isPresent() && !rb.summary().get().isBlank(), name + " has a summary");
      assertFalse(rb.outputs().isEmpty(), name + " declares what a caller sees (outputs:)");
      rb.params().values().forEach(p -> assertTrue(p.description().isPresent(), name + ": param " + p.name() + " has a description"));
    } catch (ValidationException e) {
      fail(name + ":\n" + e.problems().stream().map(p -> p.pos() + ": " + p.message()).collect(Collectors.joining("\n")));
    }
    assertTrue(Files.readString(file).startsWith("# yaml-language-server: $schema=../../schemas/runbook.schema.json\n"));
    assertTrue(Files.readString(DIR.resolve("../docs/runbooks/parts.md")).contains("## " + name + "\n"), "parts.md documents " + name);
  }

  /** What the parts do is written once: the shipped runbooks call them instead of repeating their steps. */
  @ParameterizedTest
  @MethodSource("shipped")
  void theSharedProceduresAreOnlyInTheParts(String name) throws Exception {
    Runbook rb = RunbookLoader.load(DIR.resolve(name + ".yaml"), REGISTRY);
    List<StepDecl> own = new java.util.ArrayList<>();
    collect(rb.steps(), own);
    for (StepDecl s : own) {
      String use = s.use().orElse("");
      assertFalse(List.of("db.replica.link", "db.drain", "db.shutdown").contains(use), name + ": step " + s.id()
          + " (" + use + ") belongs in a part");
      assertFalse(use.equals("cloud.vm.attach-disk") && Boolean.TRUE.equals(s.with().get("replaceExisting")),
          name + ": step " + s.id() + " swaps a data disk: call swap-data-disk");
      assertFalse(use.equals("cloud.vm.status") && s.with().containsKey("lun"),
          name + ": step " + s.id() + " reads the disk at the data LUN: call data-disk-check");
      assertFalse(LISTS_ENGINES.matcher(String.valueOf(s.with())).find(),
          name + ": step " + s.id() + " reads the tables' engines: call non-innodb-check");
    }
    List<String> calls = own.stream().filter(Runbook::isCall).map(s -> String.valueOf(s.with().get("name"))).toList();
    List<String> expected = switch (name) {
      case "planned-shutdown" -> List.of("safe-stop");
      // fence-check twice: the primary, then each rebuilt replica (dr-pitr: and the donor in between)
      case "dr-snapshot-restore", "dr-backup-disk" ->
          List.of("data-disk-check", "old-timeline", "fence-check", "fence-check", "safe-stop", "swap-data-disk", "non-innodb-check",
              "swap-data-disk", "relink-replicas");
      // remove-donor three times: an earlier run's leftover donor (-p leftoverDonor), when the cut is not found (before
      // the primary changes) and at the clean-up
      case "dr-pitr" -> List.of("data-disk-check", "old-timeline", "fence-check", "fence-check", "fence-check", "remove-donor", "remove-donor", "safe-stop",
          "swap-data-disk", "non-innodb-check", "swap-data-disk", "relink-replicas", "remove-donor");
      default -> List.of();
    };
    assertEquals(expected, calls, name + " calls the parts");
    for (String part : calls) {
      assertTrue(rb.callees().values().stream().anyMatch(c -> c.name().equals(part)
          && c.source().toAbsolutePath().normalize().equals(DIR.resolve("parts/" + part + ".yaml").toAbsolutePath().normalize())),
          name + " calls the shipped " + part + ", found by name next to it");
    }
  }

  private static void collect(List<StepDecl> steps, List<StepDecl> out) {
    for (StepDecl s : steps) {
      out.add(s);
      collect(s.steps(), out);
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

  /**
   * dr-pitr's beforeMatch is typed regex: a pattern that does not compile is a parameter error (exit 2, nothing
   * planned), not a precondition that fails once the run has started.
   */
  @Test
  void drPitrRefusesABeforeMatchThatIsNoRegexBeforePlanning() {
    InProcessCli.Out out = InProcessCli.run(List.of("plan", "--offline", "-i", "inventories/azure-example.yaml",
        "dr-pitr.yaml", "-p", "beforeMatch=DROP TABLE (orders", "-p", "bracketAt=2026-11-25T02:30:00Z"));
    assertEquals(2, out.exit(), out.text());
    assertTrue(out.text().contains("parameter 'beforeMatch': 'DROP TABLE (orders' is not a valid regular expression:"
        + " Unclosed group at the end"), out.text());
    assertTrue(out.text().contains("nothing was planned"), out.text());
  }
}

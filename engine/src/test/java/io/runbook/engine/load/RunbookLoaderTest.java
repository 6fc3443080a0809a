package io.runbook.engine.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.testtypes.Note;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbookLoaderTest {
  static final Path RESTORE = Path.of("src/test/resources/valid/restore.yaml");
  @TempDir Path tmp;

  @Test
  void loadsTheModelWithPositions() throws Exception {
    Inventory inv = InventoryLoader.load(Path.of("src/test/resources/valid/inventory.yaml"));
    Runbook rb = RunbookLoader.load(RESTORE, Note.registry(), Optional.of(inv));
    assertEquals("dr-snapshot-restore", rb.name());
    assertEquals(List.of("at", "primary", "replicas", "mode", "wait", "token"), List.copyOf(rb.params().keySet()));
    assertEquals(Optional.of("now"), rb.params().get("at").defaultValue());
    assertEquals(List.of("fast", "safe"), rb.params().get("mode").values());
    assertTrue(rb.params().get("token").secret());
    assertEquals(64, rb.sha256().length());

    StepDecl swap = rb.steps().get(2);
    assertEquals("swap", swap.id());
    assertEquals(Optional.of("test.vm.attach-disk"), swap.use());
    assertEquals(9L, swap.with().get("lun"));
    assertEquals(true, swap.with().get("replaceExisting"));
    assertEquals(3, swap.retry().attempts());
    assertEquals(Duration.ofSeconds(10), swap.retry().backoff());
    assertEquals(Optional.of(Duration.ofMinutes(10)), swap.timeout());
    assertEquals("${{ !steps.db-state.running }}", swap.require().get(0).that());
    assertEquals("never swap the disk under a running server", swap.require().get(0).because());
    String file = RESTORE.toString();
    assertEquals(new SourcePos(file, 17, 5), swap.pos());
    assertEquals(new SourcePos(file, 19, 10), swap.posOf("on"));       // inside the quotes
    assertEquals(new SourcePos(file, 21, 20), swap.posOf("with.disk"));
    assertEquals(new SourcePos(file, 21, 59), swap.posOf("with.lun"));
    assertEquals(new SourcePos(file, 23, 16), swap.require().get(0).pos());

    StepDecl relink = rb.steps().get(3);
    assertTrue(relink.isGroup());
    assertEquals(Optional.of("${{ params.replicas }}"), relink.foreach());
    assertEquals(Optional.of("replica"), relink.as());
    assertTrue(relink.parallel());
    assertEquals(2, relink.maxParallel());
    assertEquals(List.of("replica-state", "say"), relink.steps().stream().map(StepDecl::id).toList());
    assertEquals(List.of("${{ replica }}", "relink"), relink.steps().get(1).with().get("tags"));
    assertTrue(relink.steps().get(1).positions().containsKey("with.tags[1]"));
    assertEquals(0, rb.steps().get(0).maxParallel());
    assertEquals(1, rb.steps().get(0).retry().attempts());
  }

  @Test
  void parseKeepsShapeChecksOnly() throws Exception {
    Path f = tmp.resolve("rb.yaml");
    Files.writeString(f, "runbook: x\nsteps:\n  - id: a\n    use: no.such.type\n");
    assertEquals("no.such.type", RunbookLoader.parse(f).steps().get(0).use().orElseThrow());
    ValidationException e = assertThrows(ValidationException.class, () -> RunbookLoader.load(f, Note.registry()));
    assertTrue(e.getMessage().contains(f + ":4:10: step 'a': unknown step type 'no.such.type'"), e.getMessage());
  }

  @Test
  void foreachAsAYamlListBecomesAListLiteral() throws Exception {
    Path f = tmp.resolve("rb.yaml");
    Files.writeString(f, "runbook: x\nsteps:\n  - id: each\n    foreach: [db1, \"it's\", 3]\n    as: h\n"
        + "    use: test.note\n    with: { message: \"${{ string(h) }}\" }\n");
    assertEquals(Optional.of("['db1', 'it\\'s', 3]"), RunbookLoader.load(f, Note.registry()).steps().get(0).foreach());
  }

  @Test
  void refusesHugeFilesAndEmptyOnes() throws Exception {
    Path big = tmp.resolve("big.yaml");
    Files.writeString(big, "runbook: x\ndescription: \"" + "x".repeat(3 * 1024 * 1024) + "\"\nsteps: []\n");
    ValidationException e = assertThrows(ValidationException.class, () -> RunbookLoader.parse(big));
    assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    Path empty = tmp.resolve("empty.yaml");
    Files.writeString(empty, "# nothing\n");
    e = assertThrows(ValidationException.class, () -> RunbookLoader.parse(empty));
    assertTrue(e.getMessage().contains(empty + ":1:1: the file is empty"), e.getMessage());
    Path two = tmp.resolve("two.yaml");
    Files.writeString(two, "runbook: a\n---\nrunbook: b\n");
    e = assertThrows(ValidationException.class, () -> RunbookLoader.parse(two));
    assertTrue(e.getMessage().contains(two + ":2:1: YAML"), e.getMessage());
  }

  @Test
  void inventoryHostsAreNamedByTheirKeys() throws Exception {
    Inventory inv = InventoryLoader.load(Path.of("src/test/resources/valid/inventory.yaml"));
    assertEquals("staging", inv.inventory());
    assertEquals(List.of("db1", "db2"), List.copyOf(inv.hosts().keySet()));
    assertEquals("db1", inv.host("db1").orElseThrow().name());
    assertEquals(9, inv.host("db1").orElseThrow().dataDisk().orElseThrow().lun());
    assertEquals("env:DB1_PASSWORD", inv.host("db1").orElseThrow().db().orElseThrow().password().orElseThrow().toString());
    assertTrue(inv.host("db2").orElseThrow().transport().isLocal());
    assertEquals(Map.of(), Inventory.EMPTY.hosts());
  }
}

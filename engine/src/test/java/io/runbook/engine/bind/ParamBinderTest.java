package io.runbook.engine.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.testtypes.Note;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParamBinderTest {
  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  @TempDir Path tmp;

  static Runbook runbook() throws Exception {
    return RunbookLoader.load(Path.of("src/test/resources/valid/params-runbook.yaml"), Note.registry());
  }

  static Inventory inventory() throws Exception {
    return InventoryLoader.load(Path.of("src/test/resources/valid/inventory.yaml"));
  }

  @Test
  void defaultsAreTyped() throws Exception {
    Map<String, Object> v = ParamBinder.bind(runbook(), Map.of("primary", "db1"), Optional.empty(), inventory(), NOW);
    assertEquals(NOW, v.get("at"));
    assertEquals("db1", v.get("primary"));
    assertEquals(List.of(), v.get("replicas"));
    assertEquals("safe", v.get("mode"));
    assertEquals(Duration.ofMinutes(5), v.get("wait"));
    assertEquals(2L, v.get("count"));
    assertEquals("nightly", v.get("label"));
    assertEquals("env:RB_TOKEN", v.get("token"));
  }

  @Test
  void cliValuesAreConverted() throws Exception {
    Map<String, Object> v = ParamBinder.bind(runbook(), Map.of("primary", "db1", "at", "2026-11-24T10:00:00+01:00",
        "replicas", "db2, db1", "wait", "PT1H", "count", "7", "mode", "fast", "token", "file:/etc/token"),
        Optional.empty(), inventory(), NOW);
    assertEquals(Instant.parse("2026-11-24T09:00:00Z"), v.get("at"));
    assertEquals(List.of("db2", "db1"), v.get("replicas"));
    assertEquals(Duration.ofHours(1), v.get("wait"));
    assertEquals(7L, v.get("count"));
    assertEquals("fast", v.get("mode"));
    assertEquals("file:/etc/token", v.get("token"));
  }

  @Test
  void cliWinsOverTheFileWhichWinsOverDefaults() throws Exception {
    Path file = tmp.resolve("p.yaml");
    Files.writeString(file, "primary: db2\ncount: 5\nreplicas: [db1]\nat: now\n");
    Map<String, Object> v = ParamBinder.bind(runbook(), Map.of("count", "9"), Optional.of(file), inventory(), NOW);
    assertEquals("db2", v.get("primary"));
    assertEquals(9L, v.get("count"));
    assertEquals(List.of("db1"), v.get("replicas"));
    assertEquals(NOW, v.get("at"));
  }

  /** The run-started record keeps an optional parameter without a value as null; resume binds it from that file. */
  @Test
  void aNullInTheFileIsAnOptionalParameterWithoutAValue() throws Exception {
    Path rb = tmp.resolve("optional.yaml");
    Files.writeString(rb, """
        runbook: optional-params
        params:
          cut:   { type: timestamp }
          label: { type: string, default: nightly }
          need:  { type: string, required: true }
        steps:
          - id: hello
            use: test.note
            with: { message: "hello" }
        """);
    Path file = tmp.resolve("resume-params.json");
    Files.writeString(file, "{\"cut\":null,\"label\":null,\"need\":\"x\"}");
    Map<String, Object> v = ParamBinder.bind(RunbookLoader.load(rb, Note.registry()), Map.of(), Optional.of(file),
        inventory(), NOW);
    assertTrue(v.containsKey("cut"));
    assertEquals(null, v.get("cut"));
    assertEquals("nightly", v.get("label"));
    assertEquals("x", v.get("need"));

    Files.writeString(file, "{\"cut\":null,\"need\":null}");
    ValidationException e = assertThrows(ValidationException.class, () -> ParamBinder.bind(
        RunbookLoader.load(rb, Note.registry()), Map.of(), Optional.of(file), inventory(), NOW));
    assertTrue(e.getMessage().contains("parameter 'need' is required"), e.getMessage());
  }

  @Test
  void everyProblemNamesItsParameter() throws Exception {
    ValidationException e = assertThrows(ValidationException.class, () -> ParamBinder.bind(runbook(),
        Map.of("primary", "db7", "count", "two", "label", "UPPER", "modee", "fast", "token", "s3cr3t-value"),
        Optional.empty(), inventory(), NOW));
    String all = e.getMessage();
    assertTrue(all.contains("parameter 'primary': 'db7' is not a host of inventory 'staging'"), all);
    assertTrue(all.contains("parameter 'count': must be an int"), all);
    assertTrue(all.contains("parameter 'label': 'UPPER' does not match the pattern"), all);
    assertTrue(all.contains("parameter 'modee' is not declared by runbook params-check (did you mean 'mode'?)"), all);
    assertTrue(all.contains("parameter 'token': is secret"), all);
    assertFalse(all.contains("s3cr3t-value"), all);
    assertEquals(5, e.problems().size(), all);
  }

  @Test
  void hostsAreOnlyCheckedWhenThereIsAnInventory() throws Exception {
    Map<String, Object> v = ParamBinder.bind(runbook(), Map.of("primary", "anywhere"), Optional.empty(), Inventory.EMPTY, NOW);
    assertEquals("anywhere", v.get("primary"));
  }

  @Test
  void paramTypesParse() {
    assertEquals("list<host>", ParamType.parse("list< host >").orElseThrow().toString());
    assertTrue(ParamType.parse("list<list<int>>").isEmpty());
    assertTrue(ParamType.parse("float").isEmpty());
    assertEquals(" (did you mean 'timestamp'?)", ParamType.suggest("timestmp"));
  }

  @Test
  void aRegexParameterMustCompileAndKeepsItsText() throws Exception {
    Path file = tmp.resolve("regex.yaml");
    Files.writeString(file, """
        runbook: regex-param
        params:
          match: { type: regex }
          more:  { type: list<regex>, default: [] }
        steps:
          - id: a
            use: test.note
            with: { message: "${{ params.match }}" }
        """);
    Runbook rb = RunbookLoader.load(file, Note.registry());
    Map<String, Object> v = ParamBinder.bind(rb, Map.of("match", "DROP\\s+TABLE"), Optional.empty(), Inventory.EMPTY, NOW);
    assertEquals("DROP\\s+TABLE", v.get("match"), "a string, as written");

    ValidationException e = assertThrows(ValidationException.class, () -> ParamBinder.bind(rb,
        Map.of("match", "DROP(", "more", "ok, [a-"), Optional.empty(), Inventory.EMPTY, NOW));
    String all = e.getMessage();
    assertTrue(all.contains("parameter 'match': 'DROP(' is not a valid regular expression: Unclosed group at the end"), all);
    assertTrue(all.contains("parameter 'more': item 2 '[a-' is not a valid regular expression"), all);
    assertEquals(2, e.problems().size(), all);
    assertEquals(" (did you mean 'regex'?)", ParamType.suggest("regexp"));
  }
}

package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.runbook.engine.journal.Json;
import io.runbook.engine.registry.StepRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The checked-in schemas are what the step types generate now, and every shipped and example runbook (and example
 * inventory) passes them. Regenerate stale schemas with
 * {@code mvn -o -pl cli -am test -Dtest=SchemaTest -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true}.
 */
class SchemaTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final StepRegistry REGISTRY = StepRegistry.load(Main.class.getClassLoader());

  @Test
  void theCheckedInSchemasAreNotStale() throws Exception {
    Golden.check(ROOT.resolve("schemas/runbook.schema.json"), SchemaCommand.generate(SchemaCommand.Kind.runbook, REGISTRY));
    Golden.check(ROOT.resolve("schemas/inventory.schema.json"), SchemaCommand.generate(SchemaCommand.Kind.inventory, REGISTRY));
  }

  static Schema schema(String name) throws Exception {
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
        .getSchema(Files.readString(ROOT.resolve("schemas").resolve(name)));
  }

  static JsonNode yaml(Path file) throws Exception {
    Object plain = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    return Json.MAPPER.valueToTree(plain);
  }

  static List<Path> files(String kind) throws Exception {
    List<Path> out = new ArrayList<>();
    for (Path dir : List.of(ROOT.resolve("runbooks"))) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path f : s.filter(p -> p.toString().endsWith(".yaml") && !p.toString().contains("/target/")
            && !p.toString().contains("/src/test/")).sorted().toList()) {
          if (RunbookFiles.kindOf(f).name().equalsIgnoreCase(kind)) out.add(f);
        }
      }
    }
    return out;
  }

  @Test
  void everyShippedAndExampleRunbookPassesTheSchema() throws Exception {
    Schema schema = schema("runbook.schema.json");
    List<Path> runbooks = files("runbook");
    assertTrue(runbooks.size() >= 4, "found the runbooks: " + runbooks);
    for (Path f : runbooks) {
      List<Error> errors = schema.validate(yaml(f));
      assertEquals(List.of(), errors.stream().map(Error::toString).toList(), f.toString());
      assertTrue(Files.readString(f).startsWith("# yaml-language-server: $schema="), f + " names its schema for editors");
    }
    List<Path> inventories = new ArrayList<>(files("inventory"));
    inventories.add(ROOT.resolve("engine/src/test/resources/valid/inventory.yaml"));
    for (Path f : inventories) {
      assertEquals(List.of(), schema("inventory.schema.json").validate(yaml(f)).stream().map(Error::toString).toList(),
          f.toString());
    }
  }

  @Test
  void theSchemaChecksEachStepsWithAgainstItsOwnType() throws Exception {
    Schema schema = schema("runbook.schema.json");
    JsonNode typo = Json.MAPPER.readTree("""
        {"runbook": "x", "steps": [
          {"id": "a", "use": "core.log", "with": {"mesage": "hi"}},
          {"id": "b", "use": "core.exec", "with": {"command": ["true"], "effect": "SOMETIMES"}},
          {"id": "c", "use": "core.sleep"},
          {"id": "d", "use": "core.sleep", "with": {"duration": "${{ params.wait }}"}},
          {"id": "e", "use": "core.exec", "with": {"command": ["true"], "timeout": "${{ params.t }}", "allowExitCodes": "${{ params.codes }}"}}
        ]}""");
    List<String> errors = schema.validate(typo).stream().map(Error::toString).toList();
    assertTrue(errors.stream().anyMatch(e -> e.contains("/steps/0/with") && e.contains("mesage")), errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.contains("/steps/1/with/effect")), errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.contains("/steps/2") && e.contains("with")), errors.toString());
    assertFalse(errors.stream().anyMatch(e -> e.contains("/steps/3") || e.contains("/steps/4")), "templates are accepted: " + errors);
  }
}

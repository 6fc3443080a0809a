package io.runbook.steps.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.StepType;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The db step types are registered and describe themselves completely (schemas and docs are generated from this). */
class DbStepTypesTest {
  private static final Map<String, Effect> EXPECTED = new TreeMap<>(Map.ofEntries(
      Map.entry("db.query", Effect.READS), Map.entry("db.exec", Effect.CHANGES), Map.entry("db.wait", Effect.READS),
      Map.entry("db.status", Effect.READS), Map.entry("db.config.check", Effect.READS),
      Map.entry("db.read-only", Effect.CHANGES), Map.entry("db.drain", Effect.CHANGES),
      Map.entry("db.shutdown", Effect.DESTROYS), Map.entry("db.replica.link", Effect.CHANGES),
      Map.entry("db.replica.stop", Effect.CHANGES), Map.entry("db.replica.promote", Effect.CHANGES),
      Map.entry("db.replica.restart", Effect.CHANGES),
      Map.entry("db.gtid.from-backup", Effect.READS), Map.entry("db.gtid.restore-binlog-state", Effect.DESTROYS),
      Map.entry("db.checksum", Effect.READS), Map.entry("db.replica.check", Effect.READS)));

  @Test
  void allAreFoundByServiceLoaderWithTheirEffects() {
    StepRegistry registry = StepRegistry.load(getClass().getClassLoader());
    assertEquals(List.of(), registry.problems());
    for (var e : EXPECTED.entrySet()) {
      StepType<?, ?> t = registry.find(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey() + " is not registered"));
      assertEquals(e.getValue(), t.effect(), t.name());
      assertEquals(!t.name().equals("db.gtid.from-backup"), t.needsHost(), t.name() + " needsHost");
    }
  }

  @Test
  void inputsAndOutputsAreDocumentedRecords() {
    StepRegistry registry = StepRegistry.load(getClass().getClassLoader());
    for (String name : EXPECTED.keySet()) {
      StepType<?, ?> t = registry.find(name).orElseThrow();
      assertNotNull(t.getClass().getAnnotation(Doc.class), name + " has no @Doc");
      for (Class<?> type : List.of(t.inputType(), t.outputType())) {
        assertTrue(type.isRecord(), type + " is a record");
        assertNotNull(type.getAnnotation(Doc.class), type + " has no @Doc");
        for (RecordComponent c : type.getRecordComponents()) {
          assertNotNull(c.getAnnotation(Doc.class), type.getName() + "." + c.getName() + " has no @Doc");
        }
      }
    }
  }
}

package io.runbook.steps.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.StepType;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binlog step types are found through META-INF/services and document every input and output. */
class BinlogStepTypesTest {

  @Test
  void registeredWithTheirEffects() {
    StepRegistry registry = StepRegistry.load(getClass().getClassLoader());
    Map<String, Effect> expected = Map.of("binlog.find-cut", Effect.READS, "binlog.inspect", Effect.READS,
        "binlog.replay", Effect.CHANGES);
    expected.forEach((name, effect) -> {
      StepType<?, ?> type = registry.find(name).orElseThrow(() -> new AssertionError(name + " not registered"));
      assertEquals(effect, type.effect(), name);
      for (Class<?> record : new Class<?>[] {type.inputType(), type.outputType()}) {
        assertTrue(record.isAnnotationPresent(Doc.class), record + " lacks @Doc");
        for (RecordComponent c : record.getRecordComponents()) {
          assertTrue(c.isAnnotationPresent(Doc.class), record.getSimpleName() + "." + c.getName() + " lacks @Doc");
        }
      }
    });
    assertTrue(registry.find("binlog.replay").get().needsHost(), "replay acts on the on: server");
  }
}

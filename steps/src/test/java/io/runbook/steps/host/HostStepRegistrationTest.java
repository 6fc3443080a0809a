package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.StepType;
import java.lang.reflect.RecordComponent;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostStepRegistrationTest {
  private static final List<String> HOST_STEPS = List.of("host.exec", "host.copy", "host.file.write", "host.file.read",
      "host.mount", "host.unmount", "host.mount.check", "host.mount.boot-check", "host.systemd.mount-dependency",
      "db.service.start", "db.service.stop", "db.service.status");

  @Test
  void everyHostStepTypeIsRegisteredAndDocumented() {
    StepRegistry registry = StepRegistry.load(getClass().getClassLoader());
    assertEquals(List.of(), registry.problems());
    for (String name : HOST_STEPS) {
      StepType<?, ?> type = registry.find(name).orElseThrow(() -> new AssertionError(name + " is not registered"));
      assertNotNull(type.getClass().getAnnotation(Doc.class), name + " has no @Doc");
      for (Class<?> record : List.of(type.inputType(), type.outputType())) {
        assertTrue(record.isRecord(), name + ": " + record + " is not a record");
        assertNotNull(record.getAnnotation(Doc.class), name + ": " + record.getSimpleName() + " has no @Doc");
        for (RecordComponent c : record.getRecordComponents()) {
          assertNotNull(c.getAnnotation(Doc.class), name + ": " + record.getSimpleName() + "." + c.getName() + " has no @Doc");
        }
      }
    }
  }
}

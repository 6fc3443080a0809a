package com.example.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAppendTest {
  @TempDir Path dir;

  final FileAppend step = new FileAppend();

  @Test
  void appendsOneLineAndCountsTheLines() throws Exception {
    Path file = dir.resolve("notes.txt");
    try (StandaloneStepContext ctx = StandaloneStepContext.builder().runDir(dir).build()) {
      assertEquals(1, step.run(new FileAppend.Input(file.toString(), "first"), ctx).lines());
      assertEquals(2, step.run(new FileAppend.Input(file.toString(), "second"), ctx).lines());
      assertEquals(List.of("first", "second"), Files.readAllLines(file));
      assertEquals(Reconciled.Status.DONE, step.reconcile(new FileAppend.Input(file.toString(), "second"), ctx).status());
      assertEquals(Reconciled.Status.NOT_DONE, step.reconcile(new FileAppend.Input(file.toString(), "third"), ctx).status());
    }
  }

  @Test
  void refusesALineBreak() {
    try (StandaloneStepContext ctx = StandaloneStepContext.builder().runDir(dir).build()) {
      StepFailure f = assertThrows(StepFailure.class,
          () -> step.run(new FileAppend.Input(dir.resolve("x").toString(), "a\nb"), ctx));
      assertEquals(false, f.retryable());
    }
  }
}

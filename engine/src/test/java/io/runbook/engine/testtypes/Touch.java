package io.runbook.engine.testtypes;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test-only: a step with a visible side effect. Planning or running it creates the marker file
 * {@code <runbook.test.markers>/<marker>.planned} or {@code .ran}, so a test proves a refused runbook reached
 * neither (the folder is the system property {@value #MARKERS}; without it nothing is written).
 */
@Doc("Create a marker file")
public final class Touch implements StepType<Touch.Input, Touch.Output> {
  public static final String MARKERS = "runbook.test.markers";

  public record Input(@Doc("the marker's name") String marker) {}

  public record Output(String path) {}

  public String name() { return "test.touch"; }
  public Class<Input> inputType() { return Input.class; }
  public Class<Output> outputType() { return Output.class; }
  public Effect effect() { return Effect.CHANGES; }

  public Plan plan(Input in, StepContext ctx) {
    touch(in.marker() + ".planned");
    return Plan.command("local", "touch " + in.marker());
  }

  public Output run(Input in, StepContext ctx) { return new Output(String.valueOf(touch(in.marker() + ".ran"))); }

  private static Path touch(String name) {
    String dir = System.getProperty(MARKERS);
    if (dir == null) return null;
    try {
      return Files.writeString(Path.of(dir).resolve(name), "touched\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

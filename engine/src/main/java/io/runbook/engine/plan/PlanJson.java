package io.runbook.engine.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.runbook.engine.journal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A plan document as JSON (the structure in docs/plan-format.md) and back. */
public final class PlanJson {
  private PlanJson() {}

  public static String write(PlanDocument plan) {
    try {
      return Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(plan) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the plan as JSON: " + e.getMessage(), e);
    }
  }

  /** Reads a plan written by {@link #write}; a file that is not one fails with a message naming it. */
  public static PlanDocument read(Path file) throws IOException {
    try {
      PlanDocument plan = Json.MAPPER.readValue(Files.readString(file), PlanDocument.class);
      if (plan.runbook() == null || plan.steps() == null) throw new IOException(file + " is not a plan written by runbook plan --out");
      return plan;
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not a plan written by runbook plan --out: " + e.getOriginalMessage());
    }
  }
}

package io.runbook.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.journal.Json;
import io.runbook.engine.plan.PlanCheck;
import io.runbook.engine.plan.PlanDocument;
import io.runbook.engine.plan.PlanJson;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.Runs;
import io.runbook.engine.run.StateDir;
import io.runbook.engine.util.FileErrors;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code run --plan PLAN.json}: the run must be the one that was reviewed. */
final class ReviewedPlan {
  private ReviewedPlan() {}

  /**
   * The plan's run id when the run may start (the run takes it, so names derived from it are the reviewed ones);
   * otherwise says what differs and returns empty (the caller exits 2). Warns about changed READS results.
   */
  static Optional<String> check(Path planFile, RunbookArgs.Loaded l, StepRegistry registry, Console console) {
    PlanDocument reviewed;
    try {
      reviewed = PlanJson.read(planFile);
    } catch (IOException e) {
      console.error("cannot read the plan " + planFile + ": " + whyNotAPlan(planFile, e) + "; nothing was run",
          "give --plan the file that runbook plan ... --out FILE wrote (and that was reviewed)");
      return Optional.empty();
    }
    List<String> refusals = PlanCheck.refusals(reviewed, l.runbook().sha256(), l.given(),
        l.inventoryFile().map(Runs::sha256));
    if (!refusals.isEmpty()) {
      console.error("this run is not the one planned in " + planFile + ":\n  " + String.join("\n  ", refusals)
          + "\nnothing was run", "plan again and review the new plan: runbook plan ... --out " + planFile);
      return Optional.empty();
    }
    if (!reviewed.readResults().isEmpty()) {
      try {
        PlanDocument now = PlanCommand.make(l, registry, false, reviewed.runId(), Instant.now(), console.notes());
        for (String change : PlanCheck.changedReads(reviewed, now)) {
          console.warning("since the plan was reviewed, " + change);
        }
      } catch (IOException e) {
        console.warning("could not compare the READS results with the plan: " + e.getMessage());
      }
    }
    if (!StateDir.isRunId(reviewed.runId())) {
      console.error(planFile + " names no valid run id", "plan again");
      return Optional.empty();
    }
    return Optional.of(reviewed.runId());
  }

  /**
   * Why {@code file} could not be read as a plan, in words (no class names): the file system's reason, or what is
   * wrong with its JSON, looked at again here (only on this rare path) for its position or the field at fault.
   */
  static String whyNotAPlan(Path file, IOException e) {
    if (Files.isDirectory(file)) return "it is a directory, not a plan file";
    if (e instanceof FileSystemException) return FileErrors.describe(e);
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(Files.readString(file));
    } catch (JsonProcessingException j) {
      JsonLocation at = j.getLocation();
      return "it is not JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    } catch (CharacterCodingException c) {
      return "it is not text (UTF-8)";
    } catch (IOException io) {
      return FileErrors.describe(io);
    }
    String notOne = ", not a plan written by runbook plan --out";
    if (tree == null || tree.isMissingNode()) return "it is empty" + notOne;
    if (!tree.isObject()) return "it holds a JSON " + tree.getNodeType().name().toLowerCase(Locale.ROOT) + notOne;
    if (!tree.hasNonNull("runbook") || !tree.hasNonNull("steps")) return "it has no runbook or no steps" + notOne;
    try {
      Json.MAPPER.treeToValue(tree, PlanDocument.class);
    } catch (JsonMappingException m) {
      String field = m.getPath().stream()
          .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining()).replaceFirst("^\\.", "");
      if (!field.isEmpty()) return "its field '" + field + "' is not what runbook plan --out writes there (docs/plan-format.md)";
    } catch (JsonProcessingException ignored) {
      // Said below in general terms.
    }
    return "it is not a plan written by runbook plan --out";
  }
}

package io.runbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.JournalWriter;
import io.runbook.engine.journal.Json;
import io.runbook.engine.journal.RunHistory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.Runs;
import io.runbook.engine.run.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run as its journal recorded it, read back for {@code runbook verify}: how it ended, and its runbook, inventory
 * and parameters loaded again from the files the run-started record names (as resume finds them). Parameters are
 * bound as they were given; secret ones still hold their references.
 */
record RecordedRun(String runId, Path runDir, String status, Runbook runbook, Inventory inventory,
                   Map<String, Object> params, List<String> changed) {

  /** Why a run cannot be read back: the message and what to do, for {@link Console#error}. */
  static final class Unreadable extends Exception {
    final String hint;

    Unreadable(String message, String hint) {
      super(message);
      this.hint = hint;
    }
  }

  boolean succeeded() { return "succeeded".equals(status); }

  /** The run, or why not: no such run, an unreadable journal, a runbook or inventory that no longer loads. */
  static RecordedRun read(StateDir state, String runId, StepRegistry registry) throws Unreadable {
    Path runDir = state.runDir(runId);
    Path journal = runDir.resolve(JournalWriter.FILE_NAME);
    if (!StateDir.isRunId(runId) || !Files.isRegularFile(journal)) {
      throw new Unreadable("no run " + runId + " in " + state.runs(), "list them with: runbook runs (or check --state-dir)");
    }
    RunHistory h;
    try {
      h = RunHistory.fold(JournalReader.read(journal).records());
    } catch (IOException | RuntimeException e) {
      throw new Unreadable("cannot read the journal of run " + runId + ": " + e.getMessage(), null);
    }
    JournalRecord begin = h.started();
    List<String> changed = new ArrayList<>();
    Inventory inventory = Inventory.EMPTY;
    JsonNode inv = begin.get("inventory");
    if (inv != null && !inv.isNull()) {
      Path invPath = Path.of(inv.get("path").asText());
      try {
        inventory = InventoryLoader.load(invPath);
      } catch (ValidationException e) {
        throw new Unreadable("the inventory of run " + runId + ", " + invPath + ", is no longer valid:\n" + e.getMessage(), null);
      } catch (RuntimeException e) {
        throw new Unreadable("cannot read the inventory of run " + runId + ", " + invPath + ": " + e.getMessage(), null);
      }
      if (!Runs.sha256(invPath).equals(inv.get("sha256").asText())) changed.add("the inventory " + invPath);
    }
    Path rbPath = Path.of(begin.get("runbook").get("path").asText());
    Runbook rb;
    try {
      rb = RunbookLoader.load(rbPath, registry, inv == null || inv.isNull() ? Optional.empty() : Optional.of(inventory));
    } catch (ValidationException e) {
      throw new Unreadable("the runbook of run " + runId + ", " + rbPath + ", is no longer valid:\n" + e.getMessage(), null);
    } catch (RuntimeException e) {
      throw new Unreadable("cannot read the runbook of run " + runId + ", " + rbPath + ": " + e.getMessage(), null);
    }
    if (!rb.sha256().equals(begin.get("runbook").get("sha256").asText())) changed.add(0, "the runbook " + rbPath);
    return new RecordedRun(runId, runDir, RunReport.status(h), rb, inventory,
        params(runId, rb, begin, inventory), changed);
  }

  /** The parameters as the run-started record holds them, bound again as resume binds them (a params file). */
  private static Map<String, Object> params(String runId, Runbook rb, JournalRecord begin, Inventory inventory)
      throws Unreadable {
    Path file = null;
    try {
      // A file of its own, not in the run folder: verify reads a run, it does not add to it.
      file = Files.createTempFile("runbook-verify-params-", ".json");
      JsonNode given = begin.get("params");
      Files.writeString(file, given == null || given.isNull() ? "{}" : Json.MAPPER.writeValueAsString(given));
      return ParamBinder.bind(rb, Map.of(), Optional.of(file), inventory, Instant.parse(begin.text("at")));
    } catch (ValidationException e) {
      throw new Unreadable("the parameters of run " + runId + " no longer fit its runbook:\n" + e.getMessage(), null);
    } catch (IOException e) {
      throw new Unreadable("cannot read the parameters of run " + runId + ": " + e.getMessage(), null);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a file in the temporary folder
        }
      }
    }
  }
}

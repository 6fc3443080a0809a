package io.runbook.engine.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.bind.Values;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.JournalWriter;
import io.runbook.engine.journal.Json;
import io.runbook.engine.journal.RunHistory;
import io.runbook.engine.model.Require;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The variables a runbook's {@code outputs:} and {@code verify:} see after a run, rebuilt from the run's journal:
 * the runbook is walked again with every journaled step answered from its recorded outputs (typed again through
 * its output record), so foreach items, groups and called runbooks land in the scope exactly as during the run.
 * Steps that did not succeed have no outputs; expressions over them fail when evaluated.
 */
public final class JournalReplay {
  private final List<JournalRecord> records;
  private final RunHistory history;

  private JournalReplay(List<JournalRecord> records) {
    this.records = records;
    this.history = RunHistory.fold(records);
  }

  /** Reads the journal of the run in {@code runDir}. */
  public static JournalReplay of(Path runDir) throws IOException {
    return new JournalReplay(JournalReader.read(runDir.resolve(JournalWriter.FILE_NAME)).records());
  }

  /** Every record of the journal, in order. */
  public List<JournalRecord> records() { return records; }

  /** The folded state of each step. */
  public RunHistory history() { return history; }

  /** When the run started (its first record). */
  public Instant startedAt() { return Instant.parse(history.started().text("at")); }

  /** The variables after the last step: params, hosts, cloud, run and steps. */
  public Map<String, Object> endVars(Runbook rb, StepRegistry registry, Inventory inventory, Map<String, Object> params) {
    String runId = history.started().text("runId");
    Scope scope = Scope.forRun(inventory, params, runId, startedAt());
    StepWalker walker = new StepWalker(registry, inventory, new Replay(registry), new Cancellation());
    try {
      walker.walk(rb, scope);
    } catch (RunStopped e) {
      // The replay visitor never stops the walk; a cancellation cannot happen on a fresh Cancellation.
      throw new IllegalStateException(e);
    }
    return scope.vars();
  }

  /** Outputs from the journal, typed again through the step's output record so that times stay times. */
  static Object typedOutputs(StepRegistry registry, StepDecl decl, JsonNode outputs, Consumer<String> note) {
    if (outputs == null || outputs.isNull() || decl.use().isEmpty()) return new LinkedHashMap<String, Object>();
    Optional<StepType<?, ?>> type = registry.find(decl.use().get());
    try {
      if (type.isPresent()) return Values.of(Json.MAPPER.treeToValue(outputs, type.get().outputType()));
    } catch (Exception e) {
      note.accept("outputs of " + decl.id() + " could not be typed again (" + e.getMessage() + "); kept as JSON");
    }
    return Values.of(Json.MAPPER.convertValue(outputs, Object.class));
  }

  /** Answers every step from the journal; runs nothing. */
  private final class Replay implements StepVisitor {
    private final StepRegistry registry;

    Replay(StepRegistry registry) { this.registry = registry; }

    @Override
    public Prior prior(String path, StepDecl decl) {
      Optional<RunHistory.StepStanding> standing = history.step(path);
      if (standing.isEmpty()) return Prior.SKIPPED;
      return switch (standing.get().state()) {
        case SUCCEEDED -> Prior.done(typedOutputs(registry, decl, standing.get().outputs(), m -> { }));
        case SKIPPED -> Prior.SKIPPED;
        default -> Prior.SKIPPED; // failed or never finished: no outputs to offer
      };
    }

    @Override public void skipped(String path, StepDecl decl, String reason) {}
    @Override public void precondition(String path, Require require, boolean holds, Because because) {}
    @Override public void cannotPrepare(String path, StepDecl decl, String message) {}
    @Override public Object execute(BoundStep step) { return null; }
  }
}

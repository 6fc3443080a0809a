package io.runbook.engine.run;

import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.JournalWriter;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs runbooks through the real loader, binder and executor, with test step types and a captured console. */
final class RunHarness {
  final Path dir;
  final StepRegistry registry;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();
  Operator operator = Operator.NONE;
  boolean yes;
  Map<String, String> env = Map.of();
  Cancellation cancellation = new Cancellation();
  Path runbookFile;

  RunHarness(Path dir, StepType<?, ?>... types) {
    this.dir = dir;
    this.registry = StepRegistry.ofTypes(types);
  }

  Runbook write(String yaml) throws Exception {
    runbookFile = dir.resolve("runbook.yaml");
    Files.writeString(runbookFile, yaml);
    return RunbookLoader.load(runbookFile, registry);
  }

  RunOutcome start(String yaml, Map<String, String> params) throws Exception {
    Runbook rb = write(yaml);
    Map<String, Object> bound = ParamBinder.bind(rb, params, Optional.empty(), Inventory.EMPTY, Instant.now());
    return runs().start(new Runs.Start(rb, Optional.empty(), Inventory.EMPTY, bound));
  }

  RunOutcome start(String yaml) throws Exception { return start(yaml, Map.of()); }

  RunOutcome resume(String runId, Runs.Decisions decisions) {
    return runs().resume(runId, decisions);
  }

  Runs runs() {
    return new Runs(new Runs.Settings(new StateDir(dir.resolve("state")), new PrintStream(console, true,
        StandardCharsets.UTF_8), operator, cancellation, env, yes), registry);
  }

  List<JournalRecord> journal(String runId) throws Exception {
    return JournalReader.read(dir.resolve("state/runs").resolve(runId).resolve(JournalWriter.FILE_NAME)).records();
  }

  /** "type step" for each record, e.g. "step-succeeded a". */
  List<String> events(String runId) throws Exception {
    return journal(runId).stream().map(r -> r.type() + (r.step() == null ? "" : " " + r.step())).toList();
  }

  String consoleText() { return console.toString(StandardCharsets.UTF_8); }
}

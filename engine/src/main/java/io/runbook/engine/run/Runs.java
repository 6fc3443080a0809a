package io.runbook.engine.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.bind.Values;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.journal.Json;
import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.JournalWriter;
import io.runbook.engine.journal.RunHistory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.lock.RunLock;
import io.runbook.engine.lock.TargetLocks;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.secret.Redactor;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.secret.SecretRefs;
import io.runbook.engine.secret.SecretResolver;
import io.runbook.engine.validate.Validator;
import io.runbook.engine.util.FileErrors;
import io.runbook.engine.util.Sha256;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts and resumes runs: the checks before anything runs, the run folder, the lock, the journal's first
 * and last records, and the walk of the steps with a {@link StepRunner}.
 */
public final class Runs {
  /** What every run of this process shares: where state lives, the console, the operator, Ctrl-C, --yes. */
  public record Settings(StateDir state, PrintStream console, Operator operator, Cancellation cancellation,
                         Map<String, String> env, boolean yes, RunListener listener) {
    /** Settings without a live progress display. */
    public Settings(StateDir state, PrintStream console, Operator operator, Cancellation cancellation,
                    Map<String, String> env, boolean yes) {
      this(state, console, operator, cancellation, env, yes, RunListener.NONE);
    }
  }

  /** A new run: a validated runbook, its inventory (and the file it came from) and bound parameters. */
  public record Start(Runbook runbook, Optional<Path> inventoryFile, Inventory inventory, Map<String, Object> params,
                      Optional<String> runId) {
    /** A run with a new run id. */
    public Start(Runbook runbook, Optional<Path> inventoryFile, Inventory inventory, Map<String, Object> params) {
      this(runbook, inventoryFile, inventory, params, Optional.empty());
    }
  }

  /** The operator's decisions for resume: step paths to assume done, to run again, to approve. */
  public record Decisions(List<String> assumeDone, List<String> rerun, List<String> approve, boolean force) {
    public static final Decisions NONE = new Decisions(List.of(), List.of(), List.of(), false);
  }

  /** The environment variable naming a lock folder shared by several state folders. */
  public static final String LOCK_DIR_VARIABLE = "RUNBOOK_LOCK_DIR";
  private static final String LOCKS_HINT = "check --state-dir (or " + LOCK_DIR_VARIABLE + "): the locks folder must be a"
      + " folder this user can write";

  private final Settings settings;
  private final StepRegistry registry;

  public Runs(Settings settings, StepRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  public RunOutcome start(Start req) {
    Runbook rb = req.runbook();
    Optional<String> refusal = Preflight.check(rb, registry, req.inventoryFile().isPresent(), settings.yes(), settings.operator());
    if (refusal.isPresent()) return RunOutcome.refused(refusal.get(), null);
    Instant now = Instant.now();
    // A reviewed plan fixes the run id, so that names derived from it (a new disk's) are the ones reviewed.
    String runId = req.runId().orElseGet(() -> StateDir.newRunId(now));
    if (req.runId().isPresent() && Files.exists(settings.state().runDir(runId))) {
      return RunOutcome.refused("run " + runId + " of this plan has already been started; a reviewed plan runs once",
          "see it with: runbook show " + runId + "; continue it with: runbook resume " + runId + "; or plan again");
    }
    Redactor redactor = new Redactor();
    SecretResolver secrets = new SecretResolver(redactor, settings.env());
    Map<String, Object> params;
    try {
      params = resolveSecretParams(rb, req.params(), secrets);
    } catch (IllegalStateException e) {
      return RunOutcome.refused(e.getMessage(), "set it, then run again");
    }
    Path runDir = settings.state().runDir(runId);
    ObjectNode started = Json.MAPPER.createObjectNode();
    started.put("runId", runId);
    started.put("pid", ProcessHandle.current().pid());
    ObjectNode runbook = started.putObject("runbook");
    runbook.put("name", rb.name());
    runbook.put("path", rb.source().toAbsolutePath().normalize().toString());
    runbook.put("sha256", rb.sha256());
    started.set("params", Json.redactedTree(Values.of(req.params()), redactor));
    if (req.inventoryFile().isPresent()) {
      ObjectNode inv = started.putObject("inventory");
      inv.put("name", req.inventory().inventory());
      inv.put("path", req.inventoryFile().get().toAbsolutePath().normalize().toString());
      inv.put("sha256", sha256(req.inventoryFile().get()));
    }
    started.put("yes", settings.yes());
    JournalRecord first = JournalRecord.of(JournalRecord.RUN_STARTED, null);
    first.json().setAll(started);
    return execute(rb, req.inventory(), req.inventoryFile().isPresent(), params, runId, now, runDir, redactor,
        secrets, null, null, List.of(first), "run " + runId + ": " + rb.name());
  }

  public RunOutcome resume(String runId, Decisions decisions) {
    if (!StateDir.isRunId(runId)) {
      return RunOutcome.refused("'" + runId + "' is not a run id (like 20261125-171501-ab12)", "list the runs in "
          + settings.state().runs());
    }
    Path runDir = settings.state().runDir(runId);
    Path journalFile = runDir.resolve(JournalWriter.FILE_NAME);
    if (!Files.isRegularFile(journalFile)) {
      return RunOutcome.refused("no run " + runId + " in " + settings.state().runs(), "check --state-dir");
    }
    JournalReader.Contents contents;
    RunHistory history;
    try {
      contents = JournalReader.read(journalFile);
      history = RunHistory.fold(contents.records());
    } catch (IOException | IllegalArgumentException e) {
      return RunOutcome.refused("cannot resume run " + runId + ": " + e.getMessage(), null);
    }
    contents.tornTail().ifPresent(t -> settings.console().println("warning: " + t));
    if (history.finished().map(f -> "succeeded".equals(f.text("status"))).orElse(false)) {
      releaseStaleLock(history.started(), runId);
      String message = "run " + runId + " already succeeded; nothing to do";
      settings.console().println(message);
      return new RunOutcome(runId, runDir, RunStatus.SUCCEEDED, message, null);
    }
    JournalRecord begin = history.started();
    Path runbookPath = Path.of(begin.get("runbook").get("path").asText());
    Runbook rb;
    try {
      rb = RunbookLoader.load(runbookPath, registry);
    } catch (ValidationException e) {
      return RunOutcome.refused("the runbook " + runbookPath + " is no longer valid:\n" + e.getMessage(), null);
    } catch (RuntimeException e) {
      return RunOutcome.refused("cannot read the runbook " + runbookPath + ": " + e.getMessage(), null);
    }
    List<String> changed = new ArrayList<>();
    if (!rb.sha256().equals(begin.get("runbook").get("sha256").asText())) changed.add("the runbook " + runbookPath);
    Inventory inventory = Inventory.EMPTY;
    JsonNode inv = begin.get("inventory");
    if (inv != null && !inv.isNull()) {
      Path invPath = Path.of(inv.get("path").asText());
      try {
        inventory = InventoryLoader.load(invPath);
      } catch (ValidationException e) {
        return RunOutcome.refused("the inventory " + invPath + " is no longer valid:\n" + e.getMessage(), null);
      } catch (RuntimeException e) {
        return RunOutcome.refused("cannot read the inventory " + invPath + ": " + e.getMessage(), null);
      }
      if (!sha256(invPath).equals(inv.get("sha256").asText())) changed.add("the inventory " + invPath);
    }
    if (!changed.isEmpty() && !decisions.force()) {
      return RunOutcome.refused(String.join(" and ", changed) + " changed since run " + runId + " started",
          "review the change; to resume against the changed files anyway: runbook resume " + runId + " --force");
    }
    boolean hasInventory = inv != null && !inv.isNull();
    if (hasInventory) {
      List<Problem> problems = Validator.validate(rb, registry, Optional.of(inventory));
      if (!problems.isEmpty()) {
        return RunOutcome.refused("the runbook does not fit the inventory any more:\n"
            + new ValidationException(problems).getMessage(), null);
      }
    }
    Optional<String> refusal = Preflight.check(rb, registry, hasInventory, settings.yes(), settings.operator());
    if (refusal.isPresent()) return RunOutcome.refused(refusal.get(), null);
    Optional<String> bad = checkDecisions(history, decisions);
    if (bad.isPresent()) return RunOutcome.refused(bad.get(), null);
    Map<String, Object> params;
    Redactor redactor = new Redactor();
    SecretResolver secrets = new SecretResolver(redactor, settings.env());
    Instant startedAt = Instant.parse(begin.text("at"));
    try {
      Path paramsFile = runDir.resolve("resume-params.json");
      Files.writeString(paramsFile, Json.MAPPER.writeValueAsString(begin.get("params")));
      Map<String, Object> bound = ParamBinder.bind(rb, Map.of(), Optional.of(paramsFile), inventory, startedAt);
      params = resolveSecretParams(rb, bound, secrets);
    } catch (ValidationException e) {
      return RunOutcome.refused("the parameters of run " + runId + " no longer fit the runbook:\n" + e.getMessage(), null);
    } catch (IOException | IllegalStateException e) {
      return RunOutcome.refused("cannot resume run " + runId + ": " + e.getMessage(), null);
    }
    List<JournalRecord> opening = new ArrayList<>();
    opening.add(JournalRecord.of(JournalRecord.RUN_RESUMED, null).with("pid", ProcessHandle.current().pid())
        .with("forced", changed.isEmpty() ? null : String.join("; ", changed)));
    decisions.assumeDone().forEach(p -> opening.add(decision(p, RunHistory.ASSUME_DONE)));
    decisions.rerun().forEach(p -> opening.add(decision(p, RunHistory.RERUN)));
    decisions.approve().forEach(p -> opening.add(decision(p, RunHistory.APPROVE)));
    for (String p : RereadAfterRefusal.paths(contents.records())) {
      opening.add(decision(p, RunHistory.RERUN).with("reason", "read again after the precondition refusal"));
    }
    return execute(rb, inventory, hasInventory, params, runId, startedAt, runDir, redactor, secrets,
        history, contents, opening, "resuming run " + runId + ": " + rb.name());
  }

  /** A run that died after its last record left its lock behind: take it over and let it go. */
  private void releaseStaleLock(JournalRecord started, String runId) {
    JsonNode inv = started.get("inventory");
    String target = inv == null || inv.isNull() ? "run-" + runId : inv.get("name").asText();
    try (RunLock lock = RunLock.acquire(locks(), target, runId,
        m -> settings.console().println("warning: " + m))) {
      // acquired and released: nothing else to do
    } catch (RunLock.HeldException | IOException e) {
      // Another live run holds it: that is its lock, not ours.
    }
  }

  /**
   * Where locks live: {@code RUNBOOK_LOCK_DIR} when set, else {@code <state-dir>/locks}. Operators who share a
   * machine but not a state folder (each has ~/.runbook) see each other's runs only through a shared lock folder.
   */
  private Path locks() {
    String dir = settings.env().get(LOCK_DIR_VARIABLE);
    return dir == null || dir.isBlank() ? settings.state().locks() : Path.of(dir);
  }

  private static JournalRecord decision(String path, String what) {
    return JournalRecord.of(JournalRecord.DECISION, path).with("decision", what);
  }

  private static Optional<String> checkDecisions(RunHistory h, Decisions d) {
    List<String> inDoubt = h.stepsIn(RunHistory.State.IN_DOUBT);
    List<String> waiting = h.stepsIn(RunHistory.State.WAITING);
    for (String p : concat(d.assumeDone(), d.rerun())) {
      if (!inDoubt.contains(p)) {
        return Optional.of("step " + p + " is not in doubt in this run; "
            + (inDoubt.isEmpty() ? "no step is" : "in doubt: " + String.join(", ", inDoubt)));
      }
    }
    for (String p : d.approve()) {
      if (!waiting.contains(p)) {
        return Optional.of("step " + p + " is not waiting for approval; "
            + (waiting.isEmpty() ? "no step is" : "waiting: " + String.join(", ", waiting)));
      }
    }
    return Optional.empty();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Which of the files a resume reads back (runbook, inventory) the journal would record with a masked path. */
  private static List<String> maskedSources(JournalRecord started, Redactor redactor) {
    List<String> masked = new ArrayList<>();
    for (String source : List.of("runbook", "inventory")) {
      JsonNode node = started.get(source);
      if (node != null && node.has("path") && redactor.holdsSecret(node.get("path").asText())) masked.add(source + " file");
    }
    return masked;
  }

  private RunOutcome execute(Runbook rb, Inventory inventory, boolean locked, Map<String, Object> params,
                             String runId, Instant startedAt, Path runDir, Redactor redactor, SecretResolver secrets,
                             RunHistory history, JournalReader.Contents earlier, List<JournalRecord> opening,
                             String banner) {
    Cancellation cancellation = settings.cancellation();
    // The inventory's references are read now, before any step: a missing one would otherwise stop the run half-way,
    // at the first step that needs it; and each value read is redacted from the first line of output on.
    List<String> unreadable = secrets.readNow(SecretRefs.byPlace(inventory));
    if (!unreadable.isEmpty()) {
      return RunOutcome.refused("the inventory " + inventory.inventory() + " names secrets that cannot be read; nothing"
          + " was run:\n  " + String.join("\n  ", unreadable.stream().map(Runs::hostFirst).toList()),
          "set each variable or create each file (or correct the reference in the inventory), then "
              + (history == null ? "run again" : "runbook resume " + runId));
    }
    secrets.registerAhead(ReachableSecrets.in(rb, registry));
    if (history == null) {
      List<String> masked = maskedSources(opening.get(0), redactor);
      if (!masked.isEmpty()) {
        return RunOutcome.refused("the path of the " + String.join(" and the ", masked) + " holds a piece of a secret"
            + " value; the journal masks secrets, also in the paths a resume reads back, so this run could not be"
            + " resumed after a stop; nothing was run", "move or rename the file or its folder so that its path holds"
            + " no part of a secret (or change the secret), then run again");
      }
    }
    // One run per inventory at a time; a run without an inventory still locks itself against a second resume.
    String target = locked ? inventory.inventory() : "run-" + runId;
    RunLock lock;
    try {
      lock = RunLock.acquire(locks(), target, runId, m -> settings.console().println("warning: " + m));
    } catch (RunLock.HeldException e) {
      return RunOutcome.refused(e.getMessage(), null);
    } catch (IOException e) {
      return RunOutcome.refused("cannot take the lock " + target + ": " + FileErrors.at(e), LOCKS_HINT);
    }
    // The inventory's name is only a name: another inventory file may call the same VMs and servers otherwise.
    TargetLocks targets;
    try {
      java.util.Set<String> reported = lock.tookOverFrom().map(h -> java.util.Set.of(h.runId())).orElse(java.util.Set.of());
      targets = locked ? TargetLocks.acquire(locks(), inventory, runId, reported,
          m -> settings.console().println("warning: " + m)) : null;
    } catch (RunLock.HeldException e) {
      lock.close();
      return RunOutcome.refused(e.getMessage(), "another inventory names the same VM or server; see: runbook show "
          + e.holder().runId());
    } catch (IOException e) {
      lock.close();
      return RunOutcome.refused("cannot take the locks of inventory " + target + "'s hosts: " + FileErrors.at(e),
          LOCKS_HINT);
    }
    try {
      Files.createDirectories(runDir);
      // Only the lock holder may cut a torn last line: a live writer's line may just be half-way.
      if (earlier != null) JournalReader.dropTornTail(runDir.resolve(JournalWriter.FILE_NAME), earlier);
    } catch (IOException e) {
      if (targets != null) targets.close();
      lock.close();
      return RunOutcome.refused("cannot prepare the run folder " + runDir + ": " + e.getMessage(), "check --state-dir");
    }
    cancellation.markActive();
    try (RunLog log = new RunLog(settings.console(), runDir.resolve("run.log"), redactor, settings.listener());
         SharedResources shared = new SharedResources();
         JournalWriter journal = new JournalWriter(runDir.resolve(JournalWriter.FILE_NAME), redactor, settings.listener())) {
      log.say(banner);
      log.note("state: " + runDir);
      List<String> reread = new ArrayList<>();
      for (JournalRecord r : opening) {
        journal.append(r);
        if (history != null) history.apply(r);
        if (JournalRecord.DECISION.equals(r.type()) && r.text("reason") != null) reread.add(r.step());
      }
      if (!reread.isEmpty()) {
        log.say("reading again (READS since the run's last change; the refusal may have been fixed): " + String.join(", ", reread));
      }
      RunSession session = new RunSession(runId, startedAt, inventory, redactor, secrets, shared, runDir, log, journal,
          Operator.redacting(settings.operator(), redactor), cancellation, settings.yes());
      RunOutcome outcome;
      try (StepRunner runner = new StepRunner(session, registry, history)) {
        new StepWalker(registry, inventory, runner, cancellation, secrets).walk(rb, Scope.forRun(inventory, params,
            runId, startedAt));
        outcome = new RunOutcome(runId, runDir, RunStatus.SUCCEEDED, "run " + runId + " succeeded", null);
      } catch (RunStopped stop) {
        String hint = stop.hint();
        boolean resumable = stop.status() == RunStatus.INTERRUPTED || stop.status() == RunStatus.FAILED;
        if (resumable && (hint == null || !hint.contains("runbook resume"))) {
          hint = (hint == null ? "" : hint + "; then ") + "continue with: runbook resume " + runId;
        }
        outcome = new RunOutcome(runId, runDir, stop.status(), stop.getMessage(), hint);
      } catch (RuntimeException e) {
        log.trace("run " + runId + " stopped by an internal error", e);
        outcome = new RunOutcome(runId, runDir, RunStatus.FAILED, "internal error: " + e,
            "the stack trace is in " + runDir.resolve("run.log") + "; after fixing the cause: runbook resume " + runId);
      }
      journal.append(JournalRecord.of(JournalRecord.RUN_FINISHED, null).with("status", outcome.status().label())
          .with("exitCode", outcome.exitCode()).with("message", outcome.message()));
      report(log, outcome);
      return outcome;
    } catch (IOException | RuntimeException e) {
      return new RunOutcome(runId, runDir, RunStatus.FAILED, "run " + runId + " could not be recorded: " + e.getMessage(),
          "check the state folder " + settings.state().root());
    } finally {
      if (targets != null) targets.close();
      lock.close();
      cancellation.markStopped();
    }
  }

  private static void report(RunLog log, RunOutcome o) {
    if (o.status() == RunStatus.SUCCEEDED) {
      log.say(o.message());
      return;
    }
    log.say(switch (o.status()) {
      case WAITING -> "WAITING: ";
      case INTERRUPTED -> "INTERRUPTED: ";
      case PRECONDITION_FALSE -> "STOPPED: ";
      default -> "FAILED: ";
    } + o.message());
    if (o.hint() != null) log.say("next: " + o.hint());
  }

  /** {@code hosts.db1.db.password: ...} as {@code host db1: db.password: ...}. */
  private static String hostFirst(String problem) {
    if (!problem.startsWith("hosts.")) return problem;
    int dot = problem.indexOf('.', "hosts.".length());
    int colon = problem.indexOf(':');
    if (dot < 0 || dot > colon) return problem;
    return "host " + problem.substring("hosts.".length(), dot) + ": " + problem.substring(dot + 1);
  }

  /** Secret parameters hold references; the scope gets their values, registered for redaction. */
  public static Map<String, Object> resolveSecretParams(Runbook rb, Map<String, Object> params, SecretResolver secrets) {
    Map<String, Object> out = new LinkedHashMap<>(params);
    for (ParamDecl p : rb.params().values()) {
      Object v = out.get(p.name());
      if (!p.secret() || v == null) continue;
      SecretRef ref = v instanceof SecretRef r ? r : SecretRef.looksLikeRef(v.toString()) ? SecretRef.parse(v.toString()) : null;
      if (ref == null) {
        throw new IllegalStateException("parameter '" + p.name() + "' is secret: give a reference like env:NAME or"
            + " file:PATH, never the value");
      }
      try {
        out.put(p.name(), secrets.resolve(ref));
      } catch (IllegalStateException e) {
        throw new IllegalStateException("parameter '" + p.name() + "': " + e.getMessage());
      }
    }
    return out;
  }

  /** The sha256 of a file's bytes, as lowercase hex (runbooks and inventories are identified by it). */
  public static String sha256(Path file) {
    try {
      return Sha256.hex(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
    }
  }

}

package io.runbook.engine.plan;

import io.runbook.engine.bind.Values;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.Require;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.plan.PlanDocument.Check;
import io.runbook.engine.plan.PlanDocument.Disposition;
import io.runbook.engine.plan.PlanDocument.OutputSource;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.Because;
import io.runbook.engine.run.BoundStep;
import io.runbook.engine.run.Cancellation;
import io.runbook.engine.run.RunStatus;
import io.runbook.engine.run.RunStopped;
import io.runbook.engine.run.ReachableSecrets;
import io.runbook.engine.run.Runs;
import io.runbook.engine.run.Scope;
import io.runbook.engine.run.SharedResources;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.run.StepVisitor;
import io.runbook.engine.run.StepWalker;
import io.runbook.engine.secret.Redactor;
import io.runbook.engine.secret.SecretRefs;
import io.runbook.engine.secret.SecretResolver;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dry-run: walks a validated runbook like a run does, but as a {@link StepVisitor} that plans. READS steps
 * really run (unless offline, or all they do is wait) so later steps see real values; CHANGES and DESTROYS steps never run: their
 * {@link StepType#predict} outputs stand in for them, or they are "decided at run time". Conditions that read such
 * undecided values are shown as decided at run time instead of failing.
 */
public final class Planner implements StepVisitor {
  /**
   * What to plan: {@code givenParams} are the values as the operator gave them (recorded for {@code run --plan}),
   * {@code params} the bound values; {@code runId} and {@code at} name the planning run (fixed in tests).
   * {@code scratch} is the run folder READS steps see; {@code log} receives what they log (may be NONE).
   */
  public record Request(Runbook runbook, Optional<Path> inventoryFile, Inventory inventory,
                        Map<String, String> givenParams, Map<String, Object> params, boolean offline, String runId,
                        Instant at, Map<String, String> env, Path scratch, StepLog log) {}

  /** A read of a parameter: {@code params.x} or {@code params['x']} (not {@code with.params.x}). */
  private static final Pattern PARAM_REF = Pattern.compile("(?<![\\w.-])params\\s*(?:\\.\\s*([A-Za-z_][A-Za-z0-9_]*)"
      + "|\\[\\s*['\"]([^'\"]+)['\"]\\s*\\])");

  private static final Pattern STEP_REF = Pattern.compile("steps\\s*(?:\\.\\s*([A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)"
      + "|\\[\\s*['\"]([^'\"]+)['\"]\\s*\\])");

  private final Request req;
  private final StepRegistry registry;
  private final Redactor redactor = new Redactor();
  private final SharedResources shared = new SharedResources();
  /** Targets a planned CHANGES/DESTROYS step acts on, with the first such step. */
  private final Map<String, String> changedTargets = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<Runbook, Map<String, Integer>> declOrder = new java.util.IdentityHashMap<>();
  private final Map<String, List<Check>> checks = new ConcurrentHashMap<>();
  private final Map<String, Boolean> blocked = new ConcurrentHashMap<>();
  private final Set<String> undecidedIds = ConcurrentHashMap.newKeySet();
  /**
   * By the path prefix of each called runbook's steps ({@code call/}, {@code loop[0]/call/}): its params whose values
   * are only known at run time. Every call entered has an entry, so the innermost call decides what {@code params} means.
   */
  private final Map<String, Set<String>> undecidedParams = new ConcurrentHashMap<>();
  /** The {@code as} variables of sketched foreach items (their lists are only known at run time). */
  private final Set<String> sketchedVars = ConcurrentHashMap.newKeySet();
  private final List<PlanDocument.Step> planned = Collections.synchronizedList(new ArrayList<>());
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

  private Planner(Request req, StepRegistry registry) {
    this.req = req;
    this.registry = registry;
    number(req.runbook());
  }

  /** Plans the runbook; nothing that is not READS is executed, and READS only when not offline. */
  public static PlanDocument plan(Request req, StepRegistry registry) {
    Planner p = new Planner(req, registry);
    try (SharedResources ignored = p.shared) {
      return p.walk();
    }
  }

  private PlanDocument walk() {
    Runbook rb = req.runbook();
    Map<String, Object> params = req.params();
    SecretResolver secrets = new SecretResolver(redactor, req.env());
    secrets.registerAhead(SecretRefs.in(req.inventory()));
    secrets.registerAhead(ReachableSecrets.in(rb, registry));
    try {
      params = Runs.resolveSecretParams(rb, params, secrets);
    } catch (IllegalStateException e) {
      problems.add(e.getMessage());
    }
    try {
      // Walk the Runbook (not its step list) so `use: runbook` steps plan their callee's steps nested.
      new StepWalker(registry, req.inventory(), this, new Cancellation(), new SecretResolver(redactor, req.env()))
          .walk(rb, Scope.forRun(req.inventory(), params, req.runId(), req.at()));
    } catch (RunStopped stop) {
      problems.add(stop.getMessage());
    }
    List<PlanDocument.Step> steps = new ArrayList<>(planned);
    steps.sort(Comparator.comparing(s -> orderKey(s.path()), Planner::compareKeys));
    List<PlanDocument.Step> numbered = new ArrayList<>();
    // Redacted again with every secret known by now: a called runbook's secret param fed from an earlier step's
    // output is registered only when the call is reached, after that step was planned.
    for (int i = 0; i < steps.size(); i++) numbered.add(renumber(steps.get(i), i + 1));
    Optional<PlanDocument.InventoryRef> inv = req.inventoryFile().map(f -> new PlanDocument.InventoryRef(
        req.inventory().inventory(), f.toString(), Runs.sha256(f)));
    Map<String, String> given = new LinkedHashMap<>();
    req.givenParams().forEach((k, v) -> given.put(k, redactor.redact(v)));
    @SuppressWarnings("unchecked")
    Map<String, Object> shownParams = (Map<String, Object>) plain(req.params());
    return new PlanDocument(PlanDocument.FORMAT_VERSION, req.runId(), req.at().toString(), req.offline(),
        new PlanDocument.RunbookRef(rb.name(), rb.summary().orElse(""), rb.source().toString(), rb.sha256()),
        given, shownParams, inv, List.copyOf(numbered), problems.stream().map(redactor::redact).toList());
  }

  @Override
  public void skipped(String path, StepDecl decl, String reason) {
    add(path, decl, Disposition.SKIPPED, OutputSource.NONE, reason);
  }

  @Override
  public void precondition(String path, Require require, boolean holds, Because because) {
    // An explanation that reads values only known at run time shows as written, like other unresolved values.
    checks.computeIfAbsent(path, k -> Collections.synchronizedList(new ArrayList<>()))
        .add(new Check("require", require.that(), redactor.redact(because.text()), String.valueOf(holds)));
    if (!holds) blocked.put(path, true);
  }

  @Override
  public boolean sketchForeach(String path, StepDecl decl, String message) {
    if (!readsUndecided(message, path)) return false;
    undecidedIds.add(decl.id());
    sketchedVars.add(decl.as().orElse("item"));
    return true;
  }

  @Override
  public boolean undecided(String path, StepDecl decl, String key, String expression) {
    if (!readsUndecided(expression, path) && !(sketched(path) && readsSketchedItem(expression))) return false;
    String because = decl.require().stream().filter(r -> r.that().equals(expression)).map(Require::because)
        .findFirst().orElse("runs only when this holds");
    checks.computeIfAbsent(path, k -> Collections.synchronizedList(new ArrayList<>()))
        .add(new Check(key, expression, because, Check.RUN_TIME));
    return true;
  }

  @Override
  public void cannotPrepare(String path, StepDecl decl, String message) {
    undecidedIds.add(decl.id());
    boolean runTime = readsUndecided(message, path);
    // the evaluation error ("'steps.vm' has no field 'lunDisk'", with the whole expression) is only the symptom of an
    // output not known yet: a reviewer needs what the step waits for, not the expression
    String note = runTime ? "decided at run time: it depends on " + dependsOn(message, path)
        : sketched(path) ? "decided at run time: it depends on the item, and the list is only known then (" + message + ")"
        : "cannot be prepared: " + message;
    add(path, decl, Disposition.UNRESOLVED, OutputSource.RUN_TIME, note);
  }

  /**
   * An {@code on:} whose value is known now and names no host of the inventory: the run would stop at this step, after
   * the steps before it ran, so it is a problem of the plan (exit 2, as a literal host would be) and not a note.
   * Against a sketched item or a value decided at run time, it is only a note, as any other undecided step.
   */
  @Override
  public void unknownHost(String path, StepDecl decl, String message) {
    cannotPrepare(path, decl, message);
    if (!readsUndecided(message, path) && !sketched(path)) {
      problems.add(decl.posOf("on") + ": step '" + path + "': " + message + "; fix the parameters or the inventory");
    }
  }

  @Override
  public boolean undecidedParam(String path, StepDecl decl, String param, String message) {
    if (!readsUndecided(message, path)) return false;
    undecidedParams.computeIfAbsent(path + "/", k -> ConcurrentHashMap.newKeySet()).add(param);
    return true;
  }

  @Override
  public void enterRunbook(String path, StepDecl decl, Runbook callee) {
    undecidedParams.computeIfAbsent(path + "/", k -> ConcurrentHashMap.newKeySet());
  }

  @Override
  public boolean undecidedOutput(String path, StepDecl decl, String message) {
    // The output's expression reads the callee's own steps and params: judge it in the callee's scope.
    if (!readsUndecided(message, path + "/")) return false;
    undecidedIds.add(decl.id());
    return true;
  }

  @Override
  public Object execute(BoundStep b) throws RunStopped {
    StepType<Object, Object> type = b.type();
    Effect effect = type.effectOf(b.input());
    Optional<Duration> timeout = b.decl().timeout();
    StandaloneStepContext ctx = StandaloneStepContext.builder()
        .runId(req.runId()).startedAt(req.at()).stepId(b.path()).mode(StepContext.Mode.PLAN)
        .inventory(req.inventory()).target(b.host().orElse(null)).runDir(req.scratch()).confirmed(false)
        .deadline(timeout.map(t -> Instant.now().plus(t)).orElse(null)).log(redacting(req.log())).redactor(redactor)
        .env(req.env()).shared(shared).build();
    List<Plan.Action> actions;
    String note = null;
    try {
      actions = type.plan(b.input(), ctx).actions().stream()
          .map(a -> new Plan.Action(a.kind(), redactor.redact(a.target()), redactor.redact(a.text()))).toList();
    } catch (RuntimeException e) {
      actions = List.of();
      note = "could not describe its actions: " + e.getMessage();
    }
    boolean noOutputs = hasNoOutputs(type.outputType());
    // A READS step that only waits (a sleep, "until the replica caught up") shows nothing new by running: not run.
    boolean onlyWaits = !actions.isEmpty() && actions.stream().allMatch(a -> a.kind() == Plan.Kind.WAIT);
    if (onlyWaits && effect == Effect.READS) note = join(note, "a wait: not run while planning");
    // A sketched item stands for items not known yet: its inputs hold placeholders, so even a READS step is not run.
    if (sketched(b.path())) {
      undecidedIds.add(b.decl().id());
      add(b, effect, actions, Disposition.PLANNED, hasNoOutputs(type.outputType()) ? OutputSource.NONE : OutputSource.RUN_TIME,
          null, join(note, "sketched: one item stands for each item of a list only known at run time"));
      return null;
    }
    // Judge later steps against the planned state, not the stale current one: a READS step on a target that an
    // earlier planned (not executed) step changes would read the world before that change, so it is not run.
    Optional<String> changedBy = effect == Effect.READS ? targetsOf(b).stream().map(changedTargets::get)
        .filter(java.util.Objects::nonNull).findFirst() : Optional.empty();
    if (changedBy.isPresent() && !onlyWaits && !req.offline()) {
      undecidedIds.add(b.decl().id());
      add(b, effect, actions, Disposition.PLANNED, noOutputs ? OutputSource.NONE : OutputSource.RUN_TIME, null,
          join(note, "not run while planning: " + changedBy.get() + " changes what it reads first"));
      return null;
    }
    if (effect != Effect.READS) {
      for (String t : targetsOf(b)) changedTargets.putIfAbsent(t, "step " + b.path());
    }
    if (effect == Effect.READS && !req.offline() && !onlyWaits) {
      try {
        Object out = type.run(b.input(), ctx);
        add(b, effect, actions, Disposition.RAN, noOutputs ? OutputSource.NONE : OutputSource.REAL, out, note);
        return out;
      } catch (StepFailure f) {
        undecidedIds.add(b.decl().id());
        String why = "failed while planning: " + redactor.redact(f.getMessage())
            + (f.hint() == null ? "" : "; " + redactor.redact(f.hint()));
        add(b, effect, actions, Disposition.FAILED, OutputSource.RUN_TIME, null, join(note, why));
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RunStopped(RunStatus.INTERRUPTED, "planning interrupted in " + b.path(), null);
      } catch (RuntimeException e) {
        undecidedIds.add(b.decl().id());
        add(b, effect, actions, Disposition.FAILED, OutputSource.RUN_TIME, null,
            join(note, "failed while planning: " + redactor.redact(String.valueOf(e.getMessage()))));
        return null;
      }
    }
    Object predicted = null;
    if (!noOutputs) {
      try {
        predicted = type.predict(b.input(), ctx);
      } catch (RuntimeException e) {
        note = join(note, "could not predict its outputs: " + e.getMessage());
      }
      if (predicted == null) undecidedIds.add(b.decl().id());
    }
    OutputSource source = noOutputs ? OutputSource.NONE : predicted == null ? OutputSource.RUN_TIME : OutputSource.PREDICTED;
    add(b, effect, actions, Disposition.PLANNED, source, predicted, note);
    return predicted;
  }

  /**
   * What a step acts on, for "changed earlier in the plan": its host and/or the cloud. Steps with neither (core.set,
   * core.log, local commands) are judged as before: most compute from earlier outputs rather than read the world.
   */
  private static List<String> targetsOf(BoundStep b) {
    List<String> targets = new ArrayList<>();
    b.host().ifPresent(h -> targets.add("host " + h));
    if (b.type().needsCloud()) targets.add("cloud");
    return targets;
  }

  private void add(BoundStep b, Effect effect, List<Plan.Action> actions, Disposition disposition,
                   OutputSource source, Object outputs, String note) {
    String target = b.host().orElseGet(() -> {
      Set<String> targets = new LinkedHashSet<>();
      actions.forEach(a -> { if (a.target() != null) targets.add(a.target()); });
      return targets.isEmpty() ? null : String.join(", ", targets);
    });
    @SuppressWarnings("unchecked")
    Map<String, Object> out = outputs == null ? Map.of() : (Map<String, Object>) plain(outputs);
    if (disposition == Disposition.PLANNED && blocked.containsKey(b.path())) disposition = Disposition.BLOCKED;
    if (disposition == Disposition.RAN && blocked.containsKey(b.path())) disposition = Disposition.BLOCKED;
    String risk = effect == Effect.DESTROYS ? atRisk(b.type(), target, actions) : null;
    add(b.path(), b.decl(), b.type(), disposition, effect, target, actions, source, out, note, risk,
        b.type().idempotent() || effect == Effect.READS);
  }

  /** A step that was not bound (skipped or unresolved): its declared effect, no actions. */
  private void add(String path, StepDecl decl, Disposition disposition, OutputSource source, String note) {
    Optional<StepType<?, ?>> type = decl.use().flatMap(registry::find);
    add(path, decl, type.orElse(null), disposition, type.map(StepType::effect).orElse(null), null, List.of(), source,
        Map.of(), note, null, type.map(StepType::idempotent).orElse(false));
  }

  private void add(String path, StepDecl decl, StepType<?, ?> type, Disposition disposition, Effect effect,
                   String target, List<Plan.Action> actions, OutputSource source, Map<String, Object> outputs,
                   String note, String risk, boolean idempotent) {
    List<Check> stepChecks = new ArrayList<>(inheritedConditions(path));
    stepChecks.addAll(checks.getOrDefault(path, List.of()));
    planned.add(new PlanDocument.Step(0, path, depth(path), decl.use().orElse(null), disposition, effect, target,
        List.copyOf(actions), List.copyOf(stepChecks), decl.retry().attempts(), Durations.format(decl.retry().backoff()),
        decl.timeout().map(Durations::format).orElse(null), confirms(decl, type, effect), idempotent, source, outputs,
        note == null ? null : redactor.redact(note), risk));
  }

  /**
   * The run-time {@code when} of each call or group around {@code path}. Those have no row of their own, so without
   * this a step inside a conditional part (a delete under {@code when:}) would read as if it always ran.
   */
  private List<Check> inheritedConditions(String path) {
    List<Check> out = new ArrayList<>();
    for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
      String outer = path.substring(0, slash);
      for (Check c : checks.getOrDefault(outer, List.of())) {
        if (c.kind().equals("when") && Check.RUN_TIME.equals(c.value())) {
          out.add(new Check("when (" + outer + ")", c.that(), c.because(), c.value()));
        }
      }
    }
    return out;
  }

  /**
   * Whether the run asks before the step: what StepRunner.needsConfirmation decides, plus a use whose own effect is
   * DESTROYS (core.exec). Not called through StepRunner, whose loading would pull Jackson into an offline plan.
   */
  private static boolean confirms(StepDecl decl, StepType<?, ?> type, Effect effect) {
    return decl.confirm() || effect == Effect.DESTROYS || (type != null && type.effect() == Effect.DESTROYS);
  }

  @SuppressWarnings("unchecked")
  private PlanDocument.Step renumber(PlanDocument.Step s, int n) {
    List<Plan.Action> actions = s.actions().stream()
        .map(a -> new Plan.Action(a.kind(), redactor.redact(a.target()), redactor.redact(a.text()))).toList();
    return new PlanDocument.Step(n, s.path(), s.depth(), s.type(), s.disposition(), s.effect(),
        redactor.redact(s.target()), actions, s.checks(), s.attempts(), s.backoff(), s.timeout(), s.confirm(),
        s.idempotent(), s.outputSource(), (Map<String, Object>) plain(s.outputs()), redactor.redact(s.note()),
        redactor.redact(s.atRisk()));
  }

  /** What READS steps log while planning, redacted before it reaches the console: the run's log does the same. */
  private StepLog redacting(StepLog log) {
    return new StepLog() {
      public void info(String m) { log.info(redactor.redact(m)); }
      public void warn(String m) { log.warn(redactor.redact(m)); }
      public void output(String line) { log.output(redactor.redact(line)); }
      public void progress(String m) { log.progress(redactor.redact(m)); }
    };
  }

  /** What a destructive step removes and where: what the type does (its description's first clause) and its actions. */
  private static String atRisk(StepType<?, ?> type, String target, List<Plan.Action> actions) {
    Doc doc = type.getClass().getAnnotation(Doc.class);
    String what = doc == null ? type.name() : doc.value().split("[:;(]")[0].trim();
    String acts = actions.stream().filter(a -> a.kind() != Plan.Kind.NOTE).map(Plan.Action::text)
        .reduce((a, b) -> a + "; " + b).orElse("");
    return what + (acts.isEmpty() ? "" : ": " + acts) + (target == null ? "" : " (on " + target + ")");
  }

  /** Whether the path lies in the sketched item of a foreach whose list is only known at run time. */
  private static boolean sketched(String path) { return path.contains("[" + StepWalker.SKETCHED_ITEM + "]"); }

  /** Whether an expression names the variable of a sketched item. */
  private boolean readsSketchedItem(String expression) {
    return sketchedVars.stream().anyMatch(v -> Pattern.compile("(?<![\\w.-])" + Pattern.quote(v) + "(?![\\w-])")
        .matcher(expression).find());
  }

  /**
   * Whether an expression (or an error message quoting one), evaluated for the step at {@code path}, reads outputs or
   * (inside a called runbook) params only known at run time.
   */
  private boolean readsUndecided(String text, String path) {
    return !undecidedIn(text).isEmpty() || !undecidedParamsIn(text, path).isEmpty();
  }

  /** What a note says an undecided step depends on: "the outputs of steps.a" and/or "params.x (...)". */
  private String dependsOn(String text, String path) {
    List<String> steps = undecidedIn(text);
    List<String> params = undecidedParamsIn(text, path);
    String s = steps.isEmpty() ? "" : "the outputs of " + String.join(", ", steps);
    String p = params.isEmpty() ? "" : String.join(", ", params) + " (passed by the caller, only known at run time)";
    return s.isEmpty() ? p : p.isEmpty() ? s : s + " and " + p;
  }

  /** The params read by {@code text} that the innermost runbook call around {@code path} got undecided. */
  private List<String> undecidedParamsIn(String text, String path) {
    String scope = null;
    for (String prefix : undecidedParams.keySet()) {
      if (path.startsWith(prefix) && (scope == null || prefix.length() > scope.length())) scope = prefix;
    }
    Set<String> names = scope == null ? Set.of() : undecidedParams.get(scope);
    List<String> out = new ArrayList<>();
    if (names.isEmpty()) return out;
    Matcher m = PARAM_REF.matcher(text == null ? "" : text);
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      if (names.contains(name) && !out.contains("params." + name)) out.add("params." + name);
    }
    return out;
  }

  private List<String> undecidedIn(String text) {
    List<String> ids = new ArrayList<>();
    Matcher m = STEP_REF.matcher(text == null ? "" : text);
    while (m.find()) {
      String id = m.group(1) != null ? m.group(1) : m.group(2);
      if (undecidedIds.contains(id) && !ids.contains("steps." + id)) ids.add("steps." + id);
    }
    return ids;
  }

  private static boolean hasNoOutputs(Class<?> outputType) {
    return outputType == Void.class || (outputType.isRecord() && outputType.getRecordComponents().length == 0);
  }

  private static String join(String a, String b) { return a == null ? b : a + "; " + b; }

  private static int depth(String path) {
    int d = 0;
    for (char c : path.toCharArray()) if (c == '/' || c == '[') d++;
    return d;
  }

  /** Declaration order of every step id within its own runbook (ids are unique per runbook), callees included. */
  private void number(Runbook rb) {
    if (declOrder.containsKey(rb)) return;
    Map<String, Integer> order = new HashMap<>();
    declOrder.put(rb, order);
    number(rb, rb.steps(), order);
  }

  private void number(Runbook rb, List<StepDecl> steps, Map<String, Integer> order) {
    for (StepDecl d : steps) {
      order.putIfAbsent(d.id(), order.size());
      number(rb, d.steps(), order);
      Runbook callee = rb.callees().get(d.id());
      if (callee != null) number(callee);
    }
  }

  /**
   * {@code relink[1]/stop} sorts as (relink, item 1), (stop, none): run order of a sequential walk. A segment after
   * a {@code use: runbook} step is looked up in the called runbook.
   */
  private List<int[]> orderKey(String path) {
    List<int[]> key = new ArrayList<>();
    Runbook current = req.runbook();
    for (String seg : path.split("/")) {
      int bracket = seg.indexOf('[');
      String id = bracket < 0 ? seg : seg.substring(0, bracket);
      String index = bracket < 0 ? null : seg.substring(bracket + 1, seg.indexOf(']'));
      int item = index == null ? -1 : index.equals(StepWalker.SKETCHED_ITEM) ? 0 : Integer.parseInt(index);
      key.add(new int[] {declOrder.getOrDefault(current, Map.of()).getOrDefault(id, Integer.MAX_VALUE), item});
      Runbook callee = current.callees().get(id);
      if (callee != null) current = callee;
    }
    return key;
  }

  private static int compareKeys(List<int[]> a, List<int[]> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Integer.compare(a.get(i)[0], b.get(i)[0]);
      if (c == 0) c = Integer.compare(a.get(i)[1], b.get(i)[1]);
      if (c != 0) return c;
    }
    return Integer.compare(a.size(), b.size());
  }

  /** A value as JSON-friendly plain data: times and durations as text, every string and map key redacted. */
  Object plain(Object value) {
    Object v = Values.of(value);
    if (v instanceof String s) return redactor.redact(s);
    if (v instanceof Instant t) return t.toString();
    if (v instanceof Duration d) return Durations.format(d);
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) out.add(plain(o));
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      // Names can hold a secret too: a query's column label is the selected expression, e.g. a bound value.
      m.forEach((k, x) -> out.put(redactor.redact(String.valueOf(k)), plain(x)));
      return out;
    }
    return v;
  }
}

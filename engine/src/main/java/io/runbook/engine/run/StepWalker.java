package io.runbook.engine.run;

import io.runbook.engine.bind.InputBinder;
import io.runbook.engine.bind.Values;
import io.runbook.engine.expr.Templates;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.model.OutputDecl;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.secret.SecretResolver;
import io.runbook.engine.model.Require;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Walks a runbook's steps in order: evaluates {@code when}, {@code require}, {@code foreach} and {@code on},
 * renders {@code with:} into the step's input record, and hands each typed step to a {@link StepVisitor}.
 * Step outputs are recorded in the {@link Scope} for later steps. Knows nothing of journals or running.
 *
 * <p>Paths name each execution of a step: {@code id}, {@code group/id}, {@code loop[0]}, {@code loop[1]/id}
 * (foreach items count from 0), and {@code call/id} for the steps of a runbook called with {@code use: runbook}
 * (walk the {@link Runbook}, which holds its callees, for those). Inside a foreach, {@code when}, {@code require} and {@code on} are evaluated
 * for each item, with the {@code as} variable bound.
 */
public final class StepWalker {
  /** The index of the one sketched item of a foreach whose list is only known at run time (plans only). */
  public static final String SKETCHED_ITEM = "*";

  private final StepRegistry registry;
  private final Inventory inventory;
  private final StepVisitor visitor;
  private final Cancellation cancellation;

  /** Resolves the secret references a called runbook's secret params get; null leaves them as references (plans). */
  private final SecretResolver secrets;

  public StepWalker(StepRegistry registry, Inventory inventory, StepVisitor visitor, Cancellation cancellation) {
    this(registry, inventory, visitor, cancellation, null);
  }

  /** As the other constructor; {@code secrets} resolves references passed to called runbooks' secret params. */
  public StepWalker(StepRegistry registry, Inventory inventory, StepVisitor visitor, Cancellation cancellation,
                    SecretResolver secrets) {
    this.registry = registry;
    this.inventory = inventory;
    this.visitor = visitor;
    this.cancellation = cancellation;
    this.secrets = secrets;
  }

  /** The runbook each {@code use: runbook} step calls, by declaration (callees included). */
  private final Map<StepDecl, Runbook> callees = new IdentityHashMap<>();

  /** Walks the steps in order; stops at the first step that stops the run. */
  public void walk(List<StepDecl> steps, Scope scope) throws RunStopped {
    walk(steps, scope, "");
  }

  /** Walks a runbook's steps, and the steps of the runbooks it calls as nested groups. */
  public void walk(Runbook rb, Scope scope) throws RunStopped {
    index(rb);
    walk(rb.steps(), scope, "");
  }

  private void index(Runbook rb) {
    indexCalls(rb, rb.steps());
  }

  private void indexCalls(Runbook rb, List<StepDecl> steps) {
    for (StepDecl s : steps) {
      Runbook callee = rb.callees().get(s.id());
      if (Runbook.isCall(s) && callee != null && callees.put(s, callee) == null) index(callee);
      indexCalls(rb, s.steps());
    }
  }

  private void walk(List<StepDecl> steps, Scope scope, String prefix) throws RunStopped {
    for (StepDecl d : steps) walkStep(d, scope, prefix);
  }

  private void walkStep(StepDecl d, Scope scope, String prefix) throws RunStopped {
    String path = prefix + d.id();
    if (d.foreach().isEmpty()) {
      Object out = walkOne(d, scope, path);
      if (out != null && !d.isGroup()) scope.put(d.id(), out);
      return;
    }
    cancellation.check(path);
    Object listValue;
    try {
      listValue = Templates.evaluate(d.foreach().get(), scope.vars());
    } catch (RuntimeException e) {
      String message = "foreach " + d.foreach().get() + ": " + e.getMessage();
      if (visitor.sketchForeach(path, d, message)) {
        // One item stands for all: its steps are planned with the item's variable as a placeholder, "<as>".
        String as = d.as().orElse("item");
        walkItem(d, scope, path + "[" + SKETCHED_ITEM + "]", as, "<" + as + ">");
        return;
      }
      visitor.cannotPrepare(path, d, message);
      return;
    }
    if (!(listValue instanceof List<?> items)) {
      visitor.cannotPrepare(path, d, "foreach " + d.foreach().get() + " gave "
          + (listValue == null ? "null" : listValue.getClass().getSimpleName()) + ", not a list");
      return;
    }
    String as = d.as().orElse("item");
    List<Object> outputs = d.parallel() && items.size() > 1
        ? walkItemsInParallel(d, scope, path, as, items)
        : walkItemsInOrder(d, scope, path, as, items);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("items", outputs);
    scope.put(d.id(), result);
  }

  private List<Object> walkItemsInOrder(StepDecl d, Scope scope, String path, String as, List<?> items)
      throws RunStopped {
    List<Object> outputs = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      outputs.add(walkItem(d, scope, path + "[" + i + "]", as, items.get(i)));
    }
    return outputs;
  }

  private List<Object> walkItemsInParallel(StepDecl d, Scope scope, String path, String as, List<?> items)
      throws RunStopped {
    int threads = d.maxParallel() > 0 ? Math.min(d.maxParallel(), items.size()) : items.size();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "foreach-" + path);
      t.setDaemon(true);
      return t;
    });
    AtomicBoolean stopping = new AtomicBoolean();
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        String itemPath = path + "[" + i + "]";
        Object item = items.get(i);
        futures.add(pool.submit(() -> {
          // After one item stopped the run, items not yet started are not started.
          if (stopping.get()) return null;
          try {
            return walkItem(d, scope, itemPath, as, item);
          } catch (RunStopped | RuntimeException e) {
            stopping.set(true);
            throw e;
          }
        }));
      }
      List<Object> outputs = new ArrayList<>();
      RunStopped first = null;
      for (Future<Object> f : futures) {
        try {
          outputs.add(f.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RunStopped rs) {
            if (first == null || rank(rs) > rank(first)) first = rs;
          } else if (e.getCause() instanceof RuntimeException re) {
            throw re;
          } else {
            throw new IllegalStateException(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RunStopped(RunStatus.INTERRUPTED, "interrupted in " + path, null);
        }
      }
      if (first != null) throw first;
      return outputs;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Which of several items' stops wins: an interruption over a failure over a precondition over a wait. */
  private static int rank(RunStopped s) {
    return switch (s.status()) {
      case INTERRUPTED -> 4;
      case FAILED -> 3;
      case PRECONDITION_FALSE -> 2;
      default -> 1;
    };
  }

  private Object walkItem(StepDecl d, Scope scope, String itemPath, String as, Object item) throws RunStopped {
    Scope itemScope = scope.item(as, item);
    Object out = walkOne(d, itemScope, itemPath);
    return d.isGroup() ? itemScope.own() : out;
  }

  /** One execution of a step (typed or group); returns a typed step's outputs as plain values, else null. */
  private Object walkOne(StepDecl d, Scope scope, String path) throws RunStopped {
    cancellation.check(path);
    Prior prior = visitor.prior(path, d);
    switch (prior.kind()) {
      case SKIPPED -> { return null; }
      case DONE -> { if (!d.isGroup()) return prior.outputs(); }
      default -> { }
    }
    boolean inDoubt = prior.kind() == Prior.Kind.IN_DOUBT;
    // An in-doubt step passed its when and require when it started; its own effect may have changed them since.
    if (!inDoubt) {
      if (d.when().isPresent()) {
        Truth when = condition(d, path, "when", d.when().get(), scope);
        if (when == Truth.UNPREPARED) return null;
        if (when == Truth.FALSE) {
          visitor.skipped(path, d, "when " + d.when().get() + " is false");
          return null;
        }
      }
      for (Require r : d.require()) {
        Truth holds = condition(d, path, "require", r.that(), scope);
        if (holds == Truth.UNPREPARED) return null;
        if (holds != Truth.UNDECIDED) visitor.precondition(path, r, holds == Truth.TRUE, Because.of(r, scope.vars()));
      }
    }
    if (d.isGroup()) {
      walk(d.steps(), scope, path + "/");
      return null;
    }
    if (Runbook.isCall(d)) return call(d, scope, path);
    BoundStep bound = bind(d, path, scope);
    if (bound == null) return null;
    Object out = inDoubt ? visitor.resumeInDoubt(bound) : visitor.execute(bound);
    return out == null ? new LinkedHashMap<String, Object>() : Values.of(out);
  }

  /**
   * A {@code use: runbook} step: binds the callee's params from {@code with.params}, walks its steps under
   * {@code path/} in a scope of their own, and returns its {@code outputs:} evaluated after its last step.
   */
  private Object call(StepDecl d, Scope scope, String path) throws RunStopped {
    Runbook callee = callees.get(d);
    if (callee == null) {
      visitor.cannotPrepare(path, d, "the runbook it calls was not loaded (walk the Runbook, not its step list)");
      return null;
    }
    Map<String, Object> vars = scope.vars();
    Object declared = d.with().getOrDefault("params", Map.of());
    Map<String, Object> values = new LinkedHashMap<>();
    Set<String> undecided = new LinkedHashSet<>();
    if (declared instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        String name = String.valueOf(e.getKey());
        try {
          values.put(name, Templates.render(e.getValue(), vars));
        } catch (RuntimeException ex) {
          String message = "parameter '" + name + "' " + e.getValue() + ": " + ex.getMessage();
          if (visitor.undecidedParam(path, d, name, message)) {
            undecided.add(name);
            continue;
          }
          visitor.cannotPrepare(path, d, "runbook " + callee.name() + ": " + message);
          return null;
        }
      }
    }
    Scope inner;
    try {
      Object startedAt = vars.get("run") instanceof Map<?, ?> run ? run.get("startedAt") : null;
      Map<String, Object> params = ParamBinder.bindCall(callee, values, undecided, inventory,
          startedAt instanceof Instant i ? i : Instant.now());
      resolveSecrets(callee, params);
      inner = scope.callee(params);
    } catch (ValidationException e) {
      visitor.cannotPrepare(path, d, "runbook " + callee.name() + ": " + e.getMessage().replace("\n", "; "));
      return null;
    } catch (RuntimeException e) {
      visitor.cannotPrepare(path, d, "runbook " + callee.name() + ": " + e.getMessage());
      return null;
    }
    visitor.enterRunbook(path, d, callee);
    walk(callee.steps(), inner, path + "/");
    Map<String, Object> outputs = new LinkedHashMap<>();
    Map<String, Object> end = inner.vars();
    for (OutputDecl o : callee.outputs().values()) {
      try {
        outputs.put(o.name(), Values.of(Templates.render(o.expr(), end)));
      } catch (RuntimeException e) {
        String message = "output '" + o.name() + "' of runbook " + callee.name() + " (" + o.pos() + ") " + o.expr()
            + ": " + e.getMessage();
        if (visitor.undecidedOutput(path, d, message)) continue;
        visitor.cannotPrepare(path, d, message);
        return null;
      }
    }
    visitor.leaveRunbook(path, d, callee, outputs);
    return outputs;
  }

  /**
   * A secret param gets either the caller's resolved secret or a reference (a default such as env:DB_PASSWORD);
   * references are resolved here, so the callee's steps see values, as the caller's do. Any other value (an earlier
   * step's output, say) is registered as a secret here: redacted from now on, like the caller's secrets.
   */
  private void resolveSecrets(Runbook callee, Map<String, Object> params) {
    if (secrets == null) return;
    for (ParamDecl p : callee.params().values()) {
      Object value = params.get(p.name());
      if (!p.secret() || value == null) continue;
      if (value instanceof String s && SecretRef.looksLikeRef(s)) {
        try {
          params.put(p.name(), secrets.resolve(SecretRef.parse(s)));
        } catch (IllegalStateException e) {
          throw new IllegalStateException("parameter '" + p.name() + "': " + e.getMessage());
        }
      } else {
        secrets.redactor().register(String.valueOf(value));
      }
    }
  }

  /** What a {@code when} or {@code require} came to; UNDECIDED only when the visitor plans against unknown values. */
  private enum Truth { TRUE, FALSE, UNDECIDED, UNPREPARED }

  private Truth condition(StepDecl d, String path, String key, String expr, Scope scope) throws RunStopped {
    // In a sketched item a condition on the placeholder item would be judged on "<as>": the visitor decides first.
    if (path.contains("[" + SKETCHED_ITEM + "]") && visitor.undecided(path, d, key, expr)) return Truth.UNDECIDED;
    Object v;
    try {
      v = Templates.evaluate(expr, scope.vars());
    } catch (RuntimeException e) {
      if (visitor.undecided(path, d, key, expr)) return Truth.UNDECIDED;
      visitor.cannotPrepare(path, d, key + " " + expr + ": " + e.getMessage());
      return Truth.UNPREPARED;
    }
    if (v instanceof Boolean b) return b ? Truth.TRUE : Truth.FALSE;
    visitor.cannotPrepare(path, d, key + " " + expr + " gave " + v + ", not true or false");
    return Truth.UNPREPARED;
  }

  @SuppressWarnings("unchecked")
  private BoundStep bind(StepDecl d, String path, Scope scope) throws RunStopped {
    Optional<StepType<?, ?>> found = registry.find(d.use().get());
    if (found.isEmpty()) {
      visitor.cannotPrepare(path, d, "unknown step type " + d.use().get());
      return null;
    }
    StepType<Object, Object> type = (StepType<Object, Object>) found.get();
    Map<String, Object> vars = scope.vars();
    Optional<String> host = Optional.empty();
    try {
      if (d.on().isPresent()) {
        String on = d.on().get();
        Object name = on.contains("${{") ? Templates.evaluate(on, vars) : on.trim();
        if (!(name instanceof String s) || inventory.host(s).isEmpty()) {
          // The validator's wording (Inventory.unknownHost), after the expression that gave the name.
          visitor.unknownHost(path, d, "on: " + on + ": " + inventory.unknownHost(String.valueOf(name)));
          return null;
        }
        host = Optional.of(s);
      }
      Object rendered = Templates.render(d.with(), vars);
      Object input = InputBinder.bind(rendered, type.inputType());
      return new BoundStep(path, d, type, input, host);
    } catch (RuntimeException e) {
      visitor.cannotPrepare(path, d, e.getMessage());
      return null;
    }
  }
}

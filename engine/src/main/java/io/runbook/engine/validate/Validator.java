package io.runbook.engine.validate;

import io.runbook.engine.expr.ExprException;
import io.runbook.engine.expr.Templates;
import io.runbook.engine.expr.Type;
import io.runbook.engine.bind.ParamType;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.OutputDecl;
import io.runbook.engine.model.VerifyCheck;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Require;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Spelling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a parsed runbook completely before anything runs and reports every problem in one pass: step ids, step
 * types, inputs against the input records, expressions against the types in scope, hosts, loops and limits.
 */
public final class Validator {
  private final Runbook rb;
  private final StepRegistry registry;
  private final Optional<Inventory> inventory;
  private final StepIndex index;
  private final ScopeTypes scopes;
  private final List<Problem> problems = new ArrayList<>();
  private final java.util.Set<String> secretParams = new java.util.HashSet<>();

  private Validator(Runbook rb, StepRegistry registry, Optional<Inventory> inventory) {
    this.rb = rb;
    this.registry = registry;
    this.inventory = inventory.filter(i -> i != Inventory.EMPTY);
    this.index = new StepIndex(rb.steps());
    this.scopes = new ScopeTypes(rb, index, registry, this.inventory);
    rb.params().values().stream().filter(ParamDecl::secret).forEach(p -> secretParams.add(p.name()));
  }

  /** Every problem of the runbook and of the runbooks it calls (each reported at its own file). */
  public static List<Problem> validate(Runbook rb, StepRegistry registry, Optional<Inventory> inventory) {
    List<Problem> all = new ArrayList<>();
    validate(rb, registry, inventory, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), all);
    return List.copyOf(all);
  }

  private static void validate(Runbook rb, StepRegistry registry, Optional<Inventory> inventory,
                               java.util.Set<Runbook> seen, List<Problem> all) {
    if (!seen.add(rb)) return;
    Validator v = new Validator(rb, registry, inventory);
    v.run();
    all.addAll(v.problems);
    // A callee's hosts come from the caller's inventory: it is checked against the same one.
    for (Runbook callee : rb.callees().values()) validate(callee, registry, inventory, seen, all);
  }


  private void run() {
    for (StepIndex.Entry dup : index.duplicates) {
      StepDecl first = index.byId.get(dup.decl().id()).decl();
      problem(dup.decl().posOf("id"), "duplicate step id '" + dup.decl().id() + "' (first used at line "
          + first.pos().line() + "); step ids are unique across the whole runbook, nested groups included");
    }
    inventory.ifPresent(this::hostDefaults);
    steps(rb.steps(), new LinkedHashMap<>());
    Type.RecordOf end = scopes.atEnd();
    for (OutputDecl o : rb.outputs().values()) {
      typeOf(o.expr(), false, o.pos(), "output '" + o.name() + "'", end);
    }
    for (int i = 0; i < rb.verify().size(); i++) verifyCheck(rb.verify().get(i), "verify check " + (i + 1), end);
  }

  /** A verify check sees what the runbook's outputs see: params and every step's outputs after the last step. */
  private void verifyCheck(VerifyCheck c, String label, Type.RecordOf end) {
    Type.RecordOf scope = c.use().map(use -> withResult(c, use, label, end)).orElse(end);
    c.that().ifPresent(t -> expectType(t, true, Type.BOOL, c.posOf("that"), label + ": 'that'", scope));
    c.sql().filter(Templates::hasTemplate).ifPresent(q -> problem(c.posOf("sql"), label + ": 'sql' is sent as written; "
        + "put a ? mark where a value goes and give the value in params: [\"${{ ... }}\"]"));
    for (String v : c.sqlParams()) typeOf(v, false, c.posOf("params"), label + ": 'params'", end);
    c.expect().ifPresent(e -> typeOf(e, false, c.posOf("expect"), label + ": 'expect'", end));
    c.on().ifPresent(on -> {
      if (Templates.hasTemplate(on)) {
        // A host, or a list of hosts (the check must hold on each, e.g. every replica).
        Type t = typeOf(on, false, c.posOf("on"), label + ": 'on'", end);
        if (t != null && !Type.assignable(t, Type.STRING) && !Type.assignable(t, new Type.ListOf(Type.STRING))) {
          problem(c.posOf("on"), label + ": 'on' must be a host (string) or a list of hosts, not " + t);
        }
      } else if (inventory.isPresent() && inventory.get().host(on).isEmpty()) {
        problem(c.posOf("on"), label + ": " + inventory.get().unknownHost(on));
      }
    });
  }

  /**
   * A step check runs its step type after the run, outside it, on each host: only a type that reads (the drill's
   * verdict must not change what it judges) and takes no input (a check has no 'with:'). Its 'that' also sees the
   * step's outputs as {@code result}.
   */
  private Type.RecordOf withResult(VerifyCheck c, String use, String label, Type.RecordOf end) {
    Optional<StepType<?, ?>> type = registry.find(use);
    Map<String, Type> fields = new LinkedHashMap<>(end.fields());
    fields.put(VerifyCheck.RESULT, Type.DYN);
    if (type.isEmpty()) {
      List<String> close = Spelling.close(use, registry.names());
      problem(c.posOf("use"), label + ": unknown step type '" + use + "'" + (close.isEmpty() ? ""
          : " (did you mean " + String.join(" or ", close.stream().limit(3).map(n -> "'" + n + "'").toList()) + "?)"));
      return new Type.RecordOf("scope", fields);
    }
    StepType<?, ?> t = type.get();
    if (t.effect() != io.runbook.engine.spi.Effect.READS) {
      problem(c.posOf("use"), label + ": step type " + use + " " + t.effect().name().toLowerCase() + " the world; a verify "
          + "check may only read (use a READS step type such as db.status, or a 'sql' check)");
    }
    try {
      io.runbook.engine.bind.InputBinder.bind(null, t.inputType());
    } catch (IllegalArgumentException e) {
      problem(c.posOf("use"), label + ": step type " + use + " needs inputs (" + e.getMessage() + "); a verify check "
          + "runs it without 'with:': use a 'sql' check instead");
    }
    Class<?> out = t.outputType();
    fields.put(VerifyCheck.RESULT, out == null || out == Void.class ? new Type.RecordOf(use, Map.of())
        : io.runbook.engine.expr.JavaTypes.of(out));
    return new Type.RecordOf("scope", fields);
  }

  /** Host parameters' defaults must name hosts of the inventory the run is checked against. */
  private void hostDefaults(Inventory inv) {
    for (ParamDecl p : rb.params().values()) {
      Optional<ParamType> type = ParamType.parse(p.type());
      if (type.isEmpty() || p.defaultValue().isEmpty()) continue;
      boolean host = type.get().kind() == ParamType.Kind.HOST;
      boolean hosts = type.get().kind() == ParamType.Kind.LIST && type.get().element().kind() == ParamType.Kind.HOST;
      Object d = p.defaultValue().get();
      List<?> names = hosts && d instanceof List<?> l ? l : host ? List.of(d) : List.of();
      for (Object name : names) {
        if (inv.host(String.valueOf(name)).isEmpty()) {
          problem(p.pos(), "parameter '" + p.name() + "': default " + inv.unknownHost(String.valueOf(name)));
        }
      }
    }
  }

  private void problem(SourcePos pos, String message) { problems.add(new Problem(pos, message)); }

  private void steps(List<StepDecl> steps, Map<String, Type> loopVars) {
    for (StepDecl s : steps) step(s, loopVars);
  }

  private static String label(StepDecl s) { return s.id() == null || s.id().isEmpty() ? "step" : "step '" + s.id() + "'"; }

  private void step(StepDecl s, Map<String, Type> outerVars) {
    String label = label(s);
    Type.RecordOf outer = scopes.at(s, outerVars);
    Optional<StepType<?, ?>> type = Optional.empty();
    boolean call = Runbook.isCall(s);
    if (s.use().isPresent() && !call) {
      String use = s.use().get();
      type = registry.find(use);
      if (type.isEmpty()) {
        List<String> close = Spelling.close(use, registry.names());
        String hint = close.isEmpty()
            ? (registry.names().size() <= 15 ? "; known types: " + String.join(", ", registry.names()) : "")
            : " (did you mean " + String.join(" or ", close.stream().limit(3).map(c -> "'" + c + "'").toList()) + "?)";
        problem(s.posOf("use"), label + ": unknown step type '" + use + "'" + hint);
      }
    }
    // foreach is evaluated once, before the loop; when, require, on and with are evaluated for each item.
    Map<String, Type> innerVars = new LinkedHashMap<>(outerVars);
    if (s.foreach().isPresent()) {
      Type element = Type.DYN;
      Type listType = typeOf(s.foreach().get(), true, s.posOf("foreach"), label + ": 'foreach'", outer);
      if (listType instanceof Type.ListOf l) {
        element = l.element();
      } else if (listType != null && listType != Type.DYN) {
        problem(s.posOf("foreach"), label + ": 'foreach' must be a list, not " + listType);
      }
      if (s.as().isEmpty()) {
        problem(s.posOf("foreach"), label + ": 'foreach' needs 'as': the name each item is known by, e.g. as: replica");
      } else {
        String as = s.as().get();
        if (!as.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          problem(s.posOf("as"), label + ": 'as' must be a simple name (letters, digits, '_'), not '" + as + "'");
        } else if (ScopeTypes.RESERVED.contains(as)) {
          problem(s.posOf("as"), label + ": 'as: " + as + "' would hide the built-in '" + as + "'; choose another name");
        } else if (outerVars.containsKey(as)) {
          problem(s.posOf("as"), label + ": 'as: " + as + "' is already the item of an enclosing foreach");
        } else {
          innerVars.put(as, element);
        }
      }
    } else {
      if (s.as().isPresent()) problem(s.posOf("as"), label + ": 'as' only applies together with 'foreach'");
      if (s.parallel()) problem(s.posOf("parallel"), label + ": 'parallel' only applies together with 'foreach'");
    }
    if (s.positions().containsKey("maxParallel")) {
      if (s.maxParallel() < 1) problem(s.posOf("maxParallel"), label + ": 'maxParallel' must be at least 1");
      else if (!s.parallel()) problem(s.posOf("maxParallel"), label + ": 'maxParallel' needs 'parallel: true'");
    }
    if (s.positions().containsKey("retry")) {
      if (s.retry().attempts() < 1) {
        problem(s.posOf("retry"), label + ": retry attempts must be at least 1 (1 = no retry), not " + s.retry().attempts());
      }
      if (s.retry().backoff().isNegative()) problem(s.posOf("retry"), label + ": retry backoff must not be negative");
      if (s.isGroup()) problem(s.posOf("retry"), label + ": 'retry' applies to a step with 'use', not to a group");
    }
    if (s.timeout().isPresent() && (s.timeout().get().isZero() || s.timeout().get().isNegative())) {
      problem(s.posOf("timeout"), label + ": 'timeout' must be longer than zero");
    }
    Type.RecordOf inner = scopes.at(s, innerVars);
    s.when().ifPresent(w -> expectType(w, true, Type.BOOL, s.posOf("when"), label + ": 'when'", inner));
    for (Require r : s.require()) {
      expectType(r.that(), true, Type.BOOL, r.pos(), label + ": 'require.that'", inner);
      if (Templates.hasTemplate(r.because())) typeOf(r.because(), false, r.becausePos(), label + ": 'require.because'", inner);
    }
    if (call) {
      new CallCheck(problems, s, label, inner, rb.callees().get(s.id()), registry, inventory).check();
    } else {
      host(s, type, inner);
    }
    if (!s.isGroup() && !call) {
      new InputCheck(problems, s, label, inner, secretParams).check(type.map(t -> (Class<?>) t.inputType()).orElse(null));
    }
    steps(s.steps(), innerVars);
  }

  private void host(StepDecl s, Optional<StepType<?, ?>> type, Type.RecordOf scope) {
    String label = label(s);
    boolean needs = type.map(StepType::needsHost).orElse(false);
    if (s.on().isEmpty()) {
      if (needs) {
        problem(s.posOf("use"), label + ": step type " + s.use().get() + " acts on a host: add 'on: <host name>'"
            + inventory.map(i -> i.hosts().isEmpty() ? "" : " (hosts: " + String.join(", ", i.hosts().keySet()) + ")")
                .orElse(""));
      }
      return;
    }
    String on = s.on().get();
    if (s.isGroup()) {
      problem(s.posOf("on"), label + ": 'on' applies to a step with 'use'; put it on the steps of the group");
      return;
    }
    // A step type that does not need a host may still use one when given (ctx.target()), so 'on' is allowed.
    if (Templates.hasTemplate(on)) {
      expectType(on, false, Type.STRING, s.posOf("on"), label + ": 'on'", scope);
    } else if (inventory.isPresent() && inventory.get().host(on).isEmpty()) {
      problem(s.posOf("on"), label + ": " + inventory.get().unknownHost(on));
    }
  }

  private Type typeOf(String text, boolean bare, SourcePos pos, String what, Type.RecordOf scope) {
    Templates.Checked checked = Templates.check(text, scope, bare);
    for (ExprException e : checked.errors()) problem(at(pos, text, e.offset()), what + ": " + e.reason());
    return checked.type();
  }

  private void expectType(String text, boolean bare, Type wanted, SourcePos pos, String what, Type.RecordOf scope) {
    Type t = typeOf(text, bare, pos, what, scope);
    if (t != null && !Type.assignable(t, wanted)) problem(pos, what + " must be " + wanted + ", not " + t);
  }

  /** The column of an offending token inside a scalar, when the scalar is on one line. */
  static SourcePos at(SourcePos scalar, String text, int offset) {
    if (offset < 0 || text.indexOf('\n') >= 0 || scalar.line() <= 0) return scalar;
    return new SourcePos(scalar.file(), scalar.line(), scalar.col() + offset);
  }
}

package io.runbook.engine.validate;

import io.runbook.engine.bind.ParamType;
import io.runbook.engine.expr.JavaTypes;
import io.runbook.engine.expr.Type;
import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.OutputDecl;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The types of the variables an expression in a given step may use: params, hosts, cloud, run, the outputs of
 * the steps that ran before it ({@code steps}), and the {@code as} variables of the foreach loops around it.
 */
final class ScopeTypes {
  static final java.util.Set<String> RESERVED = java.util.Set.of("params", "hosts", "cloud", "run", "steps");

  private final Runbook rb;
  private final StepIndex index;
  private final StepRegistry registry;
  private final Optional<Inventory> inventory;
  private final Type.RecordOf params;
  private final Type hosts;
  private final Type cloud = JavaTypes.of(CloudSpec.class);
  private final Type run = new Type.RecordOf("run", Map.of("id", Type.STRING, "startedAt", Type.TIMESTAMP));

  ScopeTypes(Runbook rb, StepIndex index, StepRegistry registry, Optional<Inventory> inventory) {
    this.rb = rb;
    this.index = index;
    this.registry = registry;
    this.inventory = inventory;
    Type host = JavaTypes.of(Host.class);
    if (inventory.isPresent()) {
      // Checked against a real inventory, hosts['db3'] is caught before the run.
      Map<String, Type> byName = new LinkedHashMap<>();
      for (String name : inventory.get().hosts().keySet()) byName.put(name, host);
      this.hosts = new Type.RecordOf("hosts", byName);
    } else {
      this.hosts = new Type.MapOf(host);
    }
    Map<String, Type> p = new LinkedHashMap<>();
    for (ParamDecl d : rb.params().values()) {
      p.put(d.name(), ParamType.parse(d.type()).map(ParamType::exprType).orElse(Type.DYN));
    }
    this.params = new Type.RecordOf("params", p);
  }

  /**
   * The scope at {@code step}; {@code loopVars} are the foreach variables visible there (name to element type),
   * {@code ownItems} whether the step's own foreach variable is in scope (its with/on/require, not its when).
   */
  Type.RecordOf at(StepDecl step, Map<String, Type> loopVars) {
    Map<String, Type> fields = new LinkedHashMap<>();
    fields.put("params", params);
    fields.put("hosts", hosts);
    fields.put("cloud", cloud);
    fields.put("run", run);
    fields.put("steps", steps(index.entry(step)));
    fields.putAll(loopVars);
    return new Type.RecordOf("scope", fields);
  }

  /** The scope after the last step: what a runbook's {@code outputs:} may use. */
  Type.RecordOf atEnd() {
    Map<String, Type> fields = new LinkedHashMap<>();
    fields.put("params", params);
    fields.put("hosts", hosts);
    fields.put("cloud", cloud);
    fields.put("run", run);
    fields.put("steps", steps(new StepIndex.Entry(null, Integer.MAX_VALUE, java.util.List.of())));
    return new Type.RecordOf("scope", fields);
  }

  /** The record of this runbook's outputs as its callers see it. */
  Type.RecordOf outputsOfRunbook() {
    Type.RecordOf end = atEnd();
    Map<String, Type> fields = new LinkedHashMap<>();
    for (OutputDecl o : rb.outputs().values()) {
      io.runbook.engine.expr.Templates.Checked c = io.runbook.engine.expr.Templates.check(o.expr(), end, false);
      fields.put(o.name(), c.type() == null ? Type.DYN : c.type());
    }
    return new Type.RecordOf("outputs of runbook " + rb.name(), fields);
  }

  /**
   * What {@code steps} holds at {@code here}: computed per id on demand, because a runbook of a thousand steps
   * would otherwise build a thousand maps of a thousand entries.
   */
  private Type.RecordOf steps(StepIndex.Entry here) {
    return new Type.RecordOf("steps", new StepsView<>(here, Type.class), new StepsView<>(here, String.class));
  }

  /** Visible step outputs (V = Type) or the reasons steps are not usable here (V = String), by id. */
  private final class StepsView<V> extends java.util.AbstractMap<String, V> {
    private final StepIndex.Entry here;
    private final Class<V> kind;

    StepsView(StepIndex.Entry here, Class<V> kind) {
      this.here = here;
      this.kind = kind;
    }

    @Override
    public V get(Object key) {
      StepIndex.Entry other = index.byId.get(key);
      if (other == null) return null;
      Object r = classify(other, here);
      return kind.isInstance(r) ? kind.cast(r) : null;
    }

    @Override
    public boolean containsKey(Object key) { return get(key) != null; }

    @Override
    public java.util.Set<Entry<String, V>> entrySet() {
      java.util.Set<Entry<String, V>> out = new java.util.LinkedHashSet<>();
      for (String id : index.byId.keySet()) {
        V v = get(id);
        if (v != null) out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(id, v));
      }
      return out;
    }
  }

  /** The output type of {@code other} as seen from {@code here}, or the reason (a String) it cannot be used. */
  private Object classify(StepIndex.Entry other, StepIndex.Entry here) {
    StepDecl t = other.decl();
    String id = t.id();
    if (t == here.decl()) return "step '" + id + "' cannot use its own outputs";
    if (here.insideOf(t)) {
      return t.foreach().isPresent()
          ? "step '" + id + "' is still running here; its items are known after it ends"
          : "group '" + id + "' has no outputs of its own; refer to its steps by their ids";
    }
    if (other.order() > here.order()) {
      return "step '" + id + "' runs later (line " + t.pos().line() + "); a step can only use the outputs of steps "
          + "before it";
    }
    Optional<StepDecl> loop = loopOutside(other, here);
    if (loop.isPresent()) {
      return "step '" + id + "' runs inside foreach '" + loop.get().id() + "'; use steps." + loop.get().id() + ".items";
    }
    if (t.isGroup() && t.foreach().isEmpty()) {
      return "group '" + id + "' has no outputs of its own; refer to its steps by their ids";
    }
    return outputs(t);
  }

  /** The innermost foreach around {@code other} that does not also enclose {@code here}. */
  private static Optional<StepDecl> loopOutside(StepIndex.Entry other, StepIndex.Entry here) {
    for (StepDecl a : other.ancestors()) {
      if (a.foreach().isPresent() && !here.insideOf(a)) return Optional.of(a);
    }
    return Optional.empty();
  }

  private final Map<StepDecl, Type> outputCache = new java.util.IdentityHashMap<>();
  /** A runbook called from many steps has its outputs typed once. */
  private final Map<Runbook, Type.RecordOf> calleeOutputs = new java.util.IdentityHashMap<>();

  /** What {@code steps.<id>} holds once the step has run. */
  Type outputs(StepDecl t) {
    Type cached = outputCache.get(t);
    if (cached == null) {
      cached = computeOutputs(t);
      outputCache.put(t, cached);
    }
    return cached;
  }

  private Type computeOutputs(StepDecl t) {
    if (t.foreach().isPresent()) {
      Type item = t.isGroup() ? groupItem(t) : single(t);
      return new Type.RecordOf(t.id(), Map.of("items", new Type.ListOf(item)));
    }
    return single(t);
  }

  private Type single(StepDecl t) {
    if (Runbook.isCall(t)) {
      Runbook callee = rb.callees().get(t.id());
      if (callee == null) return Type.DYN;
      Type.RecordOf out = calleeOutputs.computeIfAbsent(callee,
          c -> new ScopeTypes(c, new StepIndex(c.steps()), registry, inventory).outputsOfRunbook());
      return new Type.RecordOf(t.id(), out.fields());
    }
    Optional<StepType<?, ?>> type = t.use().flatMap(registry::find);
    if (type.isEmpty()) return Type.DYN;
    Class<?> out = type.get().outputType();
    if (out == null || out == Void.class) return new Type.RecordOf(t.id(), Map.of());
    Type ty = JavaTypes.of(out);
    return ty instanceof Type.RecordOf r ? new Type.RecordOf(t.id(), r.fields()) : ty;
  }

  /** One iteration of a foreach group: its nested steps' outputs by id (nested loops give their items). */
  private Type groupItem(StepDecl group) {
    Map<String, Type> fields = new LinkedHashMap<>();
    collect(group.steps(), fields);
    return new Type.RecordOf(group.id() + " item", fields);
  }

  private void collect(java.util.List<StepDecl> steps, Map<String, Type> fields) {
    for (StepDecl s : steps) {
      if (s.id() == null || s.id().isEmpty()) continue;
      if (s.foreach().isPresent() || !s.isGroup()) fields.put(s.id(), outputs(s));
      else collect(s.steps(), fields);
    }
  }
}

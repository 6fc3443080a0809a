package io.runbook.engine.run;

import io.runbook.engine.bind.Values;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables expressions see at one point of a run: {@code params}, {@code hosts}, {@code cloud},
 * {@code run}, {@code steps} and, inside a foreach item, the {@code as} variable. A foreach item gets a child
 * scope whose step outputs shadow the parent's, so {@code steps.<nestedId>} means the current item's step.
 */
public final class Scope {
  private final Scope parent;
  private final Map<String, Object> globals;
  private final String itemName;
  private final Object itemValue;
  private final Map<String, Object> steps = new LinkedHashMap<>();

  private Scope(Scope parent, Map<String, Object> globals, String itemName, Object itemValue) {
    this.parent = parent;
    this.globals = globals;
    this.itemName = itemName;
    this.itemValue = itemValue;
  }

  /** The top scope of a run: {@code globals} holds params, hosts, cloud and run. */
  public static Scope root(Map<String, Object> globals) { return new Scope(null, globals, null, null); }

  /** The top scope of a run: its parameter values, the inventory's hosts and cloud, and the run's id and start. */
  public static Scope forRun(Inventory inventory, Map<String, Object> params, String runId, Instant startedAt) {
    Map<String, Object> globals = new LinkedHashMap<>();
    Map<String, Object> p = new LinkedHashMap<>();
    params.forEach((k, v) -> p.put(k, Values.of(v)));
    globals.put("params", p);
    Map<String, Object> hosts = new LinkedHashMap<>();
    for (Host h : inventory.hosts().values()) hosts.put(h.name(), Values.of(h));
    globals.put("hosts", hosts);
    globals.put("cloud", inventory.cloud() == null ? null : Values.of(inventory.cloud()));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("id", runId);
    run.put("startedAt", startedAt);
    globals.put("run", run);
    return root(globals);
  }

  /**
   * The top scope of a called runbook ({@code use: runbook}): the same hosts, cloud and run, its own params, and
   * no steps yet: a callee sees only its own steps.
   */
  public Scope callee(Map<String, Object> params) {
    Map<String, Object> g = new LinkedHashMap<>(globals);
    Map<String, Object> p = new LinkedHashMap<>();
    params.forEach((k, v) -> p.put(k, Values.of(v)));
    g.put("params", p);
    return root(g);
  }

  /** A child scope for one foreach item, binding {@code name} to {@code value}. */
  public Scope item(String name, Object value) { return new Scope(this, globals, name, value); }

  /** Records a step's outputs (already plain values) under its id in this scope. */
  public synchronized void put(String stepId, Object outputs) { steps.put(stepId, outputs); }

  /** The outputs recorded in this scope itself (a foreach item's nested steps). */
  public synchronized Map<String, Object> own() { return new LinkedHashMap<>(steps); }

  /** The variable map handed to the expression evaluator. */
  public Map<String, Object> vars() {
    Map<String, Object> vars = new LinkedHashMap<>(globals);
    Map<String, Object> allSteps = new LinkedHashMap<>();
    collect(allSteps, vars);
    vars.put("steps", allSteps);
    return vars;
  }

  private void collect(Map<String, Object> allSteps, Map<String, Object> vars) {
    if (parent != null) parent.collect(allSteps, vars);
    synchronized (this) { allSteps.putAll(steps); }
    if (itemName != null) vars.put(itemName, itemValue);
  }
}

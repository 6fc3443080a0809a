package io.runbook.engine.validate;

import io.runbook.engine.model.StepDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every step of a runbook in run order, with the groups around it; the basis for what a step may refer to. */
final class StepIndex {
  /** A step, its place in run order (pre-order) and its enclosing groups, outermost first. */
  record Entry(StepDecl decl, int order, List<StepDecl> ancestors) {
    boolean insideOf(StepDecl group) {
      for (StepDecl a : ancestors) if (a == group) return true;
      return false;
    }
  }

  final List<Entry> all = new ArrayList<>();
  /** First declaration of each id (later duplicates are reported, not indexed). */
  final Map<String, Entry> byId = new LinkedHashMap<>();
  final List<Entry> duplicates = new ArrayList<>();
  private final Map<StepDecl, Entry> entries = new java.util.IdentityHashMap<>();

  StepIndex(List<StepDecl> steps) { add(steps, List.of()); }

  private void add(List<StepDecl> steps, List<StepDecl> ancestors) {
    for (StepDecl s : steps) {
      Entry e = new Entry(s, all.size(), ancestors);
      all.add(e);
      entries.put(s, e);
      if (s.id() != null && !s.id().isEmpty()) {
        if (byId.containsKey(s.id())) duplicates.add(e);
        else byId.put(s.id(), e);
      }
      List<StepDecl> inner = new ArrayList<>(ancestors);
      inner.add(s);
      add(s.steps(), List.copyOf(inner));
    }
  }

  Entry entry(StepDecl s) {
    Entry e = entries.get(s);
    if (e == null) throw new IllegalArgumentException("not indexed: " + s.id());
    return e;
  }
}

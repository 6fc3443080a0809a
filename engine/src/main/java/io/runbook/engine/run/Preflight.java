package io.runbook.engine.run;

import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.StepType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Refusals before anything runs: steps that need an inventory without one (their type acts on hosts or a cloud, or they
 * name a host in {@code on:}), confirmations nobody can give.
 */
public final class Preflight {
  private Preflight() {}

  /** Why the run cannot start, or empty when it can. */
  static Optional<String> check(Runbook rb, StepRegistry registry, boolean haveInventory, boolean yes, Operator operator) {
    List<String> needInventory = new ArrayList<>();
    List<String> needConfirm = new ArrayList<>();
    collect(rb, rb.steps(), "", registry, needInventory, needConfirm);
    if (!haveInventory && !needInventory.isEmpty()) return Optional.of(needInventory(needInventory));
    if (!needConfirm.isEmpty() && !yes && !operator.interactive()) {
      return Optional.of("steps " + listed(needConfirm) + " need confirmation and there is no terminal to"
          + " ask; nothing was run. Run again with --yes if they are meant to run");
    }
    return Optional.empty();
  }

  /** Why the runbook cannot run (or be planned) without an inventory, or empty when it can: a plan refuses alike. */
  public static Optional<String> inventoryRefusal(Runbook rb, StepRegistry registry, boolean haveInventory) {
    if (haveInventory) return Optional.empty();
    List<String> needInventory = new ArrayList<>();
    collect(rb, rb.steps(), "", registry, needInventory, new ArrayList<>());
    return needInventory.isEmpty() ? Optional.empty() : Optional.of(needInventory(needInventory));
  }

  private static String needInventory(List<String> steps) {
    return "steps " + listed(steps) + " need hosts or a cloud: give an inventory with -i FILE";
  }

  /** The first few names and how many more: a shipped runbook has dozens, and one is enough to see why. */
  static String listed(List<String> steps) {
    if (steps.size() <= LISTED) return String.join(", ", steps);
    return String.join(", ", steps.subList(0, LISTED)) + " and " + (steps.size() - LISTED) + " more";
  }

  private static final int LISTED = 5;

  private static void collect(Runbook rb, List<StepDecl> steps, String prefix, StepRegistry registry,
                              List<String> needInventory, List<String> needConfirm) {
    for (StepDecl d : steps) {
      if (d.isGroup()) {
        collect(rb, d.steps(), prefix + d.id() + "/", registry, needInventory, needConfirm);
        continue;
      }
      if (Runbook.isCall(d)) {
        Runbook callee = rb.callees().get(d.id());
        if (callee != null) collect(callee, callee.steps(), prefix + d.id() + "/", registry, needInventory, needConfirm);
        continue;
      }
      Optional<StepType<?, ?>> found = registry.find(d.use().get());
      if (found.isEmpty()) continue;
      StepType<?, ?> type = found.get();
      String what = prefix + d.id() + " (" + type.name() + ")";
      if (type.needsHost() || type.needsCloud()) {
        needInventory.add(what);
      } else if (d.on().isPresent()) {
        // Any step given a host acts on it (core.exec over its transport): without an inventory it could only fail
        // when reached, after the steps before it ran. Say where, as its type alone does not explain the need.
        needInventory.add(prefix + d.id() + " (" + type.name() + ", on: " + d.on().get().trim() + " at " + d.posOf("on") + ")");
      }
      if (StepRunner.needsConfirmation(type, d)) needConfirm.add(what);
    }
  }
}

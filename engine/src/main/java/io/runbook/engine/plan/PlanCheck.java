package io.runbook.engine.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code run --plan} checks against the plan that was reviewed: the runbook, the parameters and the inventory
 * must be the same (else the run is refused), and READS results that differ now are warned about.
 */
public final class PlanCheck {
  private PlanCheck() {}

  /** Why the reviewed plan does not cover this run: one line per difference; empty when it does. */
  public static List<String> refusals(PlanDocument reviewed, String runbookSha256, Map<String, String> givenParams,
                                      Optional<String> inventorySha256) {
    List<String> out = new ArrayList<>();
    if (!reviewed.runbook().sha256().equals(runbookSha256)) {
      out.add("the runbook changed since the plan was made (sha256 " + shortSha(reviewed.runbook().sha256())
          + " then, " + shortSha(runbookSha256) + " now)");
    }
    Map<String, String> then = reviewed.givenParams();
    for (String name : union(then, givenParams)) {
      String a = then.get(name);
      String b = givenParams.get(name);
      if (Objects.equals(a, b)) continue;
      if (a == null) out.add("parameter " + name + " is given now (" + b + ") but was not in the plan");
      else if (b == null) out.add("parameter " + name + " was " + a + " in the plan but is not given now");
      else out.add("parameter " + name + " was " + a + " in the plan, " + b + " now");
    }
    Optional<String> invThen = reviewed.inventory().map(PlanDocument.InventoryRef::sha256);
    if (!invThen.equals(inventorySha256)) {
      if (invThen.isEmpty()) out.add("an inventory is given now but the plan was made without one");
      else if (inventorySha256.isEmpty()) out.add("the plan was made with inventory " + reviewed.inventory().get().name()
          + " but none is given now");
      else out.add("the inventory changed since the plan was made (sha256 " + shortSha(invThen.get()) + " then, "
          + shortSha(inventorySha256.get()) + " now)");
    }
    return out;
  }

  /** READS results that differ between the reviewed plan and a plan made now: one line per step. */
  public static List<String> changedReads(PlanDocument reviewed, PlanDocument now) {
    List<String> out = new ArrayList<>();
    Map<String, Map<String, Object>> before = reviewed.readResults();
    Map<String, Map<String, Object>> after = now.readResults();
    for (var e : before.entrySet()) {
      Map<String, Object> current = after.get(e.getKey());
      if (current == null) {
        out.add("step " + e.getKey() + " could not be read again now");
      } else if (!same(e.getValue(), current)) {
        for (String field : union(e.getValue(), current)) {
          Object a = e.getValue().get(field);
          Object b = current.get(field);
          if (!same(a, b)) out.add("step " + e.getKey() + ": " + field + " was " + a + " in the plan, " + b + " now");
        }
      }
    }
    return out;
  }

  /** Values read back from JSON hold Integer where a fresh plan holds Long: compare them as text. */
  private static boolean same(Object a, Object b) { return String.valueOf(a).equals(String.valueOf(b)); }

  private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
    List<String> keys = new ArrayList<>(a.keySet());
    b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(keys::add);
    return keys;
  }

  private static String shortSha(String sha) { return sha == null ? "none" : sha.substring(0, Math.min(12, sha.length())); }
}

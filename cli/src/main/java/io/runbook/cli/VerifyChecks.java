package io.runbook.cli;

import io.runbook.engine.expr.Templates;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.VerifyCheck;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.db.MariaDbClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates a runbook's {@code verify:} checks after a run: a SQL check runs its query on the host's database (on
 * each host, when {@code on} gives a list) and compares the first column of the first row, as text, with
 * {@code expect} (true/false also match 1/0, as MariaDB answers a condition); an expression check must come to true.
 * A check that cannot be evaluated fails with why.
 */
final class VerifyChecks {
  /** The verdict on one check; {@code detail} says what was found when it failed. */
  record Result(VerifyCheck check, String what, boolean passed, String detail) {}

  private VerifyChecks() {}

  static List<Result> evaluate(List<VerifyCheck> checks, Map<String, Object> vars, Inventory inventory,
                               StandaloneStepContext ctx) {
    List<Result> out = new ArrayList<>();
    for (VerifyCheck c : checks) out.add(c.isSql() ? sql(c, vars, inventory, ctx) : that(c, vars));
    return out;
  }

  private static Result that(VerifyCheck c, Map<String, Object> vars) {
    String expr = c.that().orElseThrow();
    try {
      Object v = Templates.evaluate(expr, vars);
      boolean holds = Boolean.TRUE.equals(v) || "true".equals(v);
      return new Result(c, expr, holds, holds ? "" : "it is " + v);
    } catch (RuntimeException e) {
      return new Result(c, expr, false, "could not be evaluated: " + e.getMessage());
    }
  }

  private static Result sql(VerifyCheck c, Map<String, Object> vars, Inventory inventory, StandaloneStepContext ctx) {
    String what = c.sql().orElseThrow() + " on " + c.on().orElse("?");
    try {
      Object on = Templates.render(c.on().orElseThrow(), vars);
      // A list of hosts (e.g. every replica): the check must hold on each of them.
      List<String> hosts = on instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(on));
      String query = c.sql().orElseThrow();
      List<Object> bound = new ArrayList<>();
      for (String v : c.sqlParams()) bound.add(Templates.render(v, vars));
      String expected = String.valueOf(Templates.render(c.expect().orElseThrow(), vars));
      what = query + (bound.isEmpty() ? "" : " with ? = " + bound.stream().map(v -> "'" + v + "'").toList()) + " on "
          + (hosts.isEmpty() ? "no hosts (nothing to check)" : String.join(", ", hosts)) + " = " + expected;
      List<String> failures = new ArrayList<>();
      for (String hostName : hosts) {
        String prefix = hosts.size() == 1 && !(on instanceof List<?>) ? "" : hostName + ": ";
        Optional<Host> host = inventory.host(hostName);
        if (host.isEmpty()) {
          failures.add("host '" + hostName + "' is not in the inventory");
          continue;
        }
        try {
          String actual = MariaDbClient.of(ctx, host.get()).value(query, bound);
          if (!same(expected, actual)) failures.add(prefix + "it returned " + (actual == null ? "no row" : "'" + actual + "'"));
        } catch (StepFailure e) {
          failures.add(prefix.isEmpty() ? e.getMessage() : prefix + e.getMessage());
        }
      }
      return new Result(c, what, failures.isEmpty(), String.join("; ", failures));
    } catch (RuntimeException e) {
      return new Result(c, what, false, "could not be evaluated: " + e.getMessage());
    }
  }

  static boolean same(String expected, String actual) {
    if (actual == null) return false;
    if (expected.equals(actual)) return true;
    return ("true".equals(expected) && "1".equals(actual)) || ("false".equals(expected) && "0".equals(actual));
  }
}

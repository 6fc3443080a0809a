package io.runbook.cli;

import io.runbook.engine.bind.InputBinder;
import io.runbook.engine.bind.Values;
import io.runbook.engine.expr.Templates;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.VerifyCheck;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.JournalReplay;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.db.MariaDbClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates a runbook's {@code verify:} checks after a run: a SQL check runs its query on the host's database (on
 * each host, when {@code on} gives a list) and compares the first column of the first row, as text, with
 * {@code expect} (true/false also match 1/0, as MariaDB answers a condition); an expression check must come to true;
 * a step check runs its read-only step type on each host and its {@code that} must come to true over the outputs
 * ({@code result}). A check that cannot be evaluated fails with why. Nothing here changes what it judges: SQL runs in
 * a READ ONLY transaction, step checks use READS types only. {@code runbook drill} and {@code runbook verify} judge
 * with it and print the verdicts with {@link #report}. Public for tests that judge a run on an estate they built
 * themselves (a drill builds its own).
 */
public final class VerifyChecks {
  /** The verdict on one check; {@code detail} says what was found when it failed. */
  public record Result(VerifyCheck check, String what, boolean passed, String detail) {}

  private VerifyChecks() {}

  /** The verdict on a finished run's checks: step outputs from its journal (runDir), the hosts' state as it is now. */
  public static List<Result> ofRun(Path runDir, Runbook rb, StepRegistry registry, Inventory inventory,
                                   Map<String, Object> params, StandaloneStepContext ctx) throws IOException {
    Map<String, Object> vars = JournalReplay.of(runDir).endVars(rb, registry, inventory, params);
    return evaluate(rb.verify(), vars, inventory, ctx, registry);
  }

  public static List<Result> evaluate(List<VerifyCheck> checks, Map<String, Object> vars, Inventory inventory,
                               StandaloneStepContext ctx, StepRegistry registry) {
    List<Result> out = new ArrayList<>();
    for (VerifyCheck c : checks) {
      Result r = c.isSql() ? sql(c, vars, inventory, ctx) : c.isStep() ? step(c, vars, inventory, ctx, registry) : that(c, vars);
      // What was evaluated and found may quote a secret parameter's value or a server's error about a password.
      out.add(new Result(r.check(), ctx.redactor().redact(r.what()), r.passed(), ctx.redactor().redact(r.detail())));
    }
    return out;
  }

  /** Statements a SQL check may send: a query (after any comments), never one that writes a file. */
  private static final Pattern READ_SQL = Pattern.compile(
      "(?is)\\A\\s*(?:(?:--[^\\n]*(?:\\n|\\z)|#[^\\n]*(?:\\n|\\z)|/\\*.*?\\*/)\\s*)*(?:SELECT|SHOW|WITH)\\b");
  private static final Pattern WRITES_FILE = Pattern.compile("(?i)\\bINTO\\s+(?:OUT|DUMP)FILE\\b");

  /**
   * The SQL checks that could change what they judge, one line each naming the check and why: not a SELECT, SHOW or
   * WITH query, or one that writes a file. Empty when every SQL check only reads. (A write inside a query still fails:
   * SQL checks run in a READ ONLY transaction. A step check's type is held to READS by the validator when the runbook
   * loads.)
   */
  public static List<Problem> notReadOnly(List<VerifyCheck> checks) {
    List<Problem> out = new ArrayList<>();
    for (VerifyCheck c : checks) {
      if (c.isSql() && (!READ_SQL.matcher(c.sql().get()).find() || WRITES_FILE.matcher(c.sql().get()).find())) {
        out.add(new Problem(c.posOf("sql"), "verify check '" + c.because() + "': '" + c.sql().get() + "' is not a query"
            + " that only reads; use a SELECT or SHOW statement"));
      }
    }
    return out;
  }

  /**
   * The verdicts as drill and verify print them: per check "PASS|FAIL  because", then what was evaluated (and what
   * was found when it failed), into {@code text}; returns the same as the {@code checks} field of their JSON event
   * ({@code because}, {@code check}, {@code passed}, {@code detail}; docs/json-output.md).
   */
  static List<Map<String, Object>> report(List<Result> results, StringBuilder text) {
    text.append("checks:\n");
    if (results.isEmpty()) text.append("  (none)\n");
    List<Map<String, Object>> checks = new ArrayList<>();
    for (Result r : results) {
      text.append("  ").append(r.passed() ? "PASS" : "FAIL").append("  ").append(r.check().because()).append('\n');
      text.append("        ").append(r.what()).append(r.passed() ? "" : ": " + r.detail()).append('\n');
      checks.add(Console.fields("because", r.check().because(), "check", r.what(), "passed", r.passed(),
          "detail", r.passed() ? null : r.detail()));
    }
    return checks;
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

  /** Runs the step type on each host of 'on' and judges its outputs there; the failures name the host and the values. */
  private static Result step(VerifyCheck c, Map<String, Object> vars, Inventory inventory, StandaloneStepContext ctx,
                             StepRegistry registry) {
    String use = c.use().orElseThrow();
    String expr = c.that().orElseThrow();
    String what = use + " on " + c.on().orElse("?") + ": " + expr;
    try {
      Object on = Templates.render(c.on().orElseThrow(), vars);
      List<String> hosts = on instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(on));
      what = use + " on " + (hosts.isEmpty() ? "no hosts (nothing to check)" : String.join(", ", hosts)) + ": " + expr;
      StepType<?, ?> type = registry.find(use).orElseThrow(() -> new IllegalStateException("unknown step type " + use));
      List<String> failures = new ArrayList<>();
      for (String hostName : hosts) {
        String prefix = hosts.size() == 1 && !(on instanceof List<?>) ? "" : hostName + ": ";
        if (inventory.host(hostName).isEmpty()) {
          failures.add("host '" + hostName + "' is not in the inventory");
          continue;
        }
        try {
          Object result = Values.of(runAlone(type, ctx.forStep("verify", hostName)));
          Map<String, Object> scope = new HashMap<>(vars);
          scope.put(VerifyCheck.RESULT, result);
          Object v = Templates.evaluate(expr, scope);
          if (!Boolean.TRUE.equals(v) && !"true".equals(v)) failures.add(prefix + "it is " + v + referenced(expr, result));
        } catch (StepFailure e) {
          failures.add(prefix + e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failures.add(prefix + "interrupted");
        }
      }
      return new Result(c, what, failures.isEmpty(), String.join("; ", failures)); // evaluate redacts every result
    } catch (RuntimeException e) {
      return new Result(c, what, false, "could not be evaluated: " + e.getMessage());
    }
  }

  private static <I, O> O runAlone(StepType<I, O> type, StandaloneStepContext ctx) throws StepFailure, InterruptedException {
    return type.run(InputBinder.bind(null, type.inputType()), ctx);
  }

  private static final Pattern RESULT_FIELD = Pattern.compile("\\b" + VerifyCheck.RESULT + "\\.([A-Za-z_][A-Za-z0-9_]*)");

  /** The values of the {@code result.x} fields the expression reads, to say why it is false: " (result.x = 'v', ...)". */
  private static String referenced(String expr, Object result) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = RESULT_FIELD.matcher(expr);
    while (m.find()) names.add(m.group(1));
    if (names.isEmpty() || !(result instanceof Map<?, ?> fields)) return "";
    List<String> parts = new ArrayList<>();
    for (String n : names) {
      Object v = fields.get(n);
      parts.add(VerifyCheck.RESULT + "." + n + " = " + (v instanceof String str ? "'" + str + "'" : String.valueOf(v)));
    }
    return " (" + String.join(", ", parts) + ")";
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
          String actual = firstValue(MariaDbClient.of(ctx, host.get()).readOnly(query, bound));
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

  /** The first column of the first row as text, or null when there is no row (as {@link MariaDbClient#value}). */
  private static String firstValue(List<Map<String, Object>> rows) {
    if (rows.isEmpty() || rows.get(0).isEmpty()) return null;
    Object v = rows.get(0).values().iterator().next();
    return v == null ? null : v.toString();
  }

  static boolean same(String expected, String actual) {
    if (actual == null) return false;
    if (expected.equals(actual)) return true;
    return ("true".equals(expected) && "1".equals(actual)) || ("false".equals(expected) && "0".equals(actual));
  }
}

package io.runbook.engine.validate;

import io.runbook.engine.bind.ParamType;
import io.runbook.engine.expr.ExprException;
import io.runbook.engine.expr.Templates;
import io.runbook.engine.expr.Type;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.util.Spelling;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a {@code use: runbook} step: its {@code with:} ({@code name}, {@code params}), the params it passes
 * against the callee's declarations (unknown, missing, wrong types), and the keys that do not apply to a call.
 */
final class CallCheck {
  static final List<String> WITH_KEYS = List.of("name", "params");

  private final List<Problem> problems;
  private final StepDecl step;
  private final String label;
  private final Type.RecordOf scope;
  private final Runbook callee;
  private final Optional<Inventory> inventory;

  /** {@code callee} null: it could not be loaded (the loader reported why); only the expressions are checked. */
  CallCheck(List<Problem> problems, StepDecl step, String label, Type.RecordOf scope, Runbook callee,
            StepRegistry registry, Optional<Inventory> inventory) {
    this.problems = problems;
    this.step = step;
    this.label = label;
    this.scope = scope;
    this.callee = callee;
    this.inventory = inventory;
  }

  private void problem(SourcePos pos, String message) { problems.add(new Problem(pos, message)); }

  void check() {
    for (String key : List.of("on", "retry", "timeout", "confirm")) {
      if (step.positions().containsKey(key)) {
        problem(step.posOf(key), label + ": '" + key + "' does not apply to 'use: runbook'; put it on the steps of the "
            + "called runbook (pass hosts to it as params)");
      }
    }
    for (String key : step.with().keySet()) {
      if (!WITH_KEYS.contains(key)) {
        problem(step.posOf("with." + key), label + ": unknown input '" + key + "' of 'use: runbook'"
            + Spelling.hint(key, WITH_KEYS) + "; inputs: name, params");
      }
    }
    Object raw = step.with().get("params");
    Map<?, ?> given = Map.of();
    if (raw instanceof Map<?, ?> m) {
      given = m;
    } else if (raw != null) {
      problem(step.posOf("with.params"), label + ": 'params' must be a map of parameter name to value");
    }
    if (callee == null) {
      given.forEach((k, v) -> expressions(v, "with.params." + k));
      return;
    }
    String who = "runbook " + callee.name();
    for (Object key : given.keySet()) {
      String k = String.valueOf(key);
      if (!callee.params().containsKey(k)) {
        String hint = Spelling.hint(k, callee.params().keySet());
        problem(step.posOf("with.params." + k), label + ": " + who + " has no parameter '" + k + "'"
            + (hint.isEmpty() ? known() : hint));
        expressions(given.get(key), "with.params." + k);
      }
    }
    for (ParamDecl p : callee.params().values()) {
      boolean passed = given.containsKey(p.name()) && given.get(p.name()) != null;
      if (!passed) {
        if (p.required() && p.defaultValue().isEmpty()) {
          SourcePos at = step.positions().containsKey("with.params") ? step.posOf("with.params")
              : step.positions().containsKey("with") ? step.posOf("with") : step.posOf("use");
          problem(at, label + ": " + who + " needs parameter '" + p.name() + "' (" + p.type() + ")"
              + p.description().map(d -> ": " + d).orElse("") + "; pass it under with.params");
        }
        continue;
      }
      param(p, given.get(p.name()), "with.params." + p.name());
    }
  }

  private String known() {
    return callee.params().isEmpty() ? "; it declares no parameters"
        : "; its parameters: " + String.join(", ", callee.params().keySet());
  }

  private void param(ParamDecl p, Object value, String path) {
    Optional<ParamType> type = ParamType.parse(p.type());
    String what = label + ": parameter '" + p.name() + "' of runbook " + callee.name();
    if (value instanceof String s && Templates.hasTemplate(s)) {
      Templates.Checked checked = Templates.check(s, scope, false);
      for (ExprException e : checked.errors()) {
        problem(Validator.at(step.posOf(path), s, e.offset()), what + ": " + e.reason());
      }
      if (checked.type() != null && type.isPresent() && !p.secret()
          && !InputCheck.fits(checked.type(), type.get().exprType())) {
        problem(step.posOf(path), what + " is " + p.type() + ", but the expression gives " + checked.type());
      }
      return;
    }
    expressions(value, path);
    if (type.isEmpty()) return; // the callee's own validation reports its unknown type
    if (p.secret()) {
      if (!(value instanceof String s && SecretRef.looksLikeRef(s))) {
        problem(step.posOf(path), what + " is secret: pass a reference such as env:VARIABLE or file:PATH, or the "
            + "caller's own secret parameter, never the value");
      }
      return;
    }
    try {
      Optional<Pattern> pattern = p.pattern().map(Pattern::compile);
      type.get().convert(value, false, new ParamType.Rules(p.values(), pattern, inventory.orElse(null), Instant.EPOCH));
    } catch (IllegalArgumentException e) {
      problem(step.posOf(path), what + " (" + p.type() + ") " + e.getMessage());
    } catch (RuntimeException e) {
      // A pattern that does not compile is the callee's own problem, reported at its declaration.
    }
  }

  /** Templates inside a literal list or map are still checked against the caller's scope. */
  private void expressions(Object value, String path) {
    if (value instanceof String s && Templates.hasTemplate(s)) {
      for (ExprException e : Templates.check(s, scope, false).errors()) {
        problem(Validator.at(step.posOf(path), s, e.offset()), label + ": '" + path + "': " + e.reason());
      }
    } else if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> expressions(v, path + "." + k));
    } else if (value instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) expressions(l.get(i), path + "[" + i + "]");
    }
  }
}

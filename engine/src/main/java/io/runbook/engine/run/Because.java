package io.runbook.engine.run;

import io.runbook.engine.expr.Templates;
import io.runbook.engine.model.Require;
import java.util.Map;

/**
 * A {@code require}'s {@code because} with its {@code ${{ }}} templates filled in. When one cannot be (a value only
 * known at run time while planning, or an expression that fails), {@code text} is the text as written and
 * {@code unresolved} says why, so the refusal is never hidden behind the failure of its explanation.
 */
public record Because(String text, String unresolved) {
  static Because of(Require r, Map<String, Object> vars) {
    if (!Templates.hasTemplate(r.because())) return new Because(r.because(), null);
    try {
      return new Because(String.valueOf(Templates.render(r.because(), vars)), null);
    } catch (RuntimeException e) {
      return new Because(r.because(), String.valueOf(e.getMessage()));
    }
  }

  /** Whether the text is the one as written because a template could not be filled in. */
  public boolean isUnresolved() { return unresolved != null; }
}

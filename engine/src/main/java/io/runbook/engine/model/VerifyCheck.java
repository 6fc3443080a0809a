package io.runbook.engine.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One check of a runbook's {@code verify:} section, evaluated by {@code runbook drill} after the run (never by
 * {@code runbook run}). Either a SQL condition ({@code sql} on host {@code on}, its {@code ?} marks bound to {@code params}: the first column of the first row
 * must equal {@code expect}, a literal or a template) or an expression ({@code that}, a template over the runbook's
 * params and step outputs that must come to true). {@code because} says what promise the check stands for.
 */
public record VerifyCheck(
    Optional<String> sql,
    List<String> sqlParams,
    Optional<String> on,
    Optional<String> expect,
    Optional<String> that,
    String because,
    SourcePos pos,
    Map<String, SourcePos> positions) {

  /** Where a key's value is (the check's own position when the key is absent). */
  public SourcePos posOf(String key) { return positions.getOrDefault(key, pos); }

  /** Whether this is a SQL check (else an expression check). */
  public boolean isSql() { return sql.isPresent(); }
}

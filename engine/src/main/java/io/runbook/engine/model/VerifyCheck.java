package io.runbook.engine.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One check of a runbook's {@code verify:} section, evaluated by {@code runbook drill} after the run and by
 * {@code runbook verify RUN_ID} after a real one (never by {@code runbook run}). A SQL condition ({@code sql} on host {@code on}, its {@code ?} marks bound to {@code params}:
 * the first column of the first row must equal {@code expect}, a literal or a template); an expression ({@code that},
 * a template over the runbook's params and step outputs that must come to true); or a step check ({@code use}: a
 * read-only step type run on each host of {@code on} without inputs, then {@code that} over its outputs, named
 * {@code result}), for state one SQL value cannot give, such as every replication connection of a replica.
 * {@code because} says what promise the check stands for.
 */
public record VerifyCheck(
    Optional<String> sql,
    List<String> sqlParams,
    Optional<String> on,
    Optional<String> expect,
    Optional<String> that,
    Optional<String> use,
    String because,
    SourcePos pos,
    Map<String, SourcePos> positions) {

  /** The name a step check's {@code that} reads the step's outputs by. */
  public static final String RESULT = "result";

  /** Where a key's value is (the check's own position when the key is absent). */
  public SourcePos posOf(String key) { return positions.getOrDefault(key, pos); }

  /** Whether this is a SQL check. */
  public boolean isSql() { return sql.isPresent(); }

  /** Whether this is a step check ({@code use} + {@code on} + {@code that}). */
  public boolean isStep() { return use.isPresent(); }
}

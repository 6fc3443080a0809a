/**
 * The expression language of runbooks: {@code ${{ ... }}} templates and bare expressions, type-checked at
 * validate time and evaluated purely at run time.
 *
 * <p>Why our own language and not CEL (dev.cel:cel): CEL-java pulls protobuf and guava into start-up, and
 * {@code runbook validate} must finish in under 0.8 s of wall time; and CEL's type system can only describe
 * structured values through protobuf descriptors, so it cannot type-check our record-shaped step outputs
 * ({@code steps.pick.snapshot}) without generating descriptors for every step type. This language keeps CEL's
 * syntax for what runbooks need (literals, member access, index, arithmetic on numbers, timestamps and durations,
 * comparisons, {@code in}, {@code && || ! ?:}, and the functions size, string, int, duration, timestamp, join,
 * has, default, startsWith, endsWith, contains, matches), with static types derived from Java records.
 *
 * <p>Evaluation is safe: no I/O, no reflection on values, no side effects; expressions are capped in length and
 * nesting, strings in size, and regular expressions in the work they may do.
 */
package io.runbook.engine.expr;

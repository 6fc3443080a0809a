package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Polls a SQL condition until it is true or the timeout passes. A server that does not answer yet counts as
 * "not yet" (so it can wait for a starting server); a wrong query or a refused login fails at once.
 */
@Doc("Wait until a SQL query returns true (first column of the first row), polling at an interval")
public final class WaitUntil implements StepType<WaitUntil.Input, WaitUntil.Output> {
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  @Doc("The condition and how long to wait for it")
  public record Input(
      @Doc("A read-only query; true when its first value is not NULL, 0, '' or false") String sql,
      @Doc("Values bound to the ? marks, in order") Optional<List<Object>> params,
      @Doc(value = "Give up after this long", defaultValue = "5m") Optional<Duration> timeout,
      @Doc(value = "Time between two polls", defaultValue = "1s") Optional<Duration> interval) {}

  @Doc("What the condition returned")
  public record Output(
      @Doc("The first value when the condition became true") String value,
      @Doc("How long the wait took, in milliseconds") long waitedMs) {}

  @Override public String name() { return "db.wait"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return Plan.waitFor(ctx.target().map(h -> h.name()).orElse(null),
        "until " + SqlQuoting.withValues(in.sql(), in.params().orElse(List.of())) + " is true (every "
            + Durations.format(in.interval().orElse(DEFAULT_INTERVAL)) + ", at most "
            + Durations.format(in.timeout().orElse(DEFAULT_TIMEOUT)) + ")");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    Query.requireReading(in.sql(), db);
    Duration timeout = in.timeout().orElse(DEFAULT_TIMEOUT);
    Instant start = Instant.now();
    String[] last = {"no answer yet"};
    Output out = Poll.until(ctx, timeout, in.interval().orElse(DEFAULT_INTERVAL), () -> {
      try {
        List<Map<String, Object>> rows = db.readOnly(in.sql(), in.params().orElse(List.of()));
        Object v = rows.isEmpty() ? null : rows.get(0).values().iterator().next();
        last[0] = rows.isEmpty() ? "no rows" : "value " + v;
        return truthy(v) ? new Output(String.valueOf(v), Duration.between(start, Instant.now()).toMillis()) : null;
      } catch (StepFailure f) {
        if (!f.retryable()) throw f;
        last[0] = f.getMessage();
        return null;
      }
    });
    if (out != null) return out;
    throw new StepFailure(db.where() + ": " + MariaDbClient.shorten(in.sql()) + " was not true within "
        + Durations.format(timeout) + " (last: " + last[0] + ")", false,
        "check why the condition does not hold, or give the step a longer timeout", null);
  }

  /** SQL truth: not NULL, not zero, not empty, not false. */
  static boolean truthy(Object v) {
    if (v == null) return false;
    if (v instanceof Boolean b) return b;
    if (v instanceof Number n) return new BigDecimal(n.toString()).signum() != 0;
    String s = v.toString().trim();
    return !(s.isEmpty() || s.equals("0") || s.equalsIgnoreCase("false") || s.equalsIgnoreCase("OFF") || s.equalsIgnoreCase("NO"));
  }
}

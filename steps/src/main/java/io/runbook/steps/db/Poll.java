package io.runbook.steps.db;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.time.Duration;
import java.time.Instant;

/** The one way the db steps wait: ask again every {@code interval} until an answer, the timeout, or the step's deadline. */
final class Poll {
  /** One look at the condition: a value when it holds, null when not yet. */
  interface Attempt<T> {
    T get() throws StepFailure;
  }

  private Poll() {}

  /** The first non-null answer, or null when time ran out. The first attempt is made immediately. */
  static <T> T until(StepContext ctx, Duration timeout, Duration interval, Attempt<T> attempt)
      throws StepFailure, InterruptedException {
    Instant end = Instant.now().plus(timeout);
    if (ctx.deadline().isPresent() && ctx.deadline().get().isBefore(end)) end = ctx.deadline().get();
    while (true) {
      T answer = attempt.get();
      if (answer != null) return answer;
      Duration left = Duration.between(Instant.now(), end);
      if (left.isNegative() || left.isZero()) return null;
      Thread.sleep(Math.min(interval.toMillis(), Math.max(1, left.toMillis())));
    }
  }
}

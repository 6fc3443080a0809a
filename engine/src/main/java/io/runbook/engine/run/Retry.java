package io.runbook.engine.run;

import io.runbook.engine.model.RetrySpec;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The one retry policy: exponential backoff (doubling from the spec's first delay) with jitter, capped. */
public final class Retry {
  /** No single wait is longer than this, however many attempts are allowed. */
  public static final Duration MAX_DELAY = Duration.ofMinutes(5);

  private Retry() {}

  /** The wait before attempt {@code failedAttempts + 1}: backoff * 2^(failedAttempts-1), times a jitter in [0.5, 1.5). */
  public static Duration delayAfter(RetrySpec spec, int failedAttempts) {
    if (spec.backoff().isZero() || spec.backoff().isNegative()) return Duration.ZERO;
    double base = spec.backoff().toMillis() * Math.pow(2, Math.max(0, failedAttempts - 1));
    double jittered = base * (0.5 + ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis((long) Math.min(jittered, MAX_DELAY.toMillis()));
  }
}

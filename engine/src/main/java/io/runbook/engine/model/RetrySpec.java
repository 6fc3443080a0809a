package io.runbook.engine.model;

import java.time.Duration;

/** Retry of retryable failures: total attempts and the first backoff (doubled each time, with jitter). */
public record RetrySpec(int attempts, Duration backoff) {
  public static final RetrySpec NONE = new RetrySpec(1, Duration.ZERO);
}

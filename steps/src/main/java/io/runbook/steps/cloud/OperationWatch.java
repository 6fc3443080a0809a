package io.runbook.steps.cloud;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits for a long-running cloud operation: polls it, shows one progress line (operation, state, elapsed) and
 * gives up at the step's deadline. The one poll loop every cloud provider uses.
 */
public final class OperationWatch {
  /** One look at the operation. */
  public interface Probe {
    /** The current state; {@link State#done} ends the wait. Throws when the operation failed. */
    State poll() throws StepFailure;
  }

  /** What a poll saw. */
  public record State(boolean done, String status) {
    public static State running(String status) { return new State(false, status); }
    public static State finished(String status) { return new State(true, status); }
  }

  private OperationWatch() {}

  /**
   * Polls until done. {@code what} names the operation and resource ("create snapshot data-r1"); on timeout the
   * failure says the operation may still complete in the cloud and that resume will look for its result.
   */
  public static void await(StepContext ctx, String what, Duration interval, Probe probe)
      throws StepFailure, InterruptedException {
    Instant started = Instant.now();
    while (true) {
      State s = probe.poll();
      long elapsed = Duration.between(started, Instant.now()).toSeconds();
      if (s.done()) {
        ctx.log().progress(what + ": " + s.status() + " after " + elapsed + "s");
        return;
      }
      ctx.log().progress(what + ": " + s.status() + " (" + elapsed + "s)");
      Duration wait = interval;
      if (ctx.deadline().isPresent()) {
        Duration left = Duration.between(Instant.now(), ctx.deadline().get());
        if (left.isNegative() || left.isZero()) {
          throw StepFailure.fatal("step " + ctx.stepId() + ": timed out after " + elapsed + "s waiting for " + what
                  + " (still " + s.status() + ")",
              "the operation may still complete in the cloud; look at the resource, then resume the run "
                  + "(resume checks whether it exists) or raise the step's timeout");
        }
        if (left.compareTo(wait) < 0) wait = left;
      }
      Thread.sleep(Math.max(1, wait.toMillis()));
    }
  }
}

package io.runbook.steps.cloud;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The provisioning state of a disk or snapshot an earlier attempt of the step made (found on a retry or a resume):
 * still being made (wait for it), made (use it) or failed (make it again, a PUT of the same resource).
 */
final class Provisioning {
  private static final Set<String> IN_PROGRESS = Set.of("Creating", "Updating", "Accepted", "Running");
  private static final Duration POLL = Duration.ofSeconds(2);

  /** Re-reads a resource. */
  interface Read<T> {
    T again() throws StepFailure;
  }

  private Provisioning() {}

  /** Whether a resource in this state can be used as made (an old provider that reports none counts as made). */
  static boolean made(String state) { return state == null || state.equals("Succeeded"); }

  /** Waits, bounded by the step's deadline, while {@code found} is being made; returns it as it ends up (null: gone). */
  static <T> T settled(StepContext ctx, String what, T found, Function<T, String> state, Read<T> read)
      throws StepFailure, InterruptedException {
    if (!IN_PROGRESS.contains(String.valueOf(state.apply(found)))) return found;
    AtomicReference<T> last = new AtomicReference<>(found);
    OperationWatch.await(ctx, what, POLL, () -> {
      T now = read.again();
      last.set(now);
      if (now == null) return OperationWatch.State.finished("gone");
      String s = String.valueOf(state.apply(now));
      return IN_PROGRESS.contains(s) ? OperationWatch.State.running(s) : OperationWatch.State.finished(s);
    });
    return last.get();
  }
}

package io.runbook.engine.run;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Stops a run cleanly from another thread (the Ctrl-C shutdown hook): running steps are interrupted, waits
 * end early, and the executor journals the interruption. {@link #awaitStopped} lets the hook wait for that.
 */
public final class Cancellation {
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
  private volatile boolean active;

  public void cancel() {
    cancelled.countDown();
    for (Future<?> f : running) f.cancel(true);
  }

  public boolean isCancelled() { return cancelled.getCount() == 0; }

  /** Throws when the run was cancelled; called between steps. */
  public void check(String where) throws RunStopped {
    if (isCancelled()) {
      throw new RunStopped(RunStatus.INTERRUPTED, "interrupted before " + where, null);
    }
  }

  /** Waits for the given time; returns false early when the run is cancelled. */
  public boolean sleep(Duration d) throws InterruptedException {
    return !cancelled.await(Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS);
  }

  void track(Future<?> f) {
    running.add(f);
    if (isCancelled()) f.cancel(true);
  }

  void untrack(Future<?> f) { running.remove(f); }

  /** The executor is running a run (the shutdown hook then waits for {@link #markStopped}). */
  public void markActive() { active = true; }

  /** The run's journal and lock are closed: the process may exit. */
  public void markStopped() { stopped.countDown(); }

  /** Cancels and waits up to {@code limit} for an active run to journal its interruption. */
  public void cancelAndWait(Duration limit) {
    cancel();
    if (!active) return;
    try {
      stopped.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

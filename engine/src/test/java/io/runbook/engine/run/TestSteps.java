package io.runbook.engine.run;

import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Step types for executor tests; each instance keeps what happened to it so a test can look. */
final class TestSteps {
  private TestSteps() {}

  /** Records its value in {@link #seen} and returns it. */
  static final class Record implements StepType<Record.Input, Record.Output> {
    record Input(String value) {}
    record Output(String value, long length) {}

    final List<String> seen = new CopyOnWriteArrayList<>();

    public String name() { return "test.record"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.CHANGES; }
    public Plan plan(Input in, StepContext ctx) { return Plan.note("record " + in.value()); }
    public Output run(Input in, StepContext ctx) {
      seen.add(in.value());
      return new Output(in.value(), in.value().length());
    }
  }

  /** Reads {@link #world} (READS), which a test changes between a run and its resume; counts its reads. */
  static final class Probe implements StepType<Probe.Input, Probe.Output> {
    record Input(Optional<String> what) {}
    record Output(String value) {}

    volatile String world = "";
    final AtomicInteger reads = new AtomicInteger();

    public String name() { return "test.probe"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.READS; }
    public Plan plan(Input in, StepContext ctx) { return Plan.note("read the world"); }
    public Output run(Input in, StepContext ctx) {
      reads.incrementAndGet();
      return new Output(world);
    }
  }

  /** Fails (retryable or not) the first {@code failures} times it is called for a key, then succeeds. */
  static final class Flaky implements StepType<Flaky.Input, Flaky.Output> {
    record Input(String key, int failures, boolean retryable) {}
    record Output(int attempts) {}

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    public String name() { return "test.flaky"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.CHANGES; }
    public Plan plan(Input in, StepContext ctx) { return Plan.none(); }
    public Output run(Input in, StepContext ctx) throws StepFailure {
      int n = calls.computeIfAbsent(in.key(), k -> new AtomicInteger()).incrementAndGet();
      if (n <= in.failures()) {
        throw new StepFailure("call " + n + " of " + in.key() + " failed", in.retryable(), "try again", null);
      }
      return new Output(n);
    }
  }

  /** Sleeps; counts how many run at once, and whether it was interrupted. */
  static final class Slow implements StepType<Slow.Input, Slow.Output> {
    record Input(Duration duration, Optional<String> label) {}
    record Output(String label) {}

    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final AtomicInteger interrupted = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();

    public String name() { return "test.slow"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.CHANGES; }
    public Plan plan(Input in, StepContext ctx) { return Plan.none(); }
    public Output run(Input in, StepContext ctx) throws InterruptedException {
      started.incrementAndGet();
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(in.duration().toMillis());
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      } finally {
        running.decrementAndGet();
      }
      return new Output(in.label().orElse(""));
    }
  }

  /** Blocks until interrupted the first time; reconcile answers {@link #answer}. Not idempotent. */
  static final class Uncertain implements StepType<Uncertain.Input, Uncertain.Output> {
    record Input(String value) {}
    record Output(String value, String how) {}

    volatile Reconciled.Status answer = Reconciled.Status.UNKNOWN;
    volatile boolean block = true;
    volatile boolean idempotent;
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger reconciles = new AtomicInteger();

    public String name() { return "test.uncertain"; }
    public boolean idempotent() { return idempotent; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.CHANGES; }
    public Plan plan(Input in, StepContext ctx) { return Plan.none(); }
    public Output run(Input in, StepContext ctx) throws InterruptedException {
      runs.incrementAndGet();
      if (block) Thread.sleep(60_000);
      return new Output(in.value(), "run");
    }
    public Reconciled<Output> reconcile(Input in, StepContext ctx) {
      reconciles.incrementAndGet();
      return switch (answer) {
        case DONE -> Reconciled.done(new Output(in.value(), "reconciled"));
        case NOT_DONE -> Reconciled.notDone();
        default -> Reconciled.unknown("cannot tell");
      };
    }
  }

  /** Removes something: needs confirmation. */
  static final class Destroy implements StepType<Destroy.Input, Destroy.Output> {
    record Input(String what) {}
    record Output() {}

    final AtomicInteger runs = new AtomicInteger();

    public String name() { return "test.destroy"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.DESTROYS; }
    public Plan plan(Input in, StepContext ctx) { return Plan.none(); }
    public Output run(Input in, StepContext ctx) {
      runs.incrementAndGet();
      return new Output();
    }
  }

  /** Like core.exec: declared CHANGES, but a use may say it destroys ({@code effect: DESTROYS}). */
  static final class MayDestroy implements StepType<MayDestroy.Input, MayDestroy.Output> {
    record Input(String what, Optional<Effect> effect) {}
    record Output() {}

    final AtomicInteger runs = new AtomicInteger();

    public String name() { return "test.may-destroy"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.CHANGES; }
    public Effect effectOf(Input in) { return in.effect().orElse(Effect.CHANGES); }
    public Plan plan(Input in, StepContext ctx) { return Plan.none(); }
    public Output run(Input in, StepContext ctx) {
      runs.incrementAndGet();
      return new Output();
    }
  }
}

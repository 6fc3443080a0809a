package io.runbook.engine.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.bind.KnownEffect;
import io.runbook.engine.journal.Json;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.engine.journal.RunHistory;
import io.runbook.engine.model.Require;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.AwaitingOperator;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs steps for real and journals them: confirmation of destructive steps, step-started before the step
 * does anything, retries of retryable failures, the timeout (the step runs on a worker thread that is
 * interrupted), and on resume the restore of finished steps and the reconciliation of an in-doubt step.
 */
public final class StepRunner implements StepVisitor, AutoCloseable {
  /** How long an interrupted step gets to stop before the executor moves on without it. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final RunSession s;
  private final StepRegistry registry;
  private final RunHistory history;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "step");
    t.setDaemon(true);
    return t;
  });

  /** {@code history} is the folded journal of an earlier attempt of this run (resume), or null for a new run. */
  public StepRunner(RunSession session, StepRegistry registry, RunHistory history) {
    this.s = session;
    this.registry = registry;
    this.history = history;
  }

  @Override
  public Prior prior(String path, StepDecl decl) {
    if (history == null) return Prior.NONE;
    Optional<RunHistory.StepStanding> standing = history.step(path);
    if (standing.isEmpty()) return Prior.NONE;
    return switch (standing.get().state()) {
      case SUCCEEDED -> {
        s.log().say("=  " + path + " (done before)");
        yield Prior.done(restore(decl, standing.get().outputs()));
      }
      case SKIPPED -> Prior.SKIPPED;
      case IN_DOUBT -> Prior.IN_DOUBT;
      default -> Prior.NONE;
    };
  }

  private Object restore(StepDecl decl, JsonNode outputs) {
    return JournalReplay.typedOutputs(registry, decl, outputs, s.log()::note);
  }

  @Override
  public void skipped(String path, StepDecl decl, String reason) {
    s.journal().append(JournalRecord.of(JournalRecord.STEP_SKIPPED, path).with("reason", reason));
    s.log().say("-  " + path + " skipped: " + reason);
  }

  @Override
  public void precondition(String path, Require require, boolean holds, Because because) throws RunStopped {
    if (holds) {
      s.log().note("   " + path + " require " + require.that() + ": true");
      return;
    }
    // The refusal stands even when its explanation cannot be filled in: the text as written, and why.
    String why = because.isUnresolved()
        ? because.text() + " (its explanation could not be filled in: " + because.unresolved() + ")" : because.text();
    // Redacted here, not only by the log and the journal: the message also travels in the outcome.
    String message = s.redactor().redact("step " + path + ": precondition failed: " + why);
    s.journal().append(JournalRecord.of(JournalRecord.STEP_FAILED, path)
        .with("kind", "precondition").with("message", message).with("that", require.that()));
    throw new RunStopped(RunStatus.PRECONDITION_FALSE, message,
        // A resume keeps the run's parameters: a refusal that needs other parameters is fixed by a new run.
        "it checks " + require.that() + "; when the fix is outside the run (a host, disk or setting), make it true,"
            + " then: runbook resume " + s.runId() + " (it reads again what the run read since its last change); when it"
            + " needs other parameters, start a new run (a resume keeps this run's)");
  }

  @Override
  public void cannotPrepare(String path, StepDecl decl, String message) throws RunStopped {
    String text = "step " + path + ": " + message;
    s.journal().append(JournalRecord.of(JournalRecord.STEP_FAILED, path).with("kind", "prepare").with("message", text));
    throw new RunStopped(RunStatus.FAILED, text, "fix the runbook, inventory or parameters; see " + decl.pos());
  }

  @Override
  public void enterRunbook(String path, StepDecl decl, Runbook callee) {
    s.log().say("-> " + path + " (runbook " + callee.name() + ")");
  }

  @Override
  public void leaveRunbook(String path, StepDecl decl, Runbook callee, java.util.Map<String, Object> outputs) {
    s.log().say("ok " + path + " (runbook " + callee.name() + ")");
  }

  @Override
  public Object execute(BoundStep b) throws RunStopped {
    Effect effect = b.type().effectOf(b.input());
    confirm(b, effect);
    s.journal().append(JournalRecord.of(JournalRecord.STEP_STARTED, b.path())
        .with("use", b.type().name())
        .with("effect", effect.name())
        .with("host", b.host().orElse(null))
        .with("input", Json.redactedTree(b.input(), s.redactor())));
    s.log().say("-> " + b.path() + " (" + b.type().name() + b.host().map(h -> " on " + h).orElse("") + ")");
    long started = System.nanoTime();
    int attempts = Math.max(1, b.decl().retry().attempts());
    for (int attempt = 1; ; attempt++) {
      try {
        Object out = attempt(b, () -> b.type().run(b.input(), context(b)));
        s.journal().append(JournalRecord.of(JournalRecord.STEP_SUCCEEDED, b.path())
            .with("outputs", Json.redactedTree(out, s.redactor())));
        s.log().say("ok " + b.path() + " (" + Durations.format(Duration.ofNanos(System.nanoTime() - started)) + ")");
        return out;
      } catch (AwaitingOperator w) {
        s.journal().append(JournalRecord.of(JournalRecord.APPROVAL_WAITING, b.path()).with("message", w.getMessage()));
        throw new RunStopped(RunStatus.WAITING, w.getMessage(), w.hint());
      } catch (StepFailure f) {
        if (f.retryable() && attempt < attempts && !s.cancellation().isCancelled()) {
          Duration wait = Retry.delayAfter(b.decl().retry(), attempt);
          s.log().say("   " + b.path() + " attempt " + attempt + "/" + attempts + " failed: " + f.getMessage()
              + "; retrying in " + Durations.format(wait));
          if (waitOrCancelled(wait)) continue;
          throw interrupted(b);
        }
        if (f.getCause() != null) s.log().trace("step " + b.path() + " failed", f);
        s.journal().append(JournalRecord.of(JournalRecord.STEP_FAILED, b.path())
            .with("message", f.getMessage()).with("hint", f.hint()).with("attempts", attempt));
        String message = f.getMessage() != null && f.getMessage().startsWith("step " + b.path())
            ? f.getMessage() : "step " + b.path() + " failed: " + f.getMessage();
        throw new RunStopped(RunStatus.FAILED, message, f.hint());
      } catch (InterruptedException e) {
        throw interrupted(b);
      }
    }
  }

  @Override
  public Object resumeInDoubt(BoundStep b) throws RunStopped {
    s.log().say("?  " + b.path() + " was in progress when the run stopped; checking whether it took effect");
    Reconciled<Object> r;
    try {
      r = attempt(b, () -> b.type().reconcile(b.input(), context(b)));
    } catch (InterruptedException e) {
      throw new RunStopped(RunStatus.INTERRUPTED, "interrupted while checking step " + b.path(), resumeHint());
    } catch (StepFailure f) {
      r = Reconciled.unknown("the check failed: " + f.getMessage());
    }
    if (r == null) r = Reconciled.unknown();
    switch (r.status()) {
      case DONE -> {
        s.journal().append(JournalRecord.of(JournalRecord.STEP_SUCCEEDED, b.path()).with("how", "reconciled")
            .with("outputs", Json.redactedTree(r.outputs(), s.redactor())));
        s.log().say("ok " + b.path() + " (had taken effect before the run stopped)");
        return r.outputs();
      }
      case NOT_DONE -> {
        s.log().say("   " + b.path() + " had not taken effect; running it again");
        return execute(b);
      }
      default -> {
        if (safeToRepeat(b)) {
          s.log().say("   " + b.path() + " cannot be checked, but running it again is safe; running it again");
          return execute(b);
        }
        String detail = r.detail() == null ? "" : " (" + r.detail() + ")";
        throw new RunStopped(RunStatus.WAITING, "step " + b.path() + " (" + b.type().name() + ") was in progress when"
            + " the run stopped, and whether it took effect cannot be checked" + detail,
            "find out whether it took effect, then either\n  runbook resume " + s.runId() + " --assume-done "
                + b.path() + "   (it did: skip it)\n  runbook resume " + s.runId() + " --rerun " + b.path()
                + "   (it did not: run it again)");
      }
    }
  }

  /** Destructive steps and steps with {@code confirm: true} need --yes or a yes typed at the terminal. */
  private void confirm(BoundStep b, Effect effect) throws RunStopped {
    if (!(effect == Effect.DESTROYS || b.decl().confirm()) || s.confirmed()) return;
    String what = "step " + b.path() + " (" + b.type().name() + b.host().map(h -> " on " + h).orElse("") + ")";
    if (!s.operator().interactive()) {
      // Its effect was only known now (the preflight refuses the others before step 1), so earlier steps may have
      // run: not a refusal (exit 2 says nothing ran) but a stop that resume --yes continues.
      String message = what + " needs confirmation and there is no terminal to ask; the run stopped before it (it"
          + " did not run; the steps before it did)";
      s.journal().append(JournalRecord.of(JournalRecord.STEP_FAILED, b.path()).with("kind", "unconfirmed")
          .with("message", message));
      throw new RunStopped(RunStatus.FAILED, message, "if it is meant to run: runbook resume " + s.runId() + " --yes");
    }
    String reason = effect == Effect.DESTROYS ? " destroys data or a service" : " asks to be confirmed";
    Optional<String> answer = s.operator().ask(what + reason + ". Type yes to run it: ");
    if (answer.isPresent() && answer.get().equals("yes")) return;
    String message = what + " was not confirmed";
    s.journal().append(JournalRecord.of(JournalRecord.STEP_FAILED, b.path()).with("kind", "declined").with("message", message));
    throw new RunStopped(RunStatus.FAILED, message, "resume the run when it should go on: runbook resume " + s.runId());
  }

  /**
   * Whether a step needs confirmation, judged before the run starts: {@code confirm: true}, or its effect as its
   * {@code with:} tells before the run ({@link KnownEffect}: a literal {@code effect: DESTROYS} of a core.exec counts
   * even when its command holds expressions). An effect that is itself an expression is judged by the type's declared
   * effect here, and by the real input when the step is reached.
   */
  public static boolean needsConfirmation(StepType<?, ?> type, StepDecl decl) {
    return decl.confirm() || KnownEffect.of(type, decl.with()) == Effect.DESTROYS;
  }

  /** Running it again cannot do harm: the type says so, or this use of it only reads. */
  private static boolean safeToRepeat(BoundStep b) {
    return b.type().idempotent() || b.type().effectOf(b.input()) == Effect.READS;
  }

  private RunStepContext context(BoundStep b) {
    Instant deadline = b.decl().timeout().map(t -> Instant.now().plus(t)).orElse(null);
    boolean approved = history != null && history.approved(b.path());
    return new RunStepContext(s, b.path(), b.host(), deadline, approved);
  }

  /** Runs one attempt on a worker thread, interrupted when the timeout runs out or the run is cancelled. */
  private <T> T attempt(BoundStep b, Callable<T> work) throws StepFailure, InterruptedException {
    CountDownLatch ended = new CountDownLatch(1);
    Future<T> f = workers.submit(() -> {
      try {
        return work.call();
      } finally {
        ended.countDown();
      }
    });
    s.cancellation().track(f);
    try {
      Optional<Duration> timeout = b.decl().timeout();
      return timeout.isPresent() ? f.get(timeout.get().toMillis(), TimeUnit.MILLISECONDS) : f.get();
    } catch (TimeoutException e) {
      f.cancel(true);
      awaitEnd(b, ended);
      throw new StepFailure("timed out after " + Durations.format(b.decl().timeout().get()), safeToRepeat(b),
          "raise its timeout: or find out why it is slow", null);
    } catch (CancellationException e) {
      awaitEnd(b, ended);
      throw new InterruptedException("cancelled");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StepFailure sf) throw sf;
      if (cause instanceof InterruptedException ie) throw ie;
      s.log().trace("step " + b.path() + " (" + b.type().name() + ") crashed", cause);
      throw new StepFailure("the step type " + b.type().name() + " crashed: " + cause, false,
          "this is a bug in the step type; the stack trace is in " + s.runDir().resolve("run.log"), cause);
    } finally {
      s.cancellation().untrack(f);
    }
  }

  /**
   * After an interrupt, gives the step a moment to stop (a command to be killed, a call to be abandoned) so that
   * what is journaled next describes a step that has really stopped, when it cooperates.
   */
  private void awaitEnd(BoundStep b, CountDownLatch ended) {
    try {
      if (!ended.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        s.log().say("warning: step " + b.path() + " did not stop within " + Durations.format(STOP_GRACE)
            + " of being interrupted; it is left running in the background");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean waitOrCancelled(Duration wait) {
    try {
      return s.cancellation().sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private RunStopped interrupted(BoundStep b) {
    s.journal().append(JournalRecord.of(JournalRecord.STEP_INTERRUPTED, b.path()));
    return new RunStopped(RunStatus.INTERRUPTED, "interrupted during step " + b.path(), resumeHint());
  }

  private String resumeHint() { return "continue with: runbook resume " + s.runId(); }

  @Override
  public void close() { workers.shutdownNow(); }
}

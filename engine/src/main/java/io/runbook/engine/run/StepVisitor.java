package io.runbook.engine.run;

import io.runbook.engine.model.Require;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import java.util.Map;

/**
 * What happens to each step the {@link StepWalker} reaches: the executor runs and journals it; a dry-run
 * planner would call {@code plan} instead. The walker owns the order, scopes and expressions; the visitor
 * owns the effects.
 */
public interface StepVisitor {
  /** What an earlier attempt of this run did with the step at {@code path}. */
  default Prior prior(String path, StepDecl decl) { return Prior.NONE; }

  /** {@code when} was false. */
  void skipped(String path, StepDecl decl, String reason) throws RunStopped;

  /**
   * A {@code require} was evaluated right before the step; a run stops when it does not hold. {@code because} is its
   * explanation with the templates filled in (or as written, when they could not be).
   */
  void precondition(String path, Require require, boolean holds, Because because) throws RunStopped;

  /**
   * A {@code when} or {@code require} could not be evaluated. A planner that knows the expression reads values
   * only known at run time answers true: the walker then goes on with the condition undecided. A run answers
   * false and the step cannot be prepared.
   */
  default boolean undecided(String path, StepDecl decl, String key, String expression) { return false; }

  /**
   * A {@code foreach} list could not be evaluated. A planner that knows the list is only known at run time answers
   * true: the walker then walks one sketched item, path {@code loop[*]}, with the {@code as} variable standing for
   * any item ({@link StepWalker#SKETCHED_ITEM}). A run answers false and the step cannot be prepared.
   */
  default boolean sketchForeach(String path, StepDecl decl, String message) { return false; }

  /**
   * A parameter that a {@code use: runbook} step passes could not be evaluated ({@code message} holds the value as
   * written and why). A planner that knows it reads values only known at run time answers true: the walker then walks
   * the callee with that parameter undecided (absent from its {@code params}), so its steps still show in the plan. A
   * run answers false and the call cannot be prepared.
   */
  default boolean undecidedParam(String path, StepDecl decl, String param, String message) { return false; }

  /**
   * An output of a called runbook could not be evaluated after its steps. A planner that knows it reads values only
   * known at run time answers true: the caller sees the call's other outputs, and this one as decided at run time.
   * A run answers false and the call cannot be prepared.
   */
  default boolean undecidedOutput(String path, StepDecl decl, String message) { return false; }

  /** The step could not be prepared (an expression failed, an input did not bind, an unknown host). */
  void cannotPrepare(String path, StepDecl decl, String message) throws RunStopped;

  /**
   * The step's {@code on:} expression gave a name the inventory does not have (a literal one is a validation problem
   * before this). A run cannot prepare the step; a planner that could evaluate it now knows the run would stop here.
   */
  default void unknownHost(String path, StepDecl decl, String message) throws RunStopped {
    cannotPrepare(path, decl, message);
  }

  /** Runs (or plans) the step; returns its output record, or null when it has none. */
  Object execute(BoundStep step) throws RunStopped;

  /** A {@code use: runbook} step starts its callee; its steps follow with paths under {@code path/}. */
  default void enterRunbook(String path, StepDecl decl, Runbook callee) throws RunStopped {}

  /** A {@code use: runbook} step's callee ended; {@code outputs} is what the caller sees as {@code steps.<id>}. */
  default void leaveRunbook(String path, StepDecl decl, Runbook callee, Map<String, Object> outputs) throws RunStopped {}

  /** The step was in doubt after a crash: reconcile it, then run it if needed. Returns its output record. */
  default Object resumeInDoubt(BoundStep step) throws RunStopped { return execute(step); }
}

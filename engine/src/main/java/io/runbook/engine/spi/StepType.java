package io.runbook.engine.spi;

/**
 * A kind of step a runbook can {@code use:}. Implementations are found with {@link java.util.ServiceLoader}
 * (register them in {@code META-INF/services/io.runbook.engine.spi.StepType}).
 *
 * <p>Inputs and outputs are Java records: the validator checks {@code with:} against the input record's
 * components, expressions are type-checked against the output record, and the JSON schema and the docs
 * are generated from both (use {@link Doc} on the class and on each component). An input component of
 * type {@code Optional<T>} is optional; any other is required.
 */
public interface StepType<I, O> {
  /** The name used in {@code use:}, e.g. {@code cloud.snapshot.find}. */
  String name();

  Class<I> inputType();

  Class<O> outputType();

  Effect effect();

  /**
   * The effect of one use of the step. Types whose effect depends on the input (core.exec's {@code effect:})
   * override it; confirmation and resume decisions use it.
   */
  default Effect effectOf(I input) { return effect(); }

  /** Running it twice has the same effect as running it once; resume may re-run it when in doubt. */
  default boolean idempotent() { return effect() == Effect.READS; }

  /** Whether the step acts on an inventory host and so needs {@code on:}. */
  default boolean needsHost() { return false; }

  /** Whether the step needs the inventory's cloud section. */
  default boolean needsCloud() { return false; }

  /** The exact commands, SQL or API calls {@link #run} would perform, with values filled in. Must not change anything. */
  Plan plan(I input, StepContext ctx);

  /**
   * The outputs a dry-run assumes for a step that is not executed (CHANGES/DESTROYS), so later steps can be
   * planned against the predicted state. Null means "decided at run time".
   */
  default O predict(I input, StepContext ctx) { return null; }

  O run(I input, StepContext ctx) throws StepFailure, InterruptedException;

  /** After a crash during {@link #run}: did the effect already happen? */
  default Reconciled<O> reconcile(I input, StepContext ctx) throws InterruptedException { return Reconciled.unknown(); }
}

package io.runbook.engine.spi;

/**
 * The step cannot go on until an operator decides (an approval gate in a run without a terminal).
 * The run stops with exit code 4; {@code hint} says how to continue (e.g. {@code runbook resume RUN --approve STEP}).
 */
public class AwaitingOperator extends StepFailure {
  public AwaitingOperator(String message, String hint) { super(message, false, hint, null); }
}

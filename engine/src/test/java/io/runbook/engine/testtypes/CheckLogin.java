package io.runbook.engine.testtypes;

import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;

/** Test-only: checks that a user can log in to the host's database with a password given by reference. */
@Doc("Check a database login")
public final class CheckLogin implements StepType<CheckLogin.Input, CheckLogin.Output> {
  public record Input(@Doc("user") String user, @Doc("password reference") SecretRef password) {}

  public record Output(boolean ok) {}

  public String name() { return "db.login-check"; }
  public Class<Input> inputType() { return Input.class; }
  public Class<Output> outputType() { return Output.class; }
  public Effect effect() { return Effect.READS; }
  public boolean needsHost() { return true; }
  public Plan plan(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }
  public Output run(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }
}

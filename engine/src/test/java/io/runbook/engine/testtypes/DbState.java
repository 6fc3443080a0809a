package io.runbook.engine.testtypes;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Test-only: reads whether the host's MariaDB runs, and its GTID position. */
@Doc("Read the database state")
public final class DbState implements StepType<DbState.Input, DbState.Output> {
  public enum Role { PRIMARY, REPLICA }

  public record Input(@Doc("connect timeout") Optional<Duration> timeout, @Doc("expected role") Optional<Role> role) {}

  public record Output(boolean running, String gtid, Role role, Map<String, Object> variables, Duration uptime,
                       Optional<Replication> replication) {}

  public record Replication(String source, long lagSeconds) {}

  public String name() { return "db.state"; }
  public Class<Input> inputType() { return Input.class; }
  public Class<Output> outputType() { return Output.class; }
  public Effect effect() { return Effect.READS; }
  public boolean needsHost() { return true; }
  public Plan plan(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }
  public Output run(Input in, StepContext ctx) { throw new UnsupportedOperationException("test type"); }
}

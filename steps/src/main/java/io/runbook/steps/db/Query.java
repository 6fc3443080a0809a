package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Runs a read-only SQL query on the host's MariaDB; safe in a dry-run, so later steps can be planned with its rows. */
@Doc("Run a read-only SQL query (parameters bound with ?) and return its rows")
public final class Query implements StepType<Query.Input, Query.Output> {
  /** Statements that only read. Anything else belongs in db.exec, which a dry-run does not run. */
  private static final Set<String> READING = Set.of("SELECT", "SHOW", "WITH", "DESCRIBE", "DESC", "EXPLAIN", "CHECKSUM");

  @Doc("A query and its parameters")
  public record Input(
      @Doc("One SELECT/SHOW/WITH/DESCRIBE/EXPLAIN/CHECKSUM statement; ? marks a parameter") String sql,
      @Doc("Values bound to the ? marks, in order") Optional<List<Object>> params) {}

  @Doc("The rows of the query")
  public record Output(
      @Doc("All rows, each a map of column label to value") List<Map<String, Object>> rows,
      @Doc("The first row, or an empty map when there is none") Map<String, Object> row,
      @Doc("Number of rows") int count) {}

  @Override public String name() { return "db.query"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return Plan.sql(ctx.target().map(h -> h.name()).orElse(null), SqlQuoting.withValues(in.sql(), in.params().orElse(List.of())));
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    requireReading(in.sql(), db);
    List<Map<String, Object>> rows = db.readOnly(in.sql(), in.params().orElse(List.of()));
    return new Output(rows, rows.isEmpty() ? Map.of() : rows.get(0), rows.size());
  }

  static void requireReading(String sql, MariaDbClient db) throws StepFailure {
    String first = sql.strip().split("[\\s(]+", 2)[0].toUpperCase(Locale.ROOT);
    if (!READING.contains(first)) {
      throw StepFailure.fatal(db.where() + ": db.query runs only reading statements, not " + first
          + " (" + MariaDbClient.shorten(sql) + ")", "use db.exec for statements that change something");
    }
  }
}

package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** CHECKSUM TABLE over a list of tables or every base table of a schema, to prove data equality after a recovery. */
@Doc("CHECKSUM TABLE for a list of tables or a whole schema")
public final class Checksum implements StepType<Checksum.Input, Checksum.Output> {
  static final String TABLES_SQL = "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLES"
      + " WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";

  @Doc("Which tables")
  public record Input(
      @Doc("Tables as schema.table") Optional<List<String>> tables,
      @Doc("Every base table of this schema") Optional<String> schema,
      @Doc(value = "Read every row (EXTENDED) instead of trusting a live checksum", defaultValue = "false") Optional<Boolean> extended) {}

  @Doc("The checksums")
  public record Output(
      @Doc("schema.table to checksum") Map<String, Long> checksums,
      @Doc("Number of tables") int count) {}

  @Override public String name() { return "db.checksum"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    Plan p = Plan.none();
    if (in.schema().isPresent()) p = p.then(Plan.Kind.SQL, host, SqlQuoting.withValues(TABLES_SQL, List.of(in.schema().get())));
    String tables = in.tables().map(t -> String.join(", ", t)).orElse("<tables of " + in.schema().orElse("?") + ">");
    return p.then(Plan.Kind.SQL, host, "CHECKSUM TABLE " + tables + (in.extended().orElse(false) ? " EXTENDED" : ""));
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    List<String> tables = new ArrayList<>(in.tables().orElse(List.of()));
    if (in.schema().isPresent()) {
      for (Map<String, Object> r : db.query(TABLES_SQL, List.of(in.schema().get()))) tables.add(String.valueOf(r.values().iterator().next()));
    }
    if (tables.isEmpty()) {
      throw StepFailure.fatal(db.where() + ": no tables to checksum" + in.schema().map(s -> " (schema " + s + " has no base tables)").orElse(""),
          "give tables: [schema.table, ...] or a schema: that has tables");
    }
    List<String> quoted = new ArrayList<>();
    for (String t : tables) quoted.add(SqlQuoting.qualifiedName(t));
    String sql = "CHECKSUM TABLE " + String.join(", ", quoted) + (in.extended().orElse(false) ? " EXTENDED" : "");
    Map<String, Long> sums = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Map<String, Object> r : db.query(sql)) {
      Object sum = r.get("Checksum");
      if (sum == null) missing.add(String.valueOf(r.get("Table")));
      else sums.put(String.valueOf(r.get("Table")), Long.valueOf(sum.toString()));
    }
    if (!missing.isEmpty()) {
      throw StepFailure.fatal(db.where() + ": no checksum for " + String.join(", ", missing) + " (" + MariaDbClient.shorten(sql) + ")",
          "check that these tables exist on " + db.hostName());
    }
    return new Output(sums, sums.size());
  }
}

package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Before a rollback: every binlog consumer connected to the primary (a replica, a delayed replica, a CDC reader) has
 * seen transactions that the rollback discards. The listed replicas are rebuilt by the runbook; any other consumer
 * keeps a position on the old timeline, so the step refuses unless each is listed or explicitly acknowledged.
 * Consumers are the primary's Binlog Dump threads; a listed replica counts as one of them when SHOW SLAVE HOSTS has
 * its server_id or the IO thread of one of its replication connections (default or named) runs. A primary that does not answer is no failure (nothing can be counted).
 */
@Doc("Refuse when binlog consumers other than the listed replicas are connected to the primary (Binlog Dump threads)")
public final class BinlogConsumers implements StepType<BinlogConsumers.Input, BinlogConsumers.Output> {
  static final String DUMPS = "SELECT ID AS id, USER AS user, HOST AS host, TIME AS time FROM information_schema.PROCESSLIST"
      + " WHERE COMMAND LIKE 'Binlog Dump%' ORDER BY ID";

  @Doc("The consumers the runbook takes care of")
  public record Input(
      @Doc("Inventory names of the replicas the runbook rebuilds") List<String> replicas,
      @Doc(value = "Go on when other consumers are connected (a warning): they must be rebuilt or repositioned by hand", defaultValue = "false")
      Optional<Boolean> allowUnlisted) {}

  @Doc("What is connected")
  public record Output(
      @Doc("The primary answered (false: nothing was counted)") boolean reachable,
      @Doc("Binlog Dump threads on the primary") int connected,
      @Doc("The consumers not accounted for by the listed replicas, described for people") List<String> unlisted) {}

  @Override public String name() { return "db.binlog.consumers"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    Plan plan = Plan.sql(host, DUMPS).then(Plan.Kind.SQL, host, "SHOW SLAVE HOSTS");
    for (String replica : in.replicas()) {
      plan = plan.then(Plan.Kind.SQL, replica, "SELECT @@server_id; " + ReplicaState.ALL_SQL);
    }
    return plan;
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    MariaDbClient primary = MariaDbClient.forTarget(ctx);
    List<Map<String, Object>> dumps;
    try {
      dumps = primary.query(DUMPS);
    } catch (StepFailure f) {
      if (!f.retryable()) throw f;
      ctx.log().info(primary.hostName() + " does not answer: its binlog consumers cannot be counted (check by hand that"
          + " nothing but the listed replicas read its binlog)");
      return new Output(false, 0, List.of());
    }
    List<String> registered = new ArrayList<>();
    for (Map<String, Object> r : primary.query("SHOW SLAVE HOSTS")) registered.add(String.valueOf(r.get("Server_id")));
    int accounted = 0;
    Set<String> listedIds = new HashSet<>();
    for (String name : in.replicas()) {
      MariaDbClient replica = MariaDbClient.of(ctx, ctx.host(name));
      try {
        String id = replica.value("SELECT @@global.server_id");
        listedIds.add(id);
        if (registered.contains(id) || ioRunning(replica)) accounted++;
      } catch (StepFailure f) {
        if (!f.retryable()) throw f;
        accounted++; // it does not answer: it may be connected; it is rebuilt like the others
      }
    }
    List<String> unlisted = new ArrayList<>();
    int extra = dumps.size() - accounted;
    if (extra > 0) {
      List<String> strangers = registered.stream().filter(id -> !listedIds.contains(id)).toList();
      unlisted.add(extra + " of " + dumps.size() + " binlog dump connection(s) ("
          + String.join(", ", dumps.stream().map(d -> "#" + d.get("id") + " " + d.get("user") + "@" + d.get("host")).toList())
          + (strangers.isEmpty() ? "" : "; SHOW SLAVE HOSTS has server_id " + String.join(", ", strangers)
              + " not among the listed replicas") + ")");
    }
    if (!unlisted.isEmpty()) {
      String what = primary.where() + ": binlog consumers that are not in the listed replicas (" + String.join(", ", in.replicas())
          + ") read its binlog: " + String.join("; ", unlisted) + ". After the rollback they hold a position on the discarded"
          + " timeline (a delayed replica, a CDC reader, a replica left out)";
      if (!in.allowUnlisted().orElse(false)) {
        throw StepFailure.fatal(what, "list every replica of the primary in -p replicas, or stop those consumers;"
            + " to go on anyway pass -p unlistedConsumers=true and rebuild or reposition them by hand afterwards");
      }
      ctx.log().warn(what + "; going on (unlistedConsumers): rebuild or reposition them by hand afterwards");
    }
    return new Output(true, dumps.size(), unlisted);
  }

  private static boolean ioRunning(MariaDbClient replica) throws StepFailure {
    return ReplicaState.all(replica).stream().anyMatch(c -> "Yes".equals(c.get("Slave_IO_Running")));
  }
}

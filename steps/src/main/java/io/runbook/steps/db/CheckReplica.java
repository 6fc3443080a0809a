package io.runbook.steps.db;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks, changing nothing, that a replica still follows a primary: replication is configured to the primary's
 * address and port, and the replica holds no transaction the primary's binlog lacks. Run before a primary that was
 * down is opened for writes: a replica promoted (and written to) meanwhile fails it.
 */
@Doc("Check that a replica still follows a primary (a replication connection, default or named, points at it) and has no transaction beyond"
    + " the primary's binlog (not promoted and written to meanwhile); fails with what it found otherwise")
public final class CheckReplica implements StepType<CheckReplica.Input, CheckReplica.Output> {

  @Doc("The primary the replica (the on: host) must follow")
  public record Input(
      @Doc("Inventory name of the primary") String primary,
      @Doc("Address the replica uses to reach the primary; default: the primary's db address") Optional<String> primaryAddress,
      @Doc("Port the replica uses to reach the primary; default: the primary's db port") Optional<Integer> primaryPort) {}

  @Doc("What the replica follows and where both stand")
  public record Output(
      @Doc("host:port of the replica's connection to the primary") String follows,
      @Doc("The replica's @@gtid_slave_pos") String gtidSlavePos,
      @Doc("The replica's @@gtid_binlog_pos") String gtidBinlogPos,
      @Doc("The primary's @@gtid_binlog_pos") String primaryGtidBinlogPos) {}

  @Override public String name() { return "db.replica.check"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(Host::name).orElse(null);
    return Plan.sql(host, ReplicaState.ALL_SQL + "  -- a connection must point at " + in.primary())
        .then(Plan.Kind.SQL, host, "SELECT @@global.gtid_slave_pos, @@global.gtid_binlog_pos")
        .then(Plan.Kind.SQL, in.primary(), "SELECT @@global.gtid_binlog_pos  -- " + host + " must not be ahead of it");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    MariaDbClient replica = MariaDbClient.forTarget(ctx);
    Host primaryHost = ctx.host(in.primary());
    MariaDbClient primary = MariaDbClient.of(ctx, primaryHost);
    String address = in.primaryAddress().orElse(primaryHost.dbAddress());
    int port = in.primaryPort().orElse(MariaDbClient.db(primaryHost).portOrDefault());
    String hint = "do not open " + in.primary() + " for writes before you know which server holds the newest data;"
        + " if " + replica.hostName() + " was promoted and took writes, it is the primary now";

    List<Map<String, String>> conns = ReplicaState.all(replica);
    if (conns.isEmpty()) {
      throw StepFailure.fatal(replica.where() + ": no replication configured (SHOW ALL SLAVES STATUS is empty): it was"
          + " reset or promoted while " + in.primary() + " was down", hint);
    }
    // Any connection will do, the default or a named one (multi-source): the replica follows the primary through it.
    Map<String, String> s = conns.stream()
        .filter(c -> address.equals(c.get("Master_Host")) && String.valueOf(port).equals(c.get("Master_Port")))
        .findFirst().orElse(null);
    if (s == null) {
      String sources = String.join(", ", conns.stream().map(c -> ReplicaState.source(c)
          + (ReplicaState.name(c).isEmpty() ? "" : " (connection '" + ReplicaState.name(c) + "')")).toList());
      throw StepFailure.fatal(replica.where() + ": replicates from " + sources + ", not from " + in.primary() + " ("
          + address + ":" + port + ")", hint);
    }
    String follows = ReplicaState.source(s);
    Map<String, Object> pos = replica.row("SELECT @@global.gtid_slave_pos AS slave, @@global.gtid_binlog_pos AS bin", List.of());
    String slavePos = text(pos.get("slave"));
    String binlogPos = text(pos.get("bin"));
    String primaryPos = primary.value("SELECT @@global.gtid_binlog_pos");
    GtidList theirs = GtidList.parse(primaryPos, primary);
    List<String> problems = new ArrayList<>(GtidList.parse(slavePos, replica).divergenceFrom(theirs));
    // With log_slave_updates the replica's binlog also holds what it applied; anything beyond that it wrote itself.
    for (String p : GtidList.parse(binlogPos, replica).divergenceFrom(theirs)) {
      if (!problems.contains(p)) problems.add(p);
    }
    if (!problems.isEmpty()) {
      throw StepFailure.fatal(replica.where() + ": has transactions " + in.primary() + "'s binlog (" + primaryPos
          + ") does not: " + String.join("; ", problems), hint);
    }
    ctx.log().info(replica.hostName() + " follows " + in.primary() + " (" + follows + ") at " + slavePos
        + ", not ahead of its " + primaryPos);
    return new Output(follows, slavePos, binlogPos, primaryPos);
  }

  private static String text(Object o) { return o == null ? "" : o.toString(); }
}

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
@Doc("Check that a replica still follows a primary (SHOW SLAVE STATUS points at it) and has no transaction beyond"
    + " the primary's binlog (not promoted and written to meanwhile); fails with what it found otherwise")
public final class CheckReplica implements StepType<CheckReplica.Input, CheckReplica.Output> {

  @Doc("The primary the replica (the on: host) must follow")
  public record Input(
      @Doc("Inventory name of the primary") String primary,
      @Doc("Address the replica uses to reach the primary; default: the primary's db address") Optional<String> primaryAddress,
      @Doc("Port the replica uses to reach the primary; default: the primary's db port") Optional<Integer> primaryPort) {}

  @Doc("What the replica follows and where both stand")
  public record Output(
      @Doc("host:port in the replica's SHOW SLAVE STATUS") String follows,
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
    return Plan.sql(host, "SHOW SLAVE STATUS  -- must point at " + in.primary())
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

    Map<String, String> s = ReplicaState.read(replica);
    if (s.isEmpty()) {
      throw StepFailure.fatal(replica.where() + ": no replication configured (SHOW SLAVE STATUS is empty): it was reset or"
          + " promoted while " + in.primary() + " was down", hint);
    }
    String follows = s.get("Master_Host") + ":" + s.get("Master_Port");
    if (!address.equals(s.get("Master_Host")) || !String.valueOf(port).equals(s.get("Master_Port"))) {
      throw StepFailure.fatal(replica.where() + ": replicates from " + follows + ", not from " + in.primary() + " ("
          + address + ":" + port + ")", hint);
    }
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

package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.List;
import java.util.Map;

/**
 * Everything runbooks branch on about one server, in one step. An unreachable server is an answer
 * ({@code reachable: false}), not a failure; a refused login or missing privilege is a failure.
 */
@Doc("Read a server's state: reachable, version, read_only, GTID positions, replication state, client connections")
public final class Status implements StepType<Status.Input, Status.Output> {
  static final String VARIABLES_SQL = "SELECT @@version AS version, @@global.read_only AS read_only,"
      + " @@global.gtid_binlog_pos AS gtid_binlog_pos, @@global.gtid_current_pos AS gtid_current_pos,"
      + " @@global.gtid_slave_pos AS gtid_slave_pos, @@global.server_id AS server_id";

  @Doc("No inputs: the host comes from on:")
  public record Input() {}

  @Doc("The server's state; fields other than reachable/error are null when it is unreachable")
  public record Output(
      @Doc("The server accepted a connection") boolean reachable,
      @Doc("Why it is unreachable") String error,
      @Doc("Server version, e.g. 10.11.6-MariaDB") String version,
      @Doc("Global read_only") Boolean readOnly,
      @Doc("@@gtid_binlog_pos: last GTIDs written to this server's binlog") String gtidBinlogPos,
      @Doc("@@gtid_current_pos: last GTIDs applied or written") String gtidCurrentPos,
      @Doc("@@gtid_slave_pos: last GTIDs applied by replication") String gtidSlavePos,
      @Doc("@@server_id") Long serverId,
      @Doc("Replication is configured on this server (SHOW SLAVE STATUS has a row)") Boolean replica,
      @Doc("Replica IO thread state: Yes, No or Connecting") String ioRunning,
      @Doc("Replica SQL thread state: Yes or No") String sqlRunning,
      @Doc("Seconds_Behind_Master (null when not replicating)") Long secondsBehindMaster,
      @Doc("Host of the primary this replica follows") String primaryHost,
      @Doc("Port of the primary this replica follows") Long primaryPort,
      @Doc("Last IO thread error") String lastIoError,
      @Doc("Last SQL thread error") String lastSqlError,
      @Doc("Client connections, not counting server and replication threads and the engine itself") Integer clientConnections) {

    static Output unreachable(String error) {
      return new Output(false, error, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
  }

  @Override public String name() { return "db.status"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(h -> h.name()).orElse(null);
    return Plan.sql(host, VARIABLES_SQL).then(Plan.Kind.SQL, host, "SHOW SLAVE STATUS")
        .then(Plan.Kind.SQL, host, ClientSessions.SQL);
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    MariaDbClient db = MariaDbClient.forTarget(ctx);
    Map<String, Object> v;
    try {
      v = db.row(VARIABLES_SQL, List.of());
    } catch (StepFailure f) {
      if (f.retryable()) return Output.unreachable(f.getMessage());
      throw f;
    }
    Map<String, String> slave = ReplicaState.read(db);
    int clients = ClientSessions.list(db, List.of()).size();
    boolean isReplica = !slave.isEmpty();
    return new Output(true, null,
        str(v.get("version")),
        WaitUntil.truthy(v.get("read_only")),
        str(v.get("gtid_binlog_pos")),
        str(v.get("gtid_current_pos")),
        str(v.get("gtid_slave_pos")),
        v.get("server_id") == null ? null : Long.valueOf(v.get("server_id").toString()),
        isReplica,
        isReplica ? slave.get("Slave_IO_Running") : null,
        isReplica ? slave.get("Slave_SQL_Running") : null,
        number(slave.get("Seconds_Behind_Master")),
        isReplica ? slave.get("Master_Host") : null,
        number(slave.get("Master_Port")),
        isReplica ? emptyToNull(slave.get("Last_IO_Error")) : null,
        isReplica ? emptyToNull(slave.get("Last_SQL_Error")) : null,
        clients);
  }

  private static String str(Object o) { return o == null ? null : o.toString(); }

  private static String emptyToNull(String s) { return s == null || s.isEmpty() ? null : s; }

  private static Long number(String s) { return s == null || s.isEmpty() ? null : Long.valueOf(s); }
}

package io.runbook.steps.db;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything runbooks branch on about one server, in one step. An unreachable server is an answer
 * ({@code reachable: false}), not a failure; a refused login or missing privilege is a failure. Replication is read
 * for every connection (SHOW ALL SLAVES STATUS), so a multi-source replica whose only connection is named is a replica.
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
      @Doc("Replication is configured on this server: the default or a named (multi-source) connection") Boolean replica,
      @Doc("IO thread state over every connection: Yes when all run, else No or Connecting (the least running)") String ioRunning,
      @Doc("SQL thread state over every connection: Yes when all run, else No") String sqlRunning,
      @Doc("Largest Seconds_Behind_Master over the connections (null when one is not replicating)") Long secondsBehindMaster,
      @Doc("Host of the primary the default connection follows (the only connection's when there is no default; null"
          + " with several named connections: see connections)") String primaryHost,
      @Doc("Port of the primary the default connection follows (same rule as primaryHost)") Long primaryPort,
      @Doc("Last IO thread errors of the connections, joined by '; ' (a named connection's starts with connection 'name':)") String lastIoError,
      @Doc("Last SQL thread errors of the connections, joined by '; ' (a named connection's starts with connection 'name':)") String lastSqlError,
      @Doc("The connections whose IO or SQL thread does not run, each named (the default connection or connection 'name')"
          + " with both thread states, joined by '; '; null when every connection runs or the server is no replica") String notRunning,
      @Doc("Every replication connection (SHOW ALL SLAVES STATUS), the default one first") List<Connection> connections,
      @Doc("Client connections, not counting server and replication threads and the engine itself") Integer clientConnections) {

    static Output unreachable(String error) {
      return new Output(false, error, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
  }

  @Doc("One replication connection of the server")
  public record Connection(
      @Doc("Connection name; empty for the default connection") String name,
      @Doc("IO thread state: Yes, No or Connecting") String ioRunning,
      @Doc("SQL thread state: Yes or No") String sqlRunning,
      @Doc("Host of the primary it follows") String primaryHost,
      @Doc("Port of the primary it follows") Long primaryPort,
      @Doc("Gtid_IO_Pos: last GTIDs received from the primary") String gtidIoPos,
      @Doc("Seconds_Behind_Master (null when not replicating)") Long secondsBehindMaster,
      @Doc("Last IO thread error") String lastIoError,
      @Doc("Last SQL thread error") String lastSqlError) {

    static Connection of(Map<String, String> s) {
      return new Connection(ReplicaState.name(s), s.get("Slave_IO_Running"), s.get("Slave_SQL_Running"),
          s.get("Master_Host"), number(s.get("Master_Port")), s.get("Gtid_IO_Pos"),
          number(s.get("Seconds_Behind_Master")), emptyToNull(s.get("Last_IO_Error")), emptyToNull(s.get("Last_SQL_Error")));
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
    return Plan.sql(host, VARIABLES_SQL).then(Plan.Kind.SQL, host, ReplicaState.ALL_SQL)
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
    List<Connection> conns = ReplicaState.all(db).stream().map(Connection::of)
        .sorted(Comparator.comparing(c -> !c.name().isEmpty())).toList();
    int clients = ClientSessions.list(db, List.of()).size();
    boolean isReplica = !conns.isEmpty();
    // The role and the health are about every connection: a replica that replicates only through a named connection
    // is a replica, and one broken connection makes the replica not healthy. Where it follows is the default
    // connection's (or the only one's): with several named connections there is no one answer.
    Connection main = conns.size() == 1 || isReplica && conns.get(0).name().isEmpty() ? conns.get(0) : null;
    return new Output(true, null,
        str(v.get("version")),
        WaitUntil.truthy(v.get("read_only")),
        str(v.get("gtid_binlog_pos")),
        str(v.get("gtid_current_pos")),
        str(v.get("gtid_slave_pos")),
        v.get("server_id") == null ? null : Long.valueOf(v.get("server_id").toString()),
        isReplica,
        isReplica ? leastRunning(conns.stream().map(Connection::ioRunning).toList()) : null,
        isReplica ? leastRunning(conns.stream().map(Connection::sqlRunning).toList()) : null,
        largestLag(conns),
        main == null ? null : main.primaryHost(),
        main == null ? null : main.primaryPort(),
        errors(conns, Connection::lastIoError),
        errors(conns, Connection::lastSqlError),
        notRunning(conns),
        conns,
        clients);
  }

  /** Yes when every thread runs; else the first state that is neither Yes nor Connecting (No); else Connecting. */
  static String leastRunning(List<String> states) {
    String least = "Yes";
    for (String s : states) {
      if ("Connecting".equals(s)) least = s;
      else if (!"Yes".equals(s)) return s == null ? "No" : s;
    }
    return least;
  }

  private static Long largestLag(List<Connection> conns) {
    if (conns.isEmpty() || conns.stream().anyMatch(c -> c.secondsBehindMaster() == null)) return null;
    return conns.stream().mapToLong(Connection::secondsBehindMaster).max().getAsLong();
  }

  private static String errors(List<Connection> conns, Function<Connection, String> error) {
    List<String> out = new ArrayList<>();
    for (Connection c : conns) {
      String e = error.apply(c);
      if (e != null) out.add(c.name().isEmpty() ? e : "connection '" + c.name() + "': " + e);
    }
    return out.isEmpty() ? null : String.join("; ", out);
  }

  /** Which connection stops the replica from being healthy: a stopped named one shows nowhere else (no error, no host). */
  private static String notRunning(List<Connection> conns) {
    List<String> out = new ArrayList<>();
    for (Connection c : conns) {
      if ("Yes".equals(c.ioRunning()) && "Yes".equals(c.sqlRunning())) continue;
      out.add((c.name().isEmpty() ? "the default connection" : "connection '" + c.name() + "'") + " (IO thread "
          + (c.ioRunning() == null ? "No" : c.ioRunning()) + ", SQL thread " + (c.sqlRunning() == null ? "No" : c.sqlRunning()) + ")");
    }
    return out.isEmpty() ? null : String.join("; ", out);
  }

  private static String str(Object o) { return o == null ? null : o.toString(); }

  private static String emptyToNull(String s) { return s == null || s.isEmpty() ? null : s; }

  private static Long number(String s) { return s == null || s.isEmpty() ? null : Long.valueOf(s); }
}

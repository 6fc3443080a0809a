package io.runbook.steps.db;

import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.engine.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Relinks the {@code on:} replica to a primary by GTID and waits until it has caught up. Before changing anything
 * it refuses an empty position and a position the primary's binlog cannot continue (the replica is ahead or has
 * transactions the primary never had). Re-running it ends in the same state. The replica follows that primary and
 * nothing else: a named (multi-source) connection, e.g. carried by a datadir copied from a primary that once replicated
 * through CHANGE MASTER 'x', is stopped and forgotten first, and the output names what was dropped.
 */
@Doc("Relink a replica to a primary by GTID (MASTER_USE_GTID=slave_pos) and wait until it has caught up; named"
    + " (multi-source) connections are stopped and forgotten first, so it follows that primary only")
public final class LinkReplica implements StepType<LinkReplica.Input, LinkReplica.Output> {
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  static final int DEFAULT_CONNECT_RETRY = 10;

  @Doc("The primary and the position to start from")
  public record Input(
      @Doc("Inventory name of the primary to follow") String primary,
      @Doc("GTID position to start from; default: the replica's own @@gtid_binlog_pos (right after booting from a copy of the primary's data)")
      Optional<String> gtid,
      @Doc("Address the replica uses to reach the primary; default: the primary's db address") Optional<String> primaryAddress,
      @Doc("Port the replica uses to reach the primary; default: the primary's db port") Optional<Integer> primaryPort,
      @Doc("Replication user; default: the primary's db.replicationUser") Optional<String> replicationUser,
      @Doc("Replication password (secret reference); default: the primary's db.replicationPassword") Optional<SecretRef> replicationPassword,
      @Doc(value = "MASTER_CONNECT_RETRY in seconds", defaultValue = "10") Optional<Integer> connectRetry,
      @Doc(value = "How long the replica may take to connect and catch up", defaultValue = "10m") Optional<Duration> timeout) {}

  @Doc("Where the replica started and what it caught up to")
  public record Output(
      @Doc("The GTID position the replica started from") String gtid,
      @Doc("The primary's @@gtid_binlog_pos the replica caught up to") String caughtUpTo,
      @Doc("How long connecting and catching up took, in milliseconds") long waitedMs,
      @Doc("The named (multi-source) connections it stopped and forgot (RESET REPLICA 'name' ALL), each as name"
          + " -> host:port; empty when there was none") List<String> dropped) {}

  /** Everything the link needs, resolved from inputs and inventory. */
  private record Target(Host primary, String address, int port, String user, SecretRef passwordRef) {}

  @Override public String name() { return "db.replica.link"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    String host = ctx.target().map(Host::name).orElse(null);
    String gtid = in.gtid().orElse("<@@gtid_binlog_pos of " + host + ">");
    String change;
    try {
      Target t = target(in, ctx);
      change = changeMaster(t, "'***'", in);
    } catch (StepFailure f) {
      change = "CHANGE MASTER TO ... (" + f.getMessage() + ")";
    }
    return Plan.sql(host, "STOP ALL REPLICAS")
        .then(Plan.Kind.SQL, host, "RESET REPLICA 'name' ALL  -- each named connection: it follows " + in.primary() + " only")
        .then(Plan.Kind.SQL, host, "RESET REPLICA")
        .then(Plan.Kind.SQL, host, "SET GLOBAL gtid_slave_pos = " + SqlQuoting.withValues("?", List.of(gtid)))
        .then(Plan.Kind.SQL, host, change)
        .then(Plan.Kind.SQL, host, "START REPLICA")
        .then(Plan.Kind.WAIT, host, "until IO and SQL threads run and @@gtid_slave_pos reaches " + in.primary()
            + "'s @@gtid_binlog_pos (at most " + Durations.format(in.timeout().orElse(DEFAULT_TIMEOUT)) + ")");
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    MariaDbClient replica = MariaDbClient.forTarget(ctx);
    Target t = target(in, ctx);
    MariaDbClient primary = MariaDbClient.of(ctx, t.primary());
    String password = ctx.secret(t.passwordRef());
    // Built (so: the host, user and password validated and quoted) before anything changes: a value that cannot be
    // written into CHANGE MASTER TO must not leave the replica stopped and reset.
    String changeMaster = changeMaster(t, SqlQuoting.literal(password), in);
    String changeMasterShown = changeMaster(t, "'***'", in);

    String gtidText = in.gtid().isPresent() ? in.gtid().get().trim() : replica.value("SELECT @@global.gtid_binlog_pos");
    GtidList gtid = GtidList.parse(gtidText, replica);
    if (gtid.isEmpty()) {
      throw StepFailure.fatal(replica.where() + ": no GTID position to start replication from"
              + (in.gtid().isPresent() ? " (gtid is empty)" : " (@@gtid_binlog_pos is empty)"),
          "give gtid: explicitly (e.g. from db.gtid.from-backup), or check that " + replica.hostName()
              + " booted from a copy of the primary's data with the binlog on");
    }
    Map<String, Object> self = replica.row("SELECT @@global.server_id AS id, @@global.read_only AS ro", List.of());
    String primaryId = primary.value("SELECT @@global.server_id");
    if (String.valueOf(self.get("id")).equals(primaryId)) {
      throw StepFailure.fatal(replica.where() + " and " + t.primary().name() + " have the same server_id " + primaryId
              + ": a replica ignores events carrying its own server_id",
          "check that the inventory does not point both hosts at one server, and give each server a unique server_id");
    }
    if (!WaitUntil.truthy(self.get("ro"))) {
      ctx.log().warn(replica.hostName() + " is writable (read_only OFF): writes there would diverge it from " + t.primary().name());
    }
    GtidList primaryPos = GtidList.parse(primary.value("SELECT @@global.gtid_binlog_pos"), primary);
    List<String> divergence = gtid.divergenceFrom(primaryPos);
    String from = gtid.toString();
    if (divergence.isEmpty() && in.gtid().isPresent()) {
      // A given start position does not erase what the replica itself already wrote: that must not be ahead either.
      GtidList own = GtidList.parse(replica.value("SELECT @@global.gtid_binlog_pos"), replica);
      divergence = own.divergenceFrom(primaryPos);
      from = "its own @@gtid_binlog_pos " + own;
    }
    if (!divergence.isEmpty()) {
      throw StepFailure.fatal(replica.where() + ": refusing to link to " + t.primary().name() + " from " + from
              + ", the primary's binlog (" + primaryPos + ") cannot continue it: " + String.join("; ", divergence),
          "the replica has transactions the primary does not: check that you restored the right snapshot on "
              + t.primary().name() + " and that no one wrote to " + replica.hostName()
              + "; rebuild the replica from a copy of the primary's data");
    }

    // A DR rebuild means "this replica follows the new primary and nothing else": a named connection left configured
    // would show as a stopped connection in every health check after (or, started, replicate from elsewhere).
    List<Map<String, String>> named = ReplicaState.all(replica).stream().filter(c -> !ReplicaState.name(c).isEmpty()).toList();
    replica.execute("STOP ALL REPLICAS");
    List<String> dropped = new ArrayList<>();
    for (Map<String, String> c : named) {
      replica.execute("RESET REPLICA" + ReplicaState.inStatement(c) + " ALL");
      dropped.add(ReplicaState.summary(c)); // named only: "name -> host:port"
    }
    if (!dropped.isEmpty()) {
      ctx.log().warn(replica.hostName() + ": stopped and forgot the named replication connection(s) " + String.join(", ", dropped)
          + ": it follows " + t.primary().name() + " only");
    }
    replica.execute("RESET REPLICA");
    replica.execute("SET GLOBAL gtid_slave_pos = ?", List.of(gtid.toString()));
    replica.execute(changeMaster, List.of(), changeMasterShown);
    replica.execute("START REPLICA");

    Instant start = Instant.now();
    Duration timeout = in.timeout().orElse(DEFAULT_TIMEOUT);
    String target = primary.value("SELECT @@global.gtid_binlog_pos");
    AtomicReference<Map<String, String>> last = new AtomicReference<>(Map.of());
    String done = Poll.until(ctx, timeout, Duration.ofMillis(500), () -> {
      Map<String, String> s = ReplicaState.read(replica);
      last.set(s);
      if ("No".equals(s.get("Slave_SQL_Running")) || "No".equals(s.get("Slave_IO_Running")) || fatalIoError(s)) {
        throw StepFailure.fatal(replica.where() + ": replication from " + t.primary().name() + " (" + t.address() + ":"
            + t.port() + ") stopped: " + ReplicaState.describe(s), hintFor(s, t));
      }
      boolean running = "Yes".equals(s.get("Slave_SQL_Running")) && "Yes".equals(s.get("Slave_IO_Running"));
      GtidList applied = GtidList.parse(replica.value("SELECT @@global.gtid_slave_pos"));
      if (running && applied.reached(GtidList.parse(target))) return target;
      ctx.log().progress(replica.hostName() + ": " + ReplicaState.describe(s) + ", at " + applied + ", target " + target);
      return null;
    });
    if (done == null) {
      throw new StepFailure(replica.where() + ": did not catch up with " + t.primary().name() + " (" + target
          + ") within " + Durations.format(timeout) + ": " + ReplicaState.describe(last.get()), true,
          "replication is running; give the step a longer timeout if the replica is just slow, else see its error log", null);
    }
    return new Output(gtid.toString(), done, Duration.between(start, Instant.now()).toMillis(), List.copyOf(dropped));
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      MariaDbClient replica = MariaDbClient.forTarget(ctx);
      Target t = target(in, ctx);
      List<Map<String, String>> all = ReplicaState.all(replica);
      // A named connection still configured: the run was cut before it dropped them (or one was added since).
      if (all.stream().anyMatch(c -> !ReplicaState.name(c).isEmpty())) return Reconciled.notDone();
      Map<String, String> s = all.isEmpty() ? Map.of() : all.get(0);
      boolean linked = t.address().equals(s.get("Master_Host")) && String.valueOf(t.port()).equals(s.get("Master_Port"))
          && "Slave_Pos".equals(s.get("Using_Gtid")) && "Yes".equals(s.get("Slave_SQL_Running"));
      if (!linked) return Reconciled.notDone();
      String pos = replica.value("SELECT @@global.gtid_slave_pos");
      return Reconciled.done(new Output(in.gtid().orElse(pos), pos, 0, List.of()));
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }

  private static Target target(Input in, StepContext ctx) throws StepFailure {
    Host primary = ctx.host(in.primary());
    DbSpec db = MariaDbClient.db(primary);
    String user = in.replicationUser().or(db::replicationUser).orElseThrow(() -> StepFailure.fatal(
        "host " + primary.name() + " has no db.replicationUser in the inventory", "add it, or give replicationUser: to the step"));
    SecretRef ref = in.replicationPassword().or(db::replicationPassword).orElseThrow(() -> StepFailure.fatal(
        "host " + primary.name() + " has no db.replicationPassword in the inventory", "add it, or give replicationPassword: to the step"));
    return new Target(primary, in.primaryAddress().orElse(primary.dbAddress()),
        in.primaryPort().orElse(db.portOrDefault()), user, ref);
  }

  /** CHANGE MASTER TO takes no parameters: every value is validated and quoted by SqlQuoting. */
  private static String changeMaster(Target t, String quotedPassword, Input in) throws StepFailure {
    int retry = in.connectRetry().orElse(DEFAULT_CONNECT_RETRY);
    if (retry < 1) throw StepFailure.fatal("connectRetry must be at least 1 second");
    return "CHANGE MASTER TO MASTER_HOST=" + SqlQuoting.hostLiteral(t.address()) + ", MASTER_PORT=" + t.port()
        + ", MASTER_USER=" + SqlQuoting.literal(t.user()) + ", MASTER_PASSWORD=" + quotedPassword
        + ", MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=" + retry;
  }

  /** IO errors that do not heal by reconnecting: wrong credentials, and the position missing from the primary's binlog. */
  private static boolean fatalIoError(Map<String, String> s) {
    String errno = s.getOrDefault("Last_IO_Errno", "0");
    return errno.equals("1045") || errno.equals("1236");
  }

  private static String hintFor(Map<String, String> s, Target t) {
    String errno = s.getOrDefault("Last_IO_Errno", "0");
    if (errno.equals("1045")) {
      return "check the replication user " + t.user() + " and password " + t.passwordRef() + " on " + t.primary().name();
    }
    if (errno.equals("1236")) {
      return "the primary's binlog no longer holds the starting position (purged, or a different history):"
          + " rebuild the replica from a fresh copy of the primary's data";
    }
    return "fix the error shown by SHOW SLAVE STATUS on the replica, then run the step again";
  }
}

package io.runbook.steps.binlog;

import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.secret.SecretRef;
import io.runbook.steps.db.Checksum;
import io.runbook.testkit.mariadb.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A real server's history for point-in-time recovery tests, written with fixed event times (SET timestamp):
 * <pre>
 * bin.000001  schema, users, 20 rows                         t0        -> snapshot of the stopped server (the base)
 * bin.000002  phase A: 30 transactions                       t0+100
 * bin.000003  phase B: 30 transactions, one ALTER TABLE      t0+200    -> checksum recorded ("just before the drop")
 * bin.000004  DROP TABLE app.audit (by mistake)              t0+300
 *             phase C: 10 transactions                       t0+400 (the third stamped t0+250)
 * </pre>
 * Every DML transaction appends its number to app.ledger (no primary key), so a transaction applied twice
 * shows up as a duplicate and one skipped as a hole.
 */
final class PitrHistory implements AutoCloseable {
  static final long T0 = 1_800_000_000L;
  static final String PASSWORD = "Pitr-canary-6c2'x";
  static final String PASSWORD_ENV = "RUNBOOK_TEST_BINLOG_PW";
  static final String REPL_PASSWORD = "Repl-canary-0b7";
  static final String REPL_PASSWORD_ENV = "RUNBOOK_TEST_BINLOG_REPL_PW";

  final Path dir;
  final MariaDbServer primary;
  final Path snapshot;
  /** db.checksum of app.accounts, app.audit and app.ledger on the primary right before the DROP. */
  Map<String, Long> checksumBeforeDrop;
  String gtidBeforeDrop;
  String dropGtid;
  String basePosition;
  int ledgerBeforeDrop;
  int ledgerTotal;
  private int ledger;
  private final List<MariaDbServer> others = new ArrayList<>();

  private PitrHistory(Path dir) {
    this.dir = dir;
    this.snapshot = dir.resolve("snapshot");
    this.primary = MariaDbServer.builder(dir.resolve("p"), "primary")
        .option("sync_binlog", "0").option("innodb_flush_log_at_trx_commit", "2").build();
  }

  static PitrHistory write() throws SQLException {
    Path dir = Path.of("target", "binlog-it", UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    PitrHistory h = new PitrHistory(dir);
    try {
      h.writeAll();
      return h;
    } catch (RuntimeException | SQLException e) {
      h.close();
      throw e;
    }
  }

  private void writeAll() throws SQLException {
    primary.start();
    try (Connection c = primary.rootConnection(); Statement st = c.createStatement()) {
      st.execute("SET timestamp = " + T0);
      st.execute("CREATE USER 'runbook'@'%' IDENTIFIED BY '" + PASSWORD.replace("'", "\\'") + "'");
      st.execute("GRANT ALL ON *.* TO 'runbook'@'%' WITH GRANT OPTION");
      st.execute("CREATE USER 'replicator'@'%' IDENTIFIED BY '" + REPL_PASSWORD + "'");
      st.execute("GRANT REPLICATION SLAVE, REPLICATION SLAVE ADMIN, BINLOG MONITOR ON *.* TO 'replicator'@'%'");
      st.execute("CREATE DATABASE app");
      st.execute("CREATE TABLE app.accounts (id INT PRIMARY KEY, owner VARCHAR(40), balance BIGINT) ENGINE=InnoDB");
      st.execute("CREATE TABLE app.audit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(80)) ENGINE=InnoDB");
      st.execute("CREATE TABLE app.ledger (n INT NOT NULL) ENGINE=InnoDB");
      for (int i = 1; i <= 20; i++) transaction(st, i);
    }
    primary.stop();
    MariaDbServer.copyTree(primary.datadir(), snapshot);
    primary.start(); // a restarted server starts bin.000002
    basePosition = primary.queryValue("SELECT @@gtid_binlog_pos");
    try (Connection c = primary.rootConnection(); Statement st = c.createStatement()) {
      st.execute("SET timestamp = " + (T0 + 100));
      for (int i = 21; i <= 50; i++) transaction(st, i);
      st.execute("FLUSH BINARY LOGS");
      st.execute("SET timestamp = " + (T0 + 200));
      for (int i = 51; i <= 65; i++) transaction(st, i);
      st.execute("ALTER TABLE app.accounts ADD COLUMN flagged TINYINT NOT NULL DEFAULT 0");
      for (int i = 66; i <= 80; i++) transaction(st, i);
      st.execute("FLUSH BINARY LOGS");
      checksumBeforeDrop = checksum(primary);
      if (checksumBeforeDrop.size() != 3 || checksumBeforeDrop.containsValue(0L)) throw new IllegalStateException("checksums " + checksumBeforeDrop);
      gtidBeforeDrop = primary.queryValue("SELECT @@gtid_binlog_pos");
      ledgerBeforeDrop = ledger;
      st.execute("SET timestamp = " + (T0 + 300));
      st.execute("DROP TABLE app.audit");
      dropGtid = primary.queryValue("SELECT @@gtid_binlog_pos");
      st.execute("SET timestamp = " + (T0 + 400));
      for (int i = 81; i <= 90; i++) {
        // transaction 83 started at t0+250 but committed after the DROP (a late starter for cuts by time)
        st.execute("SET timestamp = " + (T0 + (i == 83 ? 250 : 400)));
        st.execute("BEGIN");
        st.execute("INSERT INTO app.accounts (id, owner, balance) VALUES (" + (1000 + i) + ", 'late', 1)");
        st.execute("INSERT INTO app.ledger VALUES (" + (++ledger) + ")");
        st.execute("COMMIT");
      }
      ledgerTotal = ledger;
    }
    primary.stop(); // closes its last binlog: the files are what a later snapshot of the datadir holds
  }

  /** One OLTP-like transaction: an account row, an audit note, a ledger entry. */
  private void transaction(Statement st, int i) throws SQLException {
    st.execute("BEGIN");
    st.execute("INSERT INTO app.accounts (id, owner, balance) VALUES (" + i + ", 'owner" + i + "', " + (i * 10) + ")"
        + " ON DUPLICATE KEY UPDATE balance = balance + 1");
    if (i > 1) st.execute("UPDATE app.accounts SET balance = balance - 5 WHERE id = " + (i - 1));
    st.execute("INSERT INTO app.audit (note) VALUES ('tx " + i + "')");
    st.execute("INSERT INTO app.ledger VALUES (" + (++ledger) + ")");
    st.execute("COMMIT");
  }

  /** The binlog files of the stopped primary, oldest first. */
  List<String> files() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= 4; i++) out.add(binlog(i).toString());
    return out;
  }

  Path binlog(int n) { return primary.datadir().resolve(String.format("bin.%06d", n)); }

  /** Boots a copy of the snapshot as a server with the primary's server_id, as the restored base would be. */
  MariaDbServer bootBase(String name, String... options) {
    Path copy = dir.resolve(name + "-data");
    MariaDbServer.copyTree(snapshot, copy);
    MariaDbServer.Builder b = MariaDbServer.builder(dir.resolve(name), name).datadir(copy).serverId(primary.serverId());
    for (String o : options) b.option(o.substring(0, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
    MariaDbServer s = b.start();
    others.add(s);
    return s;
  }

  /** Boots a copy of the primary's final datadir read-only: the temporary donor for the replication path. */
  MariaDbServer bootDonor(String name) {
    Path copy = dir.resolve(name + "-data");
    MariaDbServer.copyTree(primary.datadir(), copy);
    MariaDbServer s = MariaDbServer.builder(dir.resolve(name), name).datadir(copy).serverId(primary.serverId())
        .option("read_only", "1").start();
    others.add(s);
    return s;
  }

  /** The db.checksum step (EXTENDED) over the tables the history writes, on server {@code s}. */
  static Map<String, Long> checksum(MariaDbServer s) {
    try (StandaloneStepContext ctx = context("db", Map.of("db", s), io.runbook.engine.spi.StepLog.NONE)) {
      return new Checksum().run(new Checksum.Input(Optional.of(List.of("app.accounts", "app.audit", "app.ledger")),
          Optional.empty(), Optional.of(true)), ctx).checksums();
    } catch (io.runbook.engine.spi.StepFailure e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Ledger numbers on a server, in order: exactly 1..n when nothing was applied twice or skipped. */
  static List<Integer> ledger(MariaDbServer s) {
    List<Integer> out = new ArrayList<>();
    try (Connection c = s.rootConnection(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT n FROM app.ledger ORDER BY n")) {
      while (rs.next()) out.add(rs.getInt(1));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  static List<Integer> oneTo(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) out.add(i);
    return out;
  }

  static Host host(String name, MariaDbServer s) {
    DbSpec db = new DbSpec(Optional.of(s.host()), Optional.of(s.port()), Optional.empty(), "runbook",
        Optional.of(SecretRef.parse("env:" + PASSWORD_ENV)), Optional.empty(), Optional.of("replicator"),
        Optional.of(SecretRef.parse("env:" + REPL_PASSWORD_ENV)));
    TransportSpec local = new TransportSpec("local", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
    return new Host(name, Optional.empty(), Optional.empty(), Optional.empty(), local, Optional.empty(), Optional.empty(),
        Optional.of(db), Optional.empty());
  }

  /** A step context acting on {@code target}, with the given servers as inventory hosts. */
  static StandaloneStepContext context(String target, Map<String, MariaDbServer> servers, io.runbook.engine.spi.StepLog log) {
    Map<String, Host> hosts = new LinkedHashMap<>();
    servers.forEach((n, s) -> hosts.put(n, host(n, s)));
    // the run folder of this target's server: saved settings of an interrupted replay live there
    Path runDir = servers.get(target).dir().resolve("run");
    return StandaloneStepContext.builder().inventory(new Inventory("test", null, hosts)).target(target).runDir(runDir)
        .env(Map.of(PASSWORD_ENV, PASSWORD, REPL_PASSWORD_ENV, REPL_PASSWORD)).stepId("replay").log(log).build();
  }

  @Override
  public void close() {
    others.forEach(MariaDbServer::close);
    primary.close();
    MariaDbServer.deleteTree(dir);
  }
}

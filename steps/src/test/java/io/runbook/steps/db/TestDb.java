package io.runbook.steps.db;

import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.secret.SecretRef;
import io.runbook.testkit.mariadb.MariaDbServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Inventories and step contexts whose hosts point at test servers, with the password given through env:. */
final class TestDb {
  static final String USER = "runbook";
  /** A canary: tests assert it never shows up in a failure message. */
  static final String PASSWORD = "Canary-pw-8d1f'\\x";
  static final String PASSWORD_ENV = "RUNBOOK_TEST_DB_PW";
  static final String REPL_PASSWORD = "Repl-canary-77a'\\q";
  static final String REPL_PASSWORD_ENV = "RUNBOOK_TEST_REPL_PW";

  private TestDb() {}

  /** Creates the engine's account (and the replication account) on a server; replicas get them by replication. */
  static void createUsers(MariaDbServer server) {
    server.sql(
        "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD.replace("\\", "\\\\").replace("'", "\\'") + "'",
        "GRANT ALL ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION",
        "CREATE USER IF NOT EXISTS 'replicator'@'%' IDENTIFIED BY '" + REPL_PASSWORD.replace("\\", "\\\\").replace("'", "\\'") + "'",
        "GRANT REPLICATION SLAVE, REPLICATION SLAVE ADMIN, BINLOG MONITOR ON *.* TO 'replicator'@'%'");
  }

  static Host host(String name, String address, int port, String passwordEnv) {
    return host(name, address, port, USER, passwordEnv);
  }

  static Host host(String name, String address, int port, String user, String passwordEnv) {
    DbSpec db = new DbSpec(Optional.of(address), Optional.of(port), Optional.empty(), user,
        Optional.of(SecretRef.parse("env:" + passwordEnv)), Optional.empty(),
        Optional.of("replicator"), Optional.of(SecretRef.parse("env:" + REPL_PASSWORD_ENV)));
    TransportSpec local = new TransportSpec("local", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    return new Host(name, Optional.empty(), Optional.empty(), Optional.empty(), local, Optional.empty(),
        Optional.empty(), Optional.of(db), Optional.empty());
  }

  static Host host(String name, MariaDbServer server) { return host(name, server.host(), server.port(), PASSWORD_ENV); }

  static Inventory inventory(Host... hosts) {
    Map<String, Host> byName = new LinkedHashMap<>();
    for (Host h : hosts) byName.put(h.name(), h);
    return new Inventory("test", null, byName);
  }

  static Map<String, String> env() { return Map.of(PASSWORD_ENV, PASSWORD, REPL_PASSWORD_ENV, REPL_PASSWORD); }

  /** A context acting on {@code target} in an inventory of the given hosts. */
  static StandaloneStepContext context(String target, Host... hosts) {
    return StandaloneStepContext.builder().inventory(inventory(hosts)).target(target).env(env()).stepId("t").build();
  }
}

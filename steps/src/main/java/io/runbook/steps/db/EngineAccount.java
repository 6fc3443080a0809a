package io.runbook.steps.db;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The privileges the engine's MariaDB account (the inventory's {@code db:} user) needs for the shipped runbooks, on
 * MariaDB 10.11: the one list that docs/database-account.md prints and the sandbox grants, so the two cannot drift.
 * Each was checked against a real 10.11 server (the error a statement gives without it names it).
 */
public final class EngineAccount {
  /** Where operators read the list; failures for a missing privilege point there. */
  public static final String DOC = "docs/database-account.md";

  /** One global privilege and why a runbook needs it. */
  public record Privilege(String name, String why) {}

  /**
   * An optional set: only the runbooks (or options) named in {@code when} need it. {@code speedOnly}: they work
   * without it, slower; the sandbox leaves such sets out so its tests run the path an operator without them gets.
   */
  public record Extra(String when, List<Privilege> privileges, boolean speedOnly) {}

  /** What every shipped runbook may use (the DR runbooks use all of it). */
  public static final List<Privilege> REQUIRED = List.of(
      new Privilege("SELECT", "information_schema.TABLES lists only tables the account may read (dr-pitr's table check), "
          + "CHECKSUM TABLE and db.query reads of application tables"),
      new Privilege("PROCESS", "PROCESSLIST rows of other users (the fence check's replication threads, db.drain's clients, "
          + "Binlog Dump threads) and INNODB_TRX; without it those counts are silently 0 and a fence check passes on a "
          + "server whose replication still runs"),
      new Privilege("RELOAD", "FLUSH PRIVILEGES (the GTID marker db.gtid.advance writes), FLUSH BINARY / ENGINE LOGS, "
          + "RESET MASTER (db.gtid.restore-binlog-state), RESET REPLICA (rebuilding replicas)"),
      new Privilege("READ_ONLY ADMIN", "SET GLOBAL read_only (db.read-only, the fence, unfencing)"),
      new Privilege("REPLICATION SLAVE ADMIN", "START / STOP REPLICA, CHANGE MASTER, SET GLOBAL gtid_slave_pos and "
          + "slave_parallel_* (db.replica.*, relinking replicas, binlog.replay)"),
      new Privilege("SLAVE MONITOR", "SHOW [ALL] SLAVES STATUS (db.status, db.replica.*, binlog.replay)"),
      new Privilege("REPLICATION MASTER ADMIN", "SHOW SLAVE HOSTS (db.binlog.consumers), SET GLOBAL gtid_binlog_state "
          + "(db.gtid.restore-binlog-state), SET GLOBAL server_id (binlog.replay's temporary id)"),
      new Privilege("BINLOG ADMIN", "SET GLOBAL sync_binlog (binlog.replay relaxes and restores it)"),
      new Privilege("BINLOG REPLAY", "SET SESSION gtid_domain_id / gtid_seq_no (db.gtid.advance), the BINLOG statements of "
          + "binlog.replay's pipe method"),
      new Privilege("SHUTDOWN", "SHUTDOWN WAIT FOR ALL REPLICAS (db.shutdown in safe-stop)"),
      new Privilege("CONNECTION ADMIN", "KILL of other users' sessions (db.drain with kill: true) and a connection when "
          + "max_connections is reached"));

  /** Needed only by some runbooks or options. */
  public static final List<Extra> OPTIONAL = List.of(
      new Extra("backup-disk-refresh: mariadb-backup logs in as this account (it also uses RELOAD and PROCESS)",
          List.of(new Privilege("BINLOG MONITOR", "SHOW MASTER STATUS, which mariadb-backup --backup runs")), false),
      new Extra("dr-pitr with donorBoots: false (binlog.replay method pipe): the replayed binlogs' statements run as this "
          + "account, so it needs the privileges of every statement in them; these cover the usual ones (narrow ON *.* to "
          + "your application schemas if you like)",
          List.of(new Privilege("INSERT", "row events"), new Privilege("UPDATE", "row events"),
              new Privilege("DELETE", "row events"), new Privilege("CREATE", "CREATE TABLE / DATABASE in the binlog"),
              new Privilege("DROP", "DROP / TRUNCATE in the binlog"), new Privilege("ALTER", "ALTER TABLE in the binlog"),
              new Privilege("INDEX", "CREATE / DROP INDEX in the binlog")), false),
      new Extra("dr-pitr, faster replay (binlog.replay with relaxDurability, the default): SET GLOBAL "
          + "innodb_flush_log_at_trx_commit has no narrower privilege on 10.11; without SUPER the replay keeps that "
          + "setting (slower) and says so",
          List.of(new Privilege("SUPER", "SET GLOBAL innodb_flush_log_at_trx_commit = 0 while replaying")), true));

  private EngineAccount() {}

  /** {@code A, B, C}: the privileges of a list, in order. */
  public static String names(List<Privilege> privileges) {
    return privileges.stream().map(Privilege::name).collect(Collectors.joining(", "));
  }

  /** {@code GRANT ... ON *.* TO 'user'@'host'} for a list of privileges. */
  public static String grant(List<Privilege> privileges, String user, String host) {
    return "GRANT " + names(privileges) + " ON *.* TO " + quote(user) + "@" + quote(host);
  }

  private static String quote(String s) { return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"; }

  /** Every GRANT the doc prints: the required one, then the optional ones. */
  public static List<String> documentedGrants(String user, String host) {
    List<String> out = new java.util.ArrayList<>(List.of(grant(REQUIRED, user, host)));
    for (Extra e : OPTIONAL) out.add(grant(e.privileges(), user, host));
    return out;
  }

  /** What every shipped runbook needs to succeed: the documented GRANTs but the speed-only ones. */
  public static List<String> grantsForEveryRunbook(String user, String host) {
    List<String> out = new java.util.ArrayList<>(List.of(grant(REQUIRED, user, host)));
    for (Extra e : OPTIONAL) if (!e.speedOnly()) out.add(grant(e.privileges(), user, host));
    return out;
  }
}

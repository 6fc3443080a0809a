package io.runbook.runbooks;

import io.runbook.runbooks.CrashSweep.Scenario;
import java.util.List;

/**
 * The shipped runbooks the crash sweep runs, each with the data setup of its sandbox end-to-end test (the same writes,
 * snapshots and earlier runbooks) and the step during which the database server is killed.
 */
final class CrashScenarios {
  private CrashScenarios() {}

  static final Scenario SNAPSHOT_RESTORE = new Scenario("dr-snapshot-restore", d -> {
    d.sql("primary",
        "CREATE DATABASE drill",
        "CREATE TABLE drill.accounts (id INT PRIMARY KEY, balance INT NOT NULL)",
        "INSERT INTO drill.accounts SELECT seq, seq * 10 FROM drill.seq_1_to_300");
    d.awaitCaughtUp("replica-1", "primary");
    d.estate.snapshotNow();
    d.sql("primary", "UPDATE drill.accounts SET balance = 0", "DELETE FROM drill.accounts WHERE id > 100");
    d.awaitCaughtUp("replica-1", "primary");
    return List.of("replicas=replica-1");
  }, "rebuild[0]/replica-start", "replica-1");

  static final Scenario PITR = new Scenario("dr-pitr", d -> {
    DrPitrSandboxTest.Incident incident = DrPitrSandboxTest.stage(d);
    return List.of("beforeMatch=DROP TABLE .*orders", "bracketAt=" + incident.bracketAt(), "replicas=replica-1",
        "workdir=" + d.estate.root().resolve("work"));
  }, "replay", "primary");

  static final Scenario BACKUP_DISK = new Scenario("dr-backup-disk", d -> {
    d.sql("primary",
        "CREATE DATABASE drill",
        "CREATE TABLE drill.stock (id INT PRIMARY KEY, qty INT NOT NULL)",
        "INSERT INTO drill.stock SELECT seq, seq % 7 FROM drill.seq_1_to_400");
    d.awaitCaughtUp("replica-1", "primary");
    SandboxDrill.Result refresh = d.run("backup-disk-refresh", "dbPassword=file:" + d.estate.passwordFile(),
        "subdir=mysql", "parallel=2", "useMemory=64M");
    if (refresh.exit() != 0) throw new AssertionError("setup: backup-disk-refresh failed");
    d.sql("primary", "DELETE FROM drill.stock WHERE id > 50", "INSERT INTO drill.stock VALUES (9999, 1)");
    d.awaitCaughtUp("replica-1", "primary");
    return List.of("fromSnapshot=true", "replicas=replica-1");
  }, "start-primary", "primary");

  static final Scenario PLANNED_SHUTDOWN = new Scenario("planned-shutdown", CrashScenarios::ledger, "stop/shutdown", "primary");

  static final Scenario PLANNED_STARTUP = new Scenario("planned-startup", d -> {
    ledger(d);
    SandboxDrill.Result down = d.run("planned-shutdown", "replicas=replica-1", "drainTimeout=20s");
    if (down.exit() != 0) throw new AssertionError("setup: planned-shutdown failed");
    return List.of("replicas=replica-1");
  }, "start", "primary");

  static final List<Scenario> ALL = List.of(SNAPSHOT_RESTORE, PITR, BACKUP_DISK, PLANNED_SHUTDOWN, PLANNED_STARTUP);

  private static List<String> ledger(SandboxDrill d) throws Exception {
    d.sql("primary",
        "CREATE DATABASE drill",
        "CREATE TABLE drill.ledger (id INT PRIMARY KEY, amount INT NOT NULL)",
        "INSERT INTO drill.ledger SELECT seq, seq FROM drill.seq_1_to_500");
    d.awaitCaughtUp("replica-1", "primary");
    return List.of("replicas=replica-1", "drainTimeout=20s");
  }
}

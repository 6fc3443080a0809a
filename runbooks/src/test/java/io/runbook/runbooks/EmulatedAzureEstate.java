package io.runbook.runbooks;

import io.runbook.testkit.arm.ArmEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The estate of the example Azure inventory ({@code inventories/azure-example.yaml}) seeded in the ARM emulator: VMs
 * vm-db-1 (primary) and vm-db-2 (replica-1) and vm-db-scratch, their data and backup disks at LUN 9 and 11, data-disk
 * snapshots at 01:00-03:00 on 2026-11-25 and Backup Vault recovery points; and that inventory pointed at it.
 */
public final class EmulatedAzureEstate {
  public static final String RG = "rg-db-prod";
  public static final String SNAP_RG = "rg-db-prod-restore";

  private EmulatedAzureEstate() {}

  /** Seeds the estate (after a start or a {@link ArmEmulator#reset()}). */
  public static void seed(ArmEmulator arm) {
    arm.addVm(RG, "vm-db-1", "westeurope", "1");
    arm.addVm(RG, "vm-db-2", "westeurope", "2");
    arm.addVm(RG, "vm-db-scratch", "westeurope", "1");
    arm.addDisk(RG, "vm-db-1-data", "westeurope", "1", 1024);
    arm.addDisk(RG, "vm-db-1-backup", "westeurope", "1", 1024);
    arm.addDisk(RG, "vm-db-2-data", "westeurope", "2", 1024);
    arm.attach(RG, "vm-db-1", "vm-db-1-data", 9);
    arm.attach(RG, "vm-db-1", "vm-db-1-backup", 11);
    arm.attach(RG, "vm-db-2", "vm-db-2-data", 9);
    arm.addSnapshot(SNAP_RG, "vm-db-1-data-0200", RG, "vm-db-1-data", Instant.parse("2026-11-25T02:00:00Z"));
    arm.addSnapshot(SNAP_RG, "vm-db-1-data-0300", RG, "vm-db-1-data", Instant.parse("2026-11-25T03:00:00Z"));
    arm.addSnapshot(SNAP_RG, "vm-db-1-backup-0100", RG, "vm-db-1-backup", Instant.parse("2026-11-25T01:00:00Z"));
    arm.addBackupInstance("rg-backup-prod", "bv-db-prod", "vm-db-1-backup", "westeurope", List.of(
        new ArmEmulator.RecoveryPointSeed("rp-20261124", Instant.parse("2026-11-24T01:30:00Z")),
        new ArmEmulator.RecoveryPointSeed("rp-20261125", Instant.parse("2026-11-25T01:30:00Z"))));
  }

  /**
   * The example inventory pointed at the emulator, written to {@code file}; ssh (a key that does not exist) and
   * MariaDB at a closed local port, and a password variable that is not set: the READS steps on hosts fail at once
   * and say why (a db.wait against an unreachable server would otherwise poll until its timeout).
   */
  public static Path inventory(ArmEmulator arm, Path file) throws IOException {
    String inv = Files.readString(Path.of("inventories", "azure-example.yaml"))
        .replace("00000000-0000-0000-0000-000000000000", arm.subscription())
        .replace("  location: westeurope\n", "  location: westeurope\n  tenant: " + ArmEmulator.TENANT
            + "\n  endpoint: " + arm.endpoint() + "\n")
        .replaceAll("kind: ssh, address: 10\\.20\\.0\\.\\d+,", "kind: ssh, address: 127.0.0.1, port: 1,")
        .replaceAll("address: 10\\.20\\.0\\.\\d+", "address: 127.0.0.1")
        .replace("port: 3306", "port: 1")
        .replace("~/.ssh/known_hosts", "known_hosts")
        .replace("key: ~/.ssh/id_ed25519", "key: " + Path.of("target", "no-such-ssh-key").toAbsolutePath())
        .replaceAll("env:MARIADB_(RUNBOOK|REPL)_PASSWORD", "env:RUNBOOK_PLAN_TEST_UNSET_PASSWORD");
    Path out = file.toAbsolutePath();
    Files.createDirectories(out.getParent());
    Files.writeString(out, inv);
    return out;
  }
}

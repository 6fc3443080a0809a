package io.runbook.steps.cloud.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.db.MariaDbClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** `sandbox up / status / snapshot / down` end to end: real servers, real replication, the written inventory. */
class SandboxEstateTest {
  private final Path root = Path.of("target", "sandbox-estate-" + ProcessHandle.current().pid()).toAbsolutePath();
  private final SandboxEstate estate = new SandboxEstate(root, StepLog.NONE);

  @AfterEach
  void down() throws Exception {
    if (estate.exists() || !Files.exists(root)) estate.down();
    else io.runbook.testkit.mariadb.MariaDbServer.deleteTree(root);
  }

  /** mariadbd cannot create a socket over 107 bytes; up says so before it builds anything. */
  @Test
  void aRootTooDeepForTheServerSocketsIsRefusedBeforeAnythingIsBuilt() throws Exception {
    Path deep = Path.of("target", "sandbox-deep", "x".repeat(120)).toAbsolutePath();
    io.runbook.engine.spi.StepFailure f = org.junit.jupiter.api.Assertions.assertThrows(io.runbook.engine.spi.StepFailure.class,
        () -> new SandboxEstate(deep, StepLog.NONE).up(1));
    assertTrue(f.getMessage().contains("holds at most 107") && f.getMessage().contains("mariadbd.sock"), f.getMessage());
    assertTrue(f.hint().contains("--root"), f.hint());
    assertFalse(Files.exists(deep), "nothing built");
  }

  @Test
  void upBuildsAReplicatedEstateThatIsIdempotentAndDownRemovesIt() throws Exception {
    Path inventoryFile = estate.up(1);
    assertTrue(estate.ready());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(estate.passwordFile())));
    String text = Files.readString(inventoryFile);
    assertTrue(text.contains("file:" + estate.passwordFile()), text);
    assertFalse(text.contains(Files.readString(estate.passwordFile())), "the inventory must not hold the password");

    Inventory inv = estate.inventory();
    assertEquals(List.of("primary", "replica-1", "scratch"), List.copyOf(inv.hosts().keySet()));
    try (StandaloneStepContext ctx = estate.context(inv)) {
      MariaDbClient primary = MariaDbClient.of(ctx, inv.host("primary").orElseThrow());
      MariaDbClient replica = MariaDbClient.of(ctx, inv.host("replica-1").orElseThrow());
      assertEquals("1000", primary.value("SELECT COUNT(*) FROM shop.orders"));
      assertEquals("1000", replica.value("SELECT COUNT(*) FROM shop.orders"));
      assertEquals("Yes", replica.row("SHOW SLAVE STATUS", List.of()).get("Slave_SQL_Running"));
      assertEquals("1", primary.value("SELECT @@sync_binlog"));
      assertEquals("full_crc32", primary.value("SELECT @@innodb_checksum_algorithm").toLowerCase());
      assertEquals("2", replica.value("SELECT @@server_id"));
      // the engine's account holds what docs/database-account.md lists (required and optional but the speed-only
      // SUPER), nothing more
      java.util.Set<String> documented = new java.util.TreeSet<>();
      io.runbook.steps.db.EngineAccount.REQUIRED.forEach(p -> documented.add(p.name()));
      io.runbook.steps.db.EngineAccount.OPTIONAL.stream().filter(e -> !e.speedOnly())
          .forEach(e -> e.privileges().forEach(p -> documented.add(p.name())));
      assertFalse(documented.contains("SUPER"));
      for (MariaDbClient db : List.of(primary, replica)) {
        List<String> grants = db.query("SHOW GRANTS").stream().map(r -> r.values().iterator().next().toString()).toList();
        assertEquals(1, grants.size(), grants.toString());
        String onAll = grants.get(0).replaceAll("^GRANT (.*) ON \\*\\.\\* TO .*$", "$1");
        assertEquals(documented, new java.util.TreeSet<>(List.of(onAll.split(", "))), db.where());
      }
    }
    SandboxCloud cloud = estate.cloud();
    assertEquals("primary-data", cloud.vm("primary").atLun(SandboxEstate.DATA_LUN).orElseThrow().diskName());
    assertEquals("primary-backup", cloud.vm("primary").atLun(SandboxEstate.BACKUP_LUN).orElseThrow().diskName());
    assertTrue(Files.isRegularFile(root.resolve("disks/primary-backup/fs/mysql/xtrabackup_checkpoints")));
    assertEquals(1, cloud.recoveryPoints("primary-data").size());
    assertEquals(1, cloud.recoveryPoints("primary-backup").size());

    // idempotent: a second up changes nothing and keeps the servers
    long pid = new VmServer(cloud.layout(), "primary").pid().orElseThrow();
    estate.up(1);
    assertEquals(pid, new VmServer(cloud.layout(), "primary").pid().orElseThrow());

    assertEquals(2, estate.snapshotNow().size());
    assertTrue(new SandboxStatus(estate).render().contains("replica-1"));

    estate.down();
    assertFalse(Files.exists(root));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void aHalfBuiltEstateIsReportedAndRebuilt() throws Exception {
    Files.createDirectories(root.resolve("vms/primary/lun"));
    Files.writeString(root.resolve("estate.json"), "{\"state\":\"building\",\"replicas\":0,\"createdAt\":\"2026-01-01T00:00:00Z\"}");
    assertTrue(new SandboxStatus(estate).render().startsWith("HALF-BUILT"));
    estate.up(0);
    assertTrue(estate.ready());
    assertEquals(List.of("primary", "scratch"), List.copyOf(estate.inventory().hosts().keySet()));
  }

  @Test
  void downRefusesAFolderTheSandboxDidNotMake() throws Exception {
    Files.createDirectories(root);
    Files.writeString(root.resolve("precious.txt"), "keep me");
    io.runbook.engine.spi.StepFailure f = org.junit.jupiter.api.Assertions.assertThrows(
        io.runbook.engine.spi.StepFailure.class, estate::down);
    assertTrue(f.getMessage().contains("not a sandbox estate"), f.getMessage());
    assertTrue(Files.exists(root.resolve("precious.txt")));
    Files.delete(root.resolve("precious.txt"));
  }

}

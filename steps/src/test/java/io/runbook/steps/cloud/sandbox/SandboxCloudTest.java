package io.runbook.steps.cloud.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.steps.cloud.CloudProvider.RecoveryPoint;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.testkit.mariadb.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider's operations on folders: what Azure refuses is refused, copies carry what find/bracket need. */
class SandboxCloudTest {
  private final Path root = Path.of("target", "sandbox-cloud-" + ProcessHandle.current().pid()).toAbsolutePath();
  private SandboxCloud cloud;

  @BeforeEach
  void estate() throws Exception {
    MariaDbServer.deleteTree(root);
    cloud = new SandboxCloud(new SandboxLayout(root));
    cloud.createVm("vm1", 1);
    cloud.createVm("vm2", 2);
  }

  @AfterEach
  void clean() { MariaDbServer.deleteTree(root); }

  private Disk disk(String name, String content) throws Exception {
    Disk d = cloud.createEmptyDisk(new NewDisk(name, "sandbox", null, "Premium_LRS", Map.of("k", "v")), 4);
    Files.writeString(root.resolve("disks").resolve(name).resolve("fs").resolve("file.txt"), content);
    return d;
  }

  @Test
  void attachAndDetachBehaveLikeAzure() throws Exception {
    Disk a = disk("a", "A");
    Disk b = disk("b", "B");
    assertEquals(9, cloud.attach("vm1", "a", 9).atLun(9).orElseThrow().lun());
    assertEquals("/sandbox/vms/vm1", cloud.findDisk("a").orElseThrow().attachedTo());
    assertEquals("Attached", cloud.findDisk(a.id()).orElseThrow().state());

    StepFailure lunInUse = assertThrows(StepFailure.class, () -> cloud.attach("vm1", "b", 9));
    assertTrue(lunInUse.getMessage().contains("LUN 9 of VM vm1 already holds disk a"), lunInUse.getMessage());
    StepFailure elsewhere = assertThrows(StepFailure.class, () -> cloud.attach("vm2", "a", 9));
    assertTrue(elsewhere.getMessage().contains("already attached to VM vm1"), elsewhere.getMessage());
    StepFailure unknownLun = assertThrows(StepFailure.class, () -> cloud.detach("vm1", 10));
    assertTrue(unknownLun.getMessage().contains("no disk at LUN 10"), unknownLun.getMessage());
    StepFailure attachedDelete = assertThrows(StepFailure.class, () -> cloud.deleteDisk(a, null));
    assertTrue(attachedDelete.getMessage().contains("attached to VM vm1"), attachedDelete.getMessage());
    assertThrows(StepFailure.class, () -> cloud.attach("vm9", "b", 9), "unknown VM");

    cloud.detach("vm1", 9);
    assertFalse(cloud.findDisk("a").orElseThrow().attached());
    assertTrue(cloud.vm("vm1").dataDisks().isEmpty());
    cloud.attach("vm2", "a", 9);
    cloud.attach("vm2", "b", 11);
    assertEquals(List.of(9, 11), cloud.vm("vm2").dataDisks().stream().map(d -> d.lun()).toList());
    cloud.detach("vm2", 11);
    cloud.deleteDisk(b, null);
    assertTrue(cloud.findDisk("b").isEmpty());
    assertFalse(Files.exists(root.resolve("disks/b")));
  }

  @Test
  void snapshotsAreCopiesThatNameTheirSourceAndRestoreToNewDisks() throws Exception {
    Disk a = disk("a", "first");
    Snapshot s1 = cloud.snapshot(a, "a-1", Map.of("run", "r1"), StepLog.NONE);
    Files.writeString(root.resolve("disks/a/fs/file.txt"), "second");
    Snapshot s2 = cloud.snapshot(a, "a-2", Map.of(), StepLog.NONE);
    assertEquals(a.id(), s1.sourceDiskId());
    assertEquals(a.uniqueId(), s1.sourceUniqueId());
    assertEquals("Succeeded", s1.state());
    assertEquals(Map.of("run", "r1"), s1.tags());
    assertTrue(!s2.createdAt().isBefore(s1.createdAt()));
    assertEquals(List.of("a-1", "a-2"), cloud.listSnapshots().stream().map(Snapshot::name).toList());
    assertThrows(StepFailure.class, () -> cloud.snapshot(a, "a-1", Map.of(), StepLog.NONE), "names are unique");

    Disk restored = cloud.createDiskFromSnapshot(s1, new NewDisk("a-restored", "sandbox", null, "Premium_LRS", Map.of()), ctx());
    assertEquals("first", Files.readString(root.resolve("disks/a-restored/fs/file.txt")));
    assertNotEquals(a.uniqueId(), restored.uniqueId());
    assertFalse(restored.attached());
    assertThrows(StepFailure.class,
        () -> cloud.createDiskFromSnapshot(s2, new NewDisk("a-restored", "sandbox", null, "Premium_LRS", Map.of()), ctx()));

    // A snapshot outlives its disk, and still names the exact disk it copied (find with sourceUniqueId).
    cloud.deleteDisk(a, null);
    assertEquals(a.uniqueId(), cloud.findSnapshot("a-2").orElseThrow().sourceUniqueId());
    cloud.deleteSnapshot("a-1");
    assertEquals(List.of("a-2"), cloud.listSnapshots().stream().map(Snapshot::name).toList());
  }

  @Test
  void vaultRecoveryPointsRestoreToNewDisks() throws Exception {
    Disk a = disk("a", "v1");
    RecoveryPoint p1 = cloud.backUp("a-instance", a, StepLog.NONE);
    Files.writeString(root.resolve("disks/a/fs/file.txt"), "v2");
    Thread.sleep(5);
    cloud.backUp("a-instance", a, StepLog.NONE);
    List<RecoveryPoint> points = cloud.recoveryPoints("a-instance");
    assertEquals(2, points.size());
    assertEquals(p1.id(), points.get(0).id());
    cloud.restoreDisk("a-instance", points.get(0), new NewDisk("from-vault", "sandbox", null, "Premium_LRS", Map.of()), ctx());
    assertEquals("v1", Files.readString(root.resolve("disks/from-vault/fs/file.txt")));
    assertTrue(cloud.recoveryPoints("other").isEmpty());
  }

  @Test
  void stoppingAVmRecordsItsPowerState() throws Exception {
    assertEquals("running", cloud.vm("vm1").powerState());
    assertEquals("deallocated", cloud.stop("vm1", true, StepLog.NONE).powerState());
    assertEquals("running", cloud.startVm(cloud.vm("vm1"), ctx()).powerState());
    assertEquals("stopped", cloud.stopVm(cloud.vm("vm1"), false, ctx()).powerState());
  }

  /**
   * An engine killed in the middle of a disk copy leaves the half-made folder and its cp still running; the resumed
   * step ends that process before it removes the folder and copies again (found by the crash sweep).
   */
  @Test
  void aCopyLeftRunningByAKilledEngineIsStoppedBeforeTheDiskIsMadeAgain() throws Exception {
    disk("a", "A");
    Snapshot s1 = cloud.snapshot(cloud.findDisk("a").orElseThrow(), "a-s1", Map.of(), StepLog.NONE);
    Path halfMade = root.resolve("disks").resolve(".new-a-restored");
    Files.createDirectories(halfMade.resolve("fs"));
    // stands for the orphaned cp: a process still writing into the half-made folder
    Process orphan = new ProcessBuilder("sh", "-c", "while :; do touch \"$1/fs/x\"; sleep 0.05; done", "sh", halfMade.toString())
        .start();
    try {
      Disk restored = cloud.createDiskFromSnapshot(s1, new NewDisk("a-restored", "sandbox", null, "Premium_LRS", Map.of()), ctx());
      assertFalse(orphan.isAlive(), "the process writing into the half-made folder was ended");
      assertEquals("A", Files.readString(root.resolve("disks").resolve(restored.name()).resolve("fs").resolve("file.txt")));
      assertFalse(Files.exists(root.resolve("disks").resolve(restored.name()).resolve("fs").resolve("x")), "nothing of the old attempt");
      assertFalse(Files.exists(halfMade));
    } finally {
      orphan.destroyForcibly();
    }
  }

  private static io.runbook.engine.run.StandaloneStepContext ctx() {
    return io.runbook.engine.run.StandaloneStepContext.builder().build();
  }
}

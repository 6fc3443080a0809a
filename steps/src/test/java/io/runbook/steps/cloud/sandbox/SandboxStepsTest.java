package io.runbook.steps.cloud.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.AttachDisk;
import io.runbook.steps.cloud.CreateDiskFromSnapshot;
import io.runbook.steps.cloud.CreateSnapshot;
import io.runbook.steps.cloud.FindSnapshot;
import io.runbook.steps.cloud.StopVm;
import io.runbook.steps.host.HostMount;
import io.runbook.steps.host.HostMountCheck;
import io.runbook.steps.host.HostUnmount;
import io.runbook.steps.host.service.DbServiceStart;
import io.runbook.steps.host.service.DbServiceStatus;
import io.runbook.steps.host.service.DbServiceStop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped step types against a sandbox estate: mount check keeps its meaning (the disk at the expected LUN, plus
 * the marker), the sandbox service starts and stops the VM's real server, snapshot find/restore/attach work.
 */
class SandboxStepsTest {
  private final Path root = Path.of("target", "sandbox-steps-" + ProcessHandle.current().pid()).toAbsolutePath();
  private final SandboxEstate estate = new SandboxEstate(root, StepLog.NONE);

  @AfterEach
  void down() throws Exception { estate.down(); }

  private static Optional<String> none() { return Optional.empty(); }

  private static HostMountCheck.Input check() { return new HostMountCheck.Input(none(), none(), none(), none(), Optional.empty()); }

  @Test
  void restoreASnapshotWithTheStepsAndTheMountCheckGuardsTheServer() throws Exception {
    estate.up(0);
    Inventory inv = estate.inventory();
    try (StandaloneStepContext base = estate.context(inv)) {
      StandaloneStepContext ctx = base.forStep("s", "primary");
      assertTrue(new HostMountCheck().run(check(), ctx).markerFound());

      var snap = new CreateSnapshot().run(new CreateSnapshot.Input(none(), Optional.of("primary-data-s1")), ctx);
      Instant between = Instant.now();
      Thread.sleep(20);
      new CreateSnapshot().run(new CreateSnapshot.Input(none(), Optional.of("primary-data-s2")), ctx);
      var found = new FindSnapshot().run(new FindSnapshot.Input(none(), Optional.empty(), Optional.empty(), Optional.of(between),
          Optional.empty()), ctx);
      assertEquals("primary-data-s1", found.snapshot());
      assertEquals("primary-data-s2", found.next());

      assertTrue(new DbServiceStop().run(new DbServiceStop.Input(none(), Optional.empty()), ctx).stopped());
      assertFalse(new DbServiceStatus().run(new DbServiceStatus.Input(Optional.empty()), ctx).running());
      assertTrue(new HostUnmount().run(new HostUnmount.Input(none(), none(), Optional.empty()), ctx).changed());
      assertTrue(Files.isDirectory(root.resolve("disks/primary-data/fs/mysql")), "unmount removes the link, never the data");

      // Nothing mounted: the check refuses, and so does starting the database.
      StepFailure notMounted = assertThrows(StepFailure.class, () -> new HostMountCheck().run(check(), ctx));
      assertTrue(notMounted.getMessage().contains("NOT a mount point"), notMounted.getMessage());
      assertThrows(StepFailure.class, () -> new DbServiceStart().run(new DbServiceStart.Input(Optional.empty(), none(), Optional.empty(), Optional.empty()), ctx));

      // A plain folder at the mount point is not a mount either.
      Files.createDirectories(root.resolve("vms/primary/mnt/data/mysql"));
      assertThrows(StepFailure.class, () -> new HostMountCheck().run(check(), ctx));
      Files.delete(root.resolve("vms/primary/mnt/data/mysql"));
      Files.delete(root.resolve("vms/primary/mnt/data"));

      var disk = new CreateDiskFromSnapshot().run(new CreateDiskFromSnapshot.Input(snap.snapshotId(), "primary-data-restored", none()), ctx);
      var swap = new AttachDisk().run(new AttachDisk.Input(disk.diskId(), 9, Optional.of(true)), ctx);
      assertEquals("primary-data", swap.replacedDisk());

      // The old disk's content linked at the mount point is NOT the disk at LUN 9: refused.
      Files.createSymbolicLink(root.resolve("vms/primary/mnt/data"), root.resolve("disks/primary-data/fs"));
      StepFailure wrongDisk = assertThrows(StepFailure.class, () -> new HostMountCheck().run(check(), ctx));
      assertTrue(wrongDisk.getMessage().contains("not of"), wrongDisk.getMessage());
      new HostUnmount().run(new HostUnmount.Input(none(), none(), Optional.empty()), ctx);

      assertTrue(new HostMount().run(new HostMount.Input(none(), none(), none(), none(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty()), ctx).changed());
      assertEquals(root.resolve("disks/primary-data-restored/fs").toString(), Files.readSymbolicLink(root.resolve("vms/primary/mnt/data")).toString());

      // The marker proves it is the real disk, not an empty one.
      Files.delete(root.resolve("disks/primary-data-restored/fs/" + SandboxEstate.MARKER));
      StepFailure noMarker = assertThrows(StepFailure.class, () -> new HostMountCheck().run(check(), ctx));
      assertTrue(noMarker.getMessage().contains("marker"), noMarker.getMessage());
      Files.writeString(root.resolve("disks/primary-data-restored/fs/" + SandboxEstate.MARKER), "restored\n");

      // The restored server boots fenced: its VM folder's fence.cnf is its option file, read_only from the first query.
      var fenced = new DbServiceStart().run(new DbServiceStart.Input(Optional.empty(), none(), Optional.empty(), Optional.of(true)), ctx);
      assertEquals(Boolean.TRUE, fenced.readOnlyAtStart());
      assertTrue(Files.readString(root.resolve("vms/primary/fence.cnf")).contains("read_only=ON"));
      var status = new DbServiceStatus().run(new DbServiceStatus.Input(Optional.empty()), ctx);
      assertTrue(status.running() && status.answering(), status.detail());

      // A stopped VM takes its server down, and its database cannot start until the VM runs again.
      new StopVm().run(new StopVm.Input(Optional.empty()), ctx);
      assertFalse(new DbServiceStatus().run(new DbServiceStatus.Input(Optional.empty()), ctx).running());
      StepFailure vmStopped = assertThrows(StepFailure.class,
          () -> new DbServiceStart().run(new DbServiceStart.Input(Optional.empty(), none(), Optional.empty(), Optional.empty()), ctx));
      assertTrue(vmStopped.getMessage().contains("is stopped") || vmStopped.getMessage().contains("is deallocated"), vmStopped.getMessage());
      assertTrue(new io.runbook.steps.host.service.DbServiceUnfence().run(
          new io.runbook.steps.host.service.DbServiceUnfence.Input(Optional.empty()), ctx).removed());
      assertFalse(Files.exists(root.resolve("vms/primary/fence.cnf")));
    }
  }
}

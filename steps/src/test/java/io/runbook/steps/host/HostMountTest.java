package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Mount steps on real loop devices with ext4 and XFS (the duplicate-UUID case), over ssh and locally. */
@ExtendWith(SshdExtension.class)
class HostMountTest {
  private final HostMount mount = new HostMount();
  private final HostUnmount unmount = new HostUnmount();
  private final HostMountCheck check = new HostMountCheck();

  private static StandaloneStepContext ctx(String kind, Sshd sshd, DiskSpec disk) {
    Host h = TestHosts.host("db1", "ssh".equals(kind) ? TestHosts.ssh(sshd) : TestHosts.local(), Optional.of(disk),
        Optional.empty(), Optional.empty());
    return TestHosts.context(TestHosts.inventory(h), "db1", new RecordingLog(), Path.of("target"));
  }

  private static DiskSpec disk(String device, Path mountPoint, String marker) {
    return new DiskSpec("db1-data", 9, mountPoint.toString(), Optional.of(device), Optional.of("ext4"), Optional.empty(),
        Optional.ofNullable(marker), Optional.empty());
  }

  private static HostMount.Input mountIn() {
    return new HostMount.Input(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static HostMountCheck.Input checkIn() {
    return new HostMountCheck.Input(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static HostUnmount.Input unmountIn() {
    return new HostUnmount.Input(Optional.empty(), Optional.empty(), Optional.empty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void mountCheckUnmountThroughASymlinkedDevicePath(String kind, Sshd sshd, @TempDir Path dir) throws Exception {
    assumeTrue(LoopDisk.available(), "loop devices are not available on this machine");
    try (LoopDisk data = LoopDisk.create(dir, "data"); LoopDisk other = LoopDisk.create(dir, "other")) {
      // Like /dev/disk/azure/scsi1/lun9 -> ../../../sdc
      Path lun9 = Files.createSymbolicLink(dir.resolve("lun9"), Path.of(data.device));
      Path mp = dir.resolve("data");
      try (StandaloneStepContext c = ctx(kind, sshd, disk(lun9.toString(), mp, ".runbook-datadisk"))) {
        StepFailure notMounted = assertThrows(StepFailure.class, () -> check.run(checkIn(), c));
        assertTrue(notMounted.getMessage().contains(mp + " is NOT a mount point (it does not exist)"), notMounted.getMessage());
        assertEquals(Reconciled.Status.NOT_DONE, mount.reconcile(mountIn(), c).status());

        HostMount.Output m = mount.run(mountIn(), c);
        assertTrue(m.changed());
        assertEquals(data.device, m.device());
        assertEquals(Reconciled.Status.DONE, mount.reconcile(mountIn(), c).status());
        assertFalse(mount.run(mountIn(), c).changed(), "already mounted: nothing to do");

        StepFailure noMarker = assertThrows(StepFailure.class, () -> check.run(checkIn(), c));
        assertTrue(noMarker.getMessage().contains("marker " + mp + "/.runbook-datadisk is missing"), noMarker.getMessage());
        Files.writeString(mp.resolve(".runbook-datadisk"), "db1 data\n");
        HostMountCheck.Output ok = check.run(checkIn(), c);
        assertEquals(mp.toString(), ok.mountPoint());
        assertEquals(m.majorMinor(), ok.majorMinor());
        assertTrue(ok.markerFound());

        // Through a symlinked mount point, by UUID, and against the wrong device.
        Path link = Files.createSymbolicLink(dir.resolve("datalink"), mp);
        assertEquals(mp.toString(), check.run(new HostMountCheck.Input(Optional.empty(), Optional.of("UUID=" + data.uuid),
            Optional.of(link.toString()), Optional.empty(), Optional.empty()), c).mountPoint());
        StepFailure wrong = assertThrows(StepFailure.class, () -> check.run(new HostMountCheck.Input(Optional.empty(),
            Optional.of(other.device), Optional.empty(), Optional.empty(), Optional.empty()), c));
        assertTrue(wrong.getMessage().contains("is a mount of " + data.device), wrong.getMessage());
        StepFailure occupied = assertThrows(StepFailure.class, () -> mount.run(new HostMount.Input(Optional.empty(),
            Optional.of(other.device), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty()), c));
        assertTrue(occupied.getMessage().contains("already has " + data.device), occupied.getMessage());

        HostUnmount.Output u = unmount.run(unmountIn(), c);
        assertTrue(u.changed());
        assertFalse(unmount.run(unmountIn(), c).changed());
        StepFailure emptyFolder = assertThrows(StepFailure.class, () -> check.run(checkIn(), c));
        assertTrue(emptyFolder.getMessage().contains("is NOT a mount point (it is a plain folder)"), emptyFolder.getMessage());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void readOnlyMountByUuid(String kind, Sshd sshd, @TempDir Path dir) throws Exception {
    assumeTrue(LoopDisk.available(), "loop devices are not available on this machine");
    try (LoopDisk backup = LoopDisk.create(dir, "backup")) {
      Path mp = dir.resolve("backup");
      try (StandaloneStepContext c = ctx(kind, sshd, disk("UUID=" + backup.uuid, mp, null))) {
        HostMount.Input ro = new HostMount.Input(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.of(true), Optional.empty(), Optional.of(List.of("noatime")), Optional.empty());
        assertEquals(backup.device, mount.run(ro, c).device());
        String opts = LoopDisk.sh("findmnt", "-n", "-o", "OPTIONS", "--mountpoint", mp.toString());
        assertTrue(opts.startsWith("ro,"), opts);
        assertTrue(opts.contains("noatime"), opts);
        assertTrue(unmount.run(unmountIn(), c).changed());
      }
    }
  }

  /**
   * A disk restored from a snapshot of a disk that is still mounted has the same XFS UUID, which the kernel refuses
   * unless mounted with nouuid: added by itself, refused clearly when the input forbids it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void xfsDuplicateUuidMountsWithNouuid(String kind, Sshd sshd, @TempDir Path dir) throws Exception {
    assumeTrue(LoopDisk.available(), "loop devices are not available on this machine");
    assertTrue(LoopDisk.xfsAvailable(), "mkfs.xfs is missing: run bin/install-prereqs (xfsprogs)");
    try (LoopDisk original = LoopDisk.createXfs(dir, "original"); LoopDisk restored = original.copy(dir, "restored")) {
      assertEquals(original.uuid, restored.uuid, "the copy has the same filesystem UUID");
      Path first = dir.resolve("original-mnt");
      Files.createDirectories(first);
      LoopDisk.sh("mount", "-t", "xfs", original.device, first.toString());
      Path mp = dir.resolve("restored-mnt");
      DiskSpec xfs = new DiskSpec("db1-data-restored", 9, mp.toString(), Optional.of(restored.device), Optional.of("xfs"),
          Optional.empty(), Optional.empty(), Optional.empty());
      try (StandaloneStepContext c = ctx(kind, sshd, xfs)) {
        HostMount.Input forbidden = new HostMount.Input(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.of(false), Optional.empty(), Optional.empty());
        StepFailure f = assertThrows(StepFailure.class, () -> mount.run(forbidden, c));
        assertTrue(f.getMessage().contains("XFS filesystem UUID " + original.uuid + ", which is already mounted"), f.getMessage());
        assertTrue(f.getMessage().contains("nouuid: false forbids"), f.getMessage());
        assertFalse(Files.exists(mp) && LoopDisk.sh("findmnt", "-rn", "-o", "TARGET").lines().anyMatch(mp.toString()::equals),
            "nothing was mounted");

        HostMount.Output out = mount.run(mountIn(), c);
        assertTrue(out.changed());
        assertEquals(restored.device, out.device());
        String opts = LoopDisk.sh("findmnt", "-n", "-o", "OPTIONS", "--mountpoint", mp.toString());
        assertTrue(opts.contains("nouuid"), opts);
        assertTrue(((RecordingLog) c.log()).info.stream().anyMatch(m -> m.contains("mounting with nouuid")));
        assertTrue(unmount.run(unmountIn(), c).changed());
      } finally {
        LoopDisk.sh("umount", first.toString());
      }
    }
  }

  @Test
  void planShowsXfsNouuidReadOnlyCommands(Sshd sshd) {
    DiskSpec xfs = new DiskSpec("db1-data-restored", 9, "/var/lib/mysql-data", Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.of(".runbook-datadisk"), Optional.empty());
    try (StandaloneStepContext c = ctx("ssh", sshd, xfs)) {
      HostMount.Input in = new HostMount.Input(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.of(true), Optional.of(true), Optional.empty(), Optional.of(true));
      List<String> texts = mount.plan(in, c).actions().stream().map(Plan.Action::text).toList();
      assertEquals(List.of("sudo -n -- mkdir -p -- /var/lib/mysql-data",
          "sudo -n -- mount -t xfs -o ro,nouuid -- /dev/disk/azure/scsi1/lun9 /var/lib/mysql-data"), texts);
      assertEquals("umount -- /var/lib/mysql-data", unmount.plan(unmountIn(), c).actions().get(0).text());
      List<String> checks = check.plan(checkIn(), c).actions().stream().map(Plan.Action::text).toList();
      assertEquals(List.of("mountpoint -d -- /var/lib/mysql-data", "stat -L -c '%F|%t|%T' -- /dev/disk/azure/scsi1/lun9",
          "test -e /var/lib/mysql-data/.runbook-datadisk"), checks);
      HostMount.Input auto = mountIn();
      assertTrue(mount.plan(auto, c).actions().get(2).text().contains("nouuid is added if"));
    }
  }

  @Test
  void nouuidOnExt4IsRefused(Sshd sshd) {
    try (StandaloneStepContext c = ctx("local", sshd, disk("/dev/loop0", Path.of("/mnt/x"), null))) {
      HostMount.Input in = new HostMount.Input(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.of(true), Optional.empty(), Optional.empty());
      assertTrue(assertThrows(StepFailure.class, () -> mount.run(in, c)).getMessage().contains("nouuid is an XFS option"));
    }
  }
}

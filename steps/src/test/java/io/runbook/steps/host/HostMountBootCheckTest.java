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
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * host.mount.boot-check on real loop devices, over ssh and locally: an fstab line of each kind (UUID=, LABEL=, a
 * device path, the stable LUN path, none) against the disk mounted now, and a restored copy with the same UUID.
 */
@ExtendWith(SshdExtension.class)
class HostMountBootCheckTest {
  private final HostMountBootCheck step = new HostMountBootCheck();

  private static StandaloneStepContext ctx(String kind, Sshd sshd, DiskSpec disk) {
    Host h = TestHosts.host("db1", "ssh".equals(kind) ? TestHosts.ssh(sshd) : TestHosts.local(), Optional.of(disk),
        Optional.empty(), Optional.empty());
    return TestHosts.context(TestHosts.inventory(h), "db1", new RecordingLog(), Path.of("target"));
  }

  /** The data disk at "LUN 9": the inventory's device is a link standing for /dev/disk/azure/scsi1/lun9. */
  private static DiskSpec disk(Path lun9, Path mountPoint, String fsType) {
    return new DiskSpec("db1-data", 9, mountPoint.toString(), Optional.of(lun9.toString()), Optional.of(fsType),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static HostMountBootCheck.Input in(Path fstab, boolean require) {
    return new HostMountBootCheck.Input(Optional.empty(), Optional.empty(), Optional.of(fstab.toString()), Optional.of(require),
        Optional.empty());
  }

  private HostMountBootCheck.Output check(StandaloneStepContext c, Path fstab, String text) throws Exception {
    Files.writeString(fstab, "# /etc/fstab\nUUID=0a1b-root / ext4 defaults 0 1\n" + text);
    return step.run(in(fstab, false), c);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void eachKindOfFstabSourceAgainstTheDiskMountedNow(String kind, Sshd sshd, @TempDir Path dir) throws Exception {
    assumeTrue(LoopDisk.available(), "loop devices are not available on this machine");
    try (LoopDisk data = LoopDisk.create(dir, "data"); LoopDisk other = LoopDisk.create(dir, "other")) {
      LoopDisk.sh("e2label", data.device, "dbdata");
      LoopDisk.sh("e2label", other.device, "olddata");
      Path lun9 = Files.createSymbolicLink(dir.resolve("lun9"), Path.of(data.device));
      Path mp = Files.createDirectories(dir.resolve("mariadbdata"));
      Path fstab = dir.resolve("fstab");
      LoopDisk.sh("mount", data.device, mp.toString());
      try (StandaloneStepContext c = ctx(kind, sshd, disk(lun9, mp, "ext4"))) {
        HostMountBootCheck.Output byUuid = check(c, fstab, "UUID=" + data.uuid + " " + mp + "/ ext4 defaults,noatime 0 2\n");
        assertTrue(byUuid.bootsRightDisk(), byUuid.toString());
        assertEquals("uuid", byUuid.sourceKind());
        assertEquals(data.device, byUuid.sourceDevices());
        assertEquals("", byUuid.problem());
        assertEquals(lun9 + " " + mp + "/ ext4 defaults,noatime 0 2", byUuid.fixedLine(), "the stable path, the other fields kept");
        assertTrue(byUuid.report().contains("the next boot mounts the right disk"), byUuid.report());

        // The UUID of a disk that is not the one mounted: the wrong disk at the next boot, loudly.
        HostMountBootCheck.Output wrong = check(c, fstab, "UUID=\"" + other.uuid + "\" " + mp + " ext4 defaults 0 2\n");
        assertFalse(wrong.bootsRightDisk());
        assertEquals(other.device, wrong.sourceDevices());
        assertEquals(data.device, wrong.mountedDevice());
        assertTrue(wrong.problem().contains("is " + other.device + ", not " + data.device + " that is mounted at " + mp
            + " now: the next boot mounts the wrong disk there"), wrong.problem());
        assertTrue(wrong.report().startsWith("FIX " + fstab + " BEFORE THE NEXT REBOOT (db1): "), wrong.report());
        assertTrue(wrong.report().endsWith("replace line 3 `UUID=\"" + other.uuid + "\" " + mp + " ext4 defaults 0 2` with `"
            + lun9 + " " + mp + " ext4 defaults 0 2`"), wrong.report());
        assertTrue(((RecordingLog) c.log()).warn.contains(wrong.report()), "a warning, not a failure");

        HostMountBootCheck.Output byLabel = check(c, fstab, "LABEL=olddata " + mp + " ext4 defaults 0 2\n");
        assertEquals("label", byLabel.sourceKind());
        assertFalse(byLabel.bootsRightDisk());
        assertTrue(check(c, fstab, "LABEL=dbdata " + mp + " ext4 defaults 0 2\n").bootsRightDisk());

        HostMountBootCheck.Output byName = check(c, fstab, other.device + " " + mp + " ext4 defaults 0 2\n");
        assertEquals("path", byName.sourceKind());
        assertFalse(byName.bootsRightDisk());
        HostMountBootCheck.Output stable = check(c, fstab, lun9 + " " + mp + " ext4 defaults,nofail 0 2\n");
        assertTrue(stable.bootsRightDisk(), stable.toString());
        assertEquals(stable.line(), stable.fixedLine());

        HostMountBootCheck.Output gone = check(c, fstab, "UUID=6f0c4c1e-0000-4000-8000-000000000000 " + mp + " ext4 defaults 0 2\n");
        assertEquals("", gone.sourceDevices());
        assertTrue(gone.problem().contains("names no disk on the host now: the next boot mounts nothing at " + mp), gone.problem());

        HostMountBootCheck.Output partuuid = check(c, fstab, "PARTUUID=0f0e-01 " + mp + " ext4 defaults 0 2\n");
        assertEquals("partuuid", partuuid.sourceKind());
        assertFalse(partuuid.bootsRightDisk());

        HostMountBootCheck.Output none = check(c, fstab, "UUID=" + data.uuid + " /srv ext4 defaults 0 2\n");
        assertEquals("missing", none.sourceKind());
        assertEquals("", none.line());
        assertTrue(none.problem().contains("has no line for " + mp), none.problem());
        assertEquals(lun9 + " " + mp + " ext4 defaults,nofail 0 2", none.fixedLine());
        assertTrue(none.report().endsWith("add `" + none.fixedLine() + "`"), none.report());

        HostMountBootCheck.Output noFile = step.run(in(dir.resolve("no-such-fstab"), false), c);
        assertEquals("missing", noFile.sourceKind());
        assertTrue(noFile.problem().startsWith(dir.resolve("no-such-fstab") + " on ")
            && noFile.problem().endsWith(" does not exist: after a reboot nothing is mounted at " + mp), noFile.problem());

        Files.writeString(fstab, "UUID=" + other.uuid + " " + mp + " ext4 defaults 0 2\n");
        StepFailure required = assertThrows(StepFailure.class, () -> step.run(in(fstab, true), c));
        assertTrue(required.getMessage().contains("FIX " + fstab + " BEFORE THE NEXT REBOOT"), required.getMessage());
      } finally {
        LoopDisk.sh("umount", mp.toString());
      }
    }
  }

  /**
   * After restoring a copy of the backup disk (dr-backup-disk) both disks carry one XFS UUID: UUID= names two disks,
   * and the fixed line adds nouuid so that the second of them to mount at boot does not fail.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void aRestoredCopySharesTheUuidAndTheFixedLineAddsNouuid(String kind, Sshd sshd, @TempDir Path dir) throws Exception {
    assumeTrue(LoopDisk.available(), "loop devices are not available on this machine");
    assertTrue(LoopDisk.xfsAvailable(), "mkfs.xfs is missing: run bin/install-prereqs (xfsprogs)");
    try (LoopDisk backup = LoopDisk.createXfs(dir, "backup"); LoopDisk restored = backup.copy(dir, "restored")) {
      Path lun9 = Files.createSymbolicLink(dir.resolve("lun9"), Path.of(restored.device));
      Path mp = Files.createDirectories(dir.resolve("mariadbdata"));
      Path fstab = dir.resolve("fstab");
      LoopDisk.sh("mount", "-t", "xfs", restored.device, mp.toString());
      try (StandaloneStepContext c = ctx(kind, sshd, disk(lun9, mp, "xfs"))) {
        HostMountBootCheck.Output r = check(c, fstab, "UUID=" + backup.uuid + " " + mp + " xfs defaults,nofail 0 2\n");
        assertFalse(r.bootsRightDisk());
        assertTrue(r.problem().contains("names 2 disks"), r.problem());
        assertTrue(r.problem().contains("which one the next boot mounts at " + mp + " is chance"), r.problem());
        assertEquals(lun9 + " " + mp + " xfs defaults,nofail,nouuid 0 2", r.fixedLine());

        // By the stable path it mounts the right disk, but without nouuid the duplicate UUID is still a warning.
        HostMountBootCheck.Output byLun = check(c, fstab, lun9 + " " + mp + " xfs defaults,nofail 0 2\n");
        assertTrue(byLun.bootsRightDisk());
        assertEquals(lun9 + " " + mp + " xfs defaults,nofail,nouuid 0 2", byLun.fixedLine());
        assertTrue(((RecordingLog) c.log()).warn.stream().anyMatch(w -> w.contains("has the same UUID as " + backup.device + " (a restored copy): without nouuid in its fstab options")),
            ((RecordingLog) c.log()).warn.toString());
      } finally {
        LoopDisk.sh("umount", mp.toString());
      }
    }
  }

  @Test
  void planNamesTheFstabAndTheStableLunPath(Sshd sshd) {
    DiskSpec azure = new DiskSpec("db1-data", 9, "/mariadbdata", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
    try (StandaloneStepContext c = ctx("ssh", sshd, azure)) {
      HostMountBootCheck.Input defaults = new HostMountBootCheck.Input(Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty());
      Plan p = step.plan(defaults, c);
      assertEquals("read /etc/fstab: the line that mounts /mariadbdata", p.actions().get(0).text());
      assertTrue(p.actions().get(1).text().contains("a mismatch is a warning giving the line to use, with /dev/disk/azure/scsi1/lun9"),
          p.actions().get(1).text());
    }
  }
}

package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.steps.host.Fstab.SourceKind;
import org.junit.jupiter.api.Test;

/** Reading fstab lines: comments, escapes, the first line of a mount point, and the fixed line keeping the other fields. */
class FstabTest {
  private static final String TEXT = """
      # <file system> <mount point> <type> <options> <dump> <pass>
      UUID=1111 /  ext4 errors=remount-ro 0 1
        # UUID=2222 /mariadbdata xfs defaults 0 0
      LABEL="db\\040data"\t/mariadbdata/  xfs  defaults,nofail  0  2
      /dev/sdc /mariadbdata xfs defaults 0 0
      /dev/disk/azure/scsi1/lun11 /mnt/my\\040backup xfs ro
      """;

  @Test
  void findsTheFirstLineOfTheMountPointPastCommentsAndSlashes() {
    Fstab.Entry e = Fstab.find(TEXT, "/mariadbdata").orElseThrow();
    assertEquals(4, e.lineNo());
    assertEquals(SourceKind.LABEL, e.kind());
    assertEquals("LABEL=db data", e.tag(), "quotes dropped for blkid -t");
    assertEquals("/dev/disk/azure/scsi1/lun9 /mariadbdata/ xfs defaults,nofail,nouuid 0 2",
        e.withSource("/dev/disk/azure/scsi1/lun9", true));
    assertEquals("/dev/disk/azure/scsi1/lun9 /mariadbdata/ xfs defaults,nofail 0 2", e.withSource("/dev/disk/azure/scsi1/lun9", false));

    Fstab.Entry backup = Fstab.find(TEXT, "/mnt/my backup").orElseThrow();
    assertEquals(SourceKind.LUN, backup.kind());
    assertEquals("/dev/disk/azure/scsi1/lun11 /mnt/my\\040backup xfs ro,nouuid 0 0", backup.withSource(backup.source(), true),
        "missing dump and pass filled with 0, the space escaped again");
    assertTrue(Fstab.find(TEXT, "/srv").isEmpty());
  }

  @Test
  void classifiesSources() {
    assertEquals(SourceKind.UUID, Fstab.kindOf("UUID=1111"));
    assertEquals(SourceKind.PARTUUID, Fstab.kindOf("PARTUUID=1111-01"));
    assertEquals(SourceKind.PARTLABEL, Fstab.kindOf("PARTLABEL=data"));
    assertEquals(SourceKind.LABEL, Fstab.kindOf("label=data"));
    assertEquals(SourceKind.LUN, Fstab.kindOf("/dev/disk/azure/scsi1/lun9"));
    assertEquals(SourceKind.PATH, Fstab.kindOf("/dev/disk/by-uuid/1111"));
    assertEquals(SourceKind.OTHER, Fstab.kindOf("nfs1:/export"));
    assertEquals("/dev/disk/azure/scsi1/lun9 /data xfs defaults,nofail,nouuid 0 2",
        Fstab.newLine("/dev/disk/azure/scsi1/lun9", "/data", "xfs", true));
  }
}

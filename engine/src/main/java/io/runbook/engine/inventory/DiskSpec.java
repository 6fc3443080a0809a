package io.runbook.engine.inventory;

import io.runbook.engine.spi.Doc;
import java.util.Optional;

/** A managed disk attached to a host at a LUN and mounted at a path. */
public record DiskSpec(
    @Doc("Disk name (cloud resource name)") String name,
    @Doc("LUN the disk is attached at, 0 to 63") int lun,
    @Doc("Mount point on the host (an absolute path)") String mount,
    @Doc("Block device path; default /dev/disk/azure/scsi1/lun<LUN>") Optional<String> device,
    @Doc(value = "File system", defaultValue = "xfs") Optional<String> fsType,
    @Doc(value = "SKU for disks restored from snapshots", defaultValue = "Premium_LRS") Optional<String> sku,
    @Doc("A file that only exists on the real disk, proving the mount is not an empty folder") Optional<String> marker,
    @Doc("Backup Vault backup instance of this disk") Optional<String> backupInstance) {

  public String devicePath() { return device.orElse("/dev/disk/azure/scsi1/lun" + lun); }
}

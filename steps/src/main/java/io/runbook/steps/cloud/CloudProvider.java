package io.runbook.steps.cloud;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cloud primitives the {@code cloud.*} step types need, in cloud terms (names, ids, LUNs, times, tags).
 * Implemented for Azure and for the sandbox; opened once per run through {@link CloudProviders}.
 *
 * <p>A {@code ref} argument is a resource name (looked up in the inventory's resource group) or a full
 * resource id. Long operations report progress on {@code ctx.log()} and stop at {@code ctx.deadline()}.
 * Failures are {@link StepFailure}s that name the resource and the cloud's own error code and message.
 */
public interface CloudProvider extends AutoCloseable {

  /** A managed disk. {@code attachedTo} is the id of the VM using it, or null. */
  record Disk(String name, String id, String uniqueId, String location, String zone, String sku,
              String attachedTo, Map<String, String> tags, Instant createdAt, String state) {
    public boolean attached() { return attachedTo != null && !attachedTo.isEmpty(); }
  }

  /** A point-in-time copy of a disk; {@code sourceDiskId} + {@code sourceUniqueId} identify the exact disk it copies. */
  record Snapshot(String name, String id, Instant createdAt, String sourceDiskId, String sourceUniqueId,
                  boolean incremental, String state, Map<String, String> tags) {}

  /** A data disk slot of a VM. */
  record AttachedDisk(int lun, String diskName, String diskId) {}

  /** A VM with its placement, power state and data disks by LUN. */
  record Vm(String name, String id, String location, String zone, String powerState, String provisioningState,
            List<AttachedDisk> dataDisks) {
    public Optional<AttachedDisk> atLun(int lun) { return dataDisks.stream().filter(d -> d.lun() == lun).findFirst(); }
  }

  /** A Backup Vault recovery point of a disk backup instance. */
  record RecoveryPoint(String id, String name, Instant time, String type) {}

  /** What creating a disk needs besides its source. */
  record NewDisk(String name, String location, String zone, String sku, Map<String, String> tags) {}

  Optional<Disk> findDisk(String ref) throws StepFailure;

  Optional<Snapshot> findSnapshot(String ref) throws StepFailure;

  /** Every snapshot in the snapshot resource group (callers filter by source). */
  List<Snapshot> listSnapshots() throws StepFailure;

  /** Starts an incremental snapshot of {@code source} and waits until it exists. */
  Snapshot createSnapshot(Disk source, String name, Map<String, String> tags, StepContext ctx)
      throws StepFailure, InterruptedException;

  Disk createDiskFromSnapshot(Snapshot source, NewDisk disk, StepContext ctx) throws StepFailure, InterruptedException;

  void deleteDisk(Disk disk, StepContext ctx) throws StepFailure, InterruptedException;

  Vm vm(String name) throws StepFailure;

  /** Attaches with host caching off (database disks must not be cached by the hypervisor). */
  Vm attachDisk(Vm vm, Disk disk, int lun, StepContext ctx) throws StepFailure, InterruptedException;

  Vm detachDisk(Vm vm, AttachedDisk disk, StepContext ctx) throws StepFailure, InterruptedException;

  Vm startVm(Vm vm, StepContext ctx) throws StepFailure, InterruptedException;

  /** Powers the VM off; {@code deallocate} also releases its compute (billing stops, IP may change). */
  Vm stopVm(Vm vm, boolean deallocate, StepContext ctx) throws StepFailure, InterruptedException;

  List<RecoveryPoint> recoveryPoints(String backupInstance) throws StepFailure;

  /** Validates, triggers and follows a restore of one recovery point to a new disk; returns that disk. */
  Disk restoreDisk(String backupInstance, RecoveryPoint point, NewDisk disk, StepContext ctx)
      throws StepFailure, InterruptedException;

  /**
   * Adds tags to a disk (keeping its others); used for a disk a Backup Vault restore made, which a restore request
   * cannot tag. Returns the disk as it is afterwards.
   */
  Disk tagDisk(Disk disk, Map<String, String> tags, StepContext ctx) throws StepFailure, InterruptedException;

  @Override
  void close();
}

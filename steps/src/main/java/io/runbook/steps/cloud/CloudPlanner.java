package io.runbook.steps.cloud;

import io.runbook.engine.spi.Plan;
import java.util.Map;

/**
 * Describes, without calling the cloud or loading its SDK, the exact API calls a {@code cloud.*} step would make,
 * and the ids of resources a step would create (for dry-run predictions).
 */
public interface CloudPlanner {
  String diskId(String ref);

  String snapshotId(String ref);

  Plan getDisk(String ref);

  Plan listSnapshots();

  Plan getVm(String vm);

  Plan createSnapshot(String diskRef, String name, Map<String, String> tags);

  Plan createDiskFromSnapshot(String snapshotRef, CloudProvider.NewDisk disk);

  Plan attachDisk(String vm, String diskRef, int lun);

  Plan detachDisk(String vm, String diskRef, int lun);

  Plan startVm(String vm);

  Plan stopVm(String vm, boolean deallocate);

  Plan deleteDisk(String ref);

  Plan listRecoveryPoints(String backupInstance);

  Plan restoreDisk(String backupInstance, String recoveryPointId, CloudProvider.NewDisk disk);
}

package io.runbook.steps.cloud;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import java.util.List;
import java.util.Optional;

/** The snapshots of one disk (by resource id and unique id), as {@code cloud.snapshot.list} and {@code find} see them. */
record DiskSnapshots(String diskId, String uniqueId, List<Snapshot> snapshots, long ofEarlierDisk) {

  /** Reads the disk (for its unique id, unless given) and every snapshot in the snapshot resource group. */
  static DiskSnapshots read(String disk, Optional<String> uniqueId, StepContext ctx) throws StepFailure {
    CloudProvider cloud = CloudProviders.open(ctx);
    String diskId;
    String unique;
    if (uniqueId.isPresent()) {
      diskId = CloudProviders.planner(ctx).diskId(disk);
      unique = uniqueId.get();
    } else {
      Disk d = cloud.findDisk(disk).orElseThrow(() -> StepFailure.fatal(
          "step " + ctx.stepId() + ": disk " + disk + " does not exist, so its snapshots cannot be told apart from "
              + "those of an earlier disk with the same name",
          "give `sourceUniqueId:` (the uniqueId of the disk the snapshots were taken of)"));
      diskId = d.id();
      unique = d.uniqueId();
    }
    List<Snapshot> all = cloud.listSnapshots();
    return new DiskSnapshots(diskId, unique, SnapshotSelection.ofDisk(all, diskId, unique),
        SnapshotSelection.ofEarlierDisk(all, diskId, unique));
  }
}

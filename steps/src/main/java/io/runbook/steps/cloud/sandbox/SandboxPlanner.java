package io.runbook.steps.cloud.sandbox;

import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.spi.Plan;
import io.runbook.steps.cloud.CloudPlanner;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import java.util.Map;

/** The folder operations of each cloud step in the sandbox, as text, without touching the root. */
public final class SandboxPlanner implements CloudPlanner {
  private final String root;

  public SandboxPlanner(CloudSpec spec) { this.root = spec.root().orElse("<sandbox root>"); }

  private static final String TARGET = "sandbox";

  @Override public String diskId(String ref) { return ref.startsWith("/sandbox/") ? ref : "/sandbox/disks/" + ref; }
  @Override public String snapshotId(String ref) { return ref.startsWith("/sandbox/") ? ref : "/sandbox/snapshots/" + ref; }

  private String disk(String ref) { return root + "/disks/" + SandboxLayout.nameOf(ref); }

  @Override public Plan getDisk(String ref) { return Plan.api(TARGET, "read " + disk(ref) + "/disk.json"); }
  @Override public Plan listSnapshots() { return Plan.api(TARGET, "list " + root + "/snapshots/*/snapshot.json"); }
  @Override public Plan getVm(String vm) { return Plan.api(TARGET, "read " + root + "/vms/" + vm + "/vm.json and lun/*"); }

  @Override
  public Plan createSnapshot(String diskRef, String name, Map<String, String> tags) {
    return Plan.api(TARGET, "snapshot " + disk(diskRef) + " -> " + root + "/snapshots/" + name
        + ": SIGSTOP the mariadbd of the VM it is attached to, cp -a --reflink=auto, SIGCONT; tags " + tags);
  }

  @Override
  public Plan createDiskFromSnapshot(String snapshotRef, NewDisk d) {
    return Plan.api(TARGET, "cp -a --reflink=auto " + root + "/snapshots/" + SandboxLayout.nameOf(snapshotRef) + "/fs -> "
        + disk(d.name()) + "/fs (new disk, tags " + d.tags() + ")");
  }

  @Override
  public Plan attachDisk(String vm, String diskRef, int lun) {
    return Plan.api(TARGET, "ln -s " + disk(diskRef) + " " + root + "/vms/" + vm + "/lun/" + lun);
  }

  @Override
  public Plan detachDisk(String vm, String diskRef, int lun) {
    return Plan.api(TARGET, "rm " + root + "/vms/" + vm + "/lun/" + lun + (diskRef == null ? "" : " (disk " + diskRef + ")"));
  }

  @Override public Plan startVm(String vm) { return Plan.api(TARGET, "set " + root + "/vms/" + vm + "/vm.json powerState=running"); }

  @Override
  public Plan stopVm(String vm, boolean deallocate) {
    return Plan.api(TARGET, "stop the mariadbd of VM " + vm + " (SIGTERM), set powerState=" + (deallocate ? "deallocated" : "stopped"));
  }

  @Override public Plan deleteDisk(String ref) { return Plan.api(TARGET, "rm -rf " + disk(ref)); }

  @Override
  public Plan listRecoveryPoints(String backupInstance) {
    return Plan.api(TARGET, "list " + root + "/vault/" + SandboxLayout.nameOf(backupInstance) + "/*/point.json");
  }

  @Override
  public Plan restoreDisk(String backupInstance, String recoveryPointId, NewDisk d) {
    return Plan.api(TARGET, "cp -a --reflink=auto " + root + "/vault/" + SandboxLayout.nameOf(backupInstance) + "/"
        + SandboxLayout.nameOf(recoveryPointId) + "/fs -> " + disk(d.name()) + "/fs (new disk)");
  }
}

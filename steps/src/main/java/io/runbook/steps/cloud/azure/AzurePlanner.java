package io.runbook.steps.cloud.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runbook.engine.inventory.CloudSpec;
import io.runbook.steps.cloud.CloudPlanner;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.engine.spi.Plan;
import java.util.Map;

/**
 * The Azure Resource Manager calls of each cloud step, as REST text (method, URL with api-version, body), and the
 * resource ids they name. Pure string work: it never loads the Azure SDK, so validate and plan stay fast.
 */
public final class AzurePlanner implements CloudPlanner {
  /** The api-versions the SDK in use sends; the Backup Vault one is ours (no SDK for it is available). */
  public static final String DISKS_API = "2025-01-02";
  public static final String VMS_API = "2025-04-01";
  public static final String DATA_PROTECTION_API = "2024-04-01";
  public static final String DEFAULT_ENDPOINT = "https://management.azure.com";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final CloudSpec spec;

  public AzurePlanner(CloudSpec spec) { this.spec = spec; }

  public String endpoint() {
    String e = spec.endpoint().orElse(DEFAULT_ENDPOINT);
    return e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
  }

  public String subscription() { return spec.subscription().orElse("<subscription>"); }

  public String resourceGroup() { return spec.resourceGroup().orElse("<resourceGroup>"); }

  public String snapshotResourceGroup() { return spec.snapshotResourceGroup().orElse(resourceGroup()); }

  String group(String rg) { return "/subscriptions/" + subscription() + "/resourceGroups/" + rg; }

  @Override
  public String diskId(String ref) { return isId(ref) ? ref : group(resourceGroup()) + "/providers/Microsoft.Compute/disks/" + ref; }

  @Override
  public String snapshotId(String ref) {
    return isId(ref) ? ref : group(snapshotResourceGroup()) + "/providers/Microsoft.Compute/snapshots/" + ref;
  }

  public String vmId(String vm) { return group(resourceGroup()) + "/providers/Microsoft.Compute/virtualMachines/" + vm; }

  /** The path of a Backup Vault backup instance; a full id is taken as it is. */
  public String backupInstanceId(String instance) {
    if (isId(instance)) return instance;
    String vault = spec.backupVault().map(CloudSpec.BackupVaultSpec::name).orElse("<backupVault>");
    String rg = spec.backupVault().flatMap(CloudSpec.BackupVaultSpec::resourceGroup).orElse(resourceGroup());
    return group(rg) + "/providers/Microsoft.DataProtection/backupVaults/" + vault + "/backupInstances/" + instance;
  }

  static boolean isId(String ref) { return ref != null && ref.startsWith("/subscriptions/"); }

  private String url(String id, String api) { return endpoint() + id + "?api-version=" + api; }

  private Plan call(String method, String target, String url, Object body) {
    String text = method + " " + url;
    if (body != null) {
      try {
        text += " " + JSON.writeValueAsString(body);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return Plan.api(target, text);
  }

  @Override
  public Plan getDisk(String ref) { return call("GET", diskId(ref), url(diskId(ref), DISKS_API), null); }

  @Override
  public Plan listSnapshots() {
    String id = group(snapshotResourceGroup()) + "/providers/Microsoft.Compute/snapshots";
    return call("GET", id, url(id, DISKS_API), null);
  }

  @Override
  public Plan getVm(String vm) {
    return call("GET", vmId(vm), url(vmId(vm), VMS_API) + "&$expand=instanceView", null);
  }

  @Override
  public Plan createSnapshot(String diskRef, String name, Map<String, String> tags) {
    ObjectNode body = JSON.createObjectNode();
    body.put("location", spec.location().orElse("<location of the disk>"));
    body.set("tags", JSON.valueToTree(tags));
    ObjectNode props = body.putObject("properties");
    props.put("incremental", true);
    props.putObject("creationData").put("createOption", "Copy").put("sourceResourceId", diskId(diskRef));
    return getDisk(diskRef).then(call("PUT", snapshotId(name), url(snapshotId(name), DISKS_API), body));
  }

  @Override
  public Plan createDiskFromSnapshot(String snapshotRef, NewDisk disk) {
    ObjectNode body = JSON.createObjectNode();
    body.put("location", disk.location());
    if (disk.zone() != null) body.putArray("zones").add(disk.zone());
    body.putObject("sku").put("name", disk.sku());
    body.set("tags", JSON.valueToTree(disk.tags()));
    body.putObject("properties").putObject("creationData")
        .put("createOption", "Copy").put("sourceResourceId", snapshotId(snapshotRef));
    return call("PUT", diskId(disk.name()), url(diskId(disk.name()), DISKS_API), body);
  }

  @Override
  public Plan attachDisk(String vm, String diskRef, int lun) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("dataDisksToAttach").addObject().put("diskId", diskId(diskRef)).put("lun", lun).put("caching", "None");
    return call("POST", vmId(vm), url(vmId(vm) + "/attachDetachDataDisks", VMS_API), body);
  }

  @Override
  public Plan detachDisk(String vm, String diskRef, int lun) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("dataDisksToDetach").addObject()
        .put("diskId", diskRef == null ? "<disk at LUN " + lun + ">" : diskId(diskRef));
    return call("POST", vmId(vm), url(vmId(vm) + "/attachDetachDataDisks", VMS_API), body);
  }

  @Override
  public Plan startVm(String vm) { return call("POST", vmId(vm), url(vmId(vm) + "/start", VMS_API), null); }

  @Override
  public Plan stopVm(String vm, boolean deallocate) {
    return call("POST", vmId(vm), url(vmId(vm) + (deallocate ? "/deallocate" : "/powerOff"), VMS_API), null);
  }

  @Override
  public Plan deleteDisk(String ref) { return call("DELETE", diskId(ref), url(diskId(ref), DISKS_API), null); }

  @Override
  public Plan listRecoveryPoints(String backupInstance) {
    String id = backupInstanceId(backupInstance);
    return call("GET", id, url(id + "/recoveryPoints", DATA_PROTECTION_API), null);
  }

  @Override
  public Plan restoreDisk(String backupInstance, String recoveryPointId, NewDisk disk) {
    String id = backupInstanceId(backupInstance);
    ObjectNode request = restoreRequest(recoveryPointId, disk);
    ObjectNode validate = JSON.createObjectNode();
    validate.set("restoreRequestObject", request);
    return call("POST", id, url(id + "/validateRestore", DATA_PROTECTION_API), validate)
        .then(call("POST", id, url(id + "/restore", DATA_PROTECTION_API), request))
        .then(Plan.waitFor(id, "the restore job completes and disk " + diskId(disk.name()) + " exists"))
        .then(tagDisk(disk));
  }

  /** The PATCH that gives a restored disk the run's tags (a restore request cannot carry them). */
  private Plan tagDisk(NewDisk disk) {
    ObjectNode body = JSON.createObjectNode();
    body.set("tags", JSON.valueToTree(disk.tags()));
    return call("PATCH", diskId(disk.name()), url(diskId(disk.name()), DISKS_API), body);
  }

  /** The body of validateRestore (wrapped) and restore: a recovery-point restore to a new disk. */
  public ObjectNode restoreRequest(String recoveryPointId, NewDisk disk) {
    ObjectNode req = JSON.createObjectNode();
    req.put("objectType", "AzureBackupRecoveryPointBasedRestoreRequest");
    req.put("recoveryPointId", recoveryPointId);
    req.put("sourceDataStoreType", "OperationalStore");
    ObjectNode target = req.putObject("restoreTargetInfo");
    target.put("objectType", "RestoreTargetInfo");
    target.put("recoveryOption", "FailIfExists");
    target.put("restoreLocation", disk.location());
    ObjectNode ds = target.putObject("datasourceInfo");
    ds.put("objectType", "Datasource");
    ds.put("resourceID", diskId(disk.name()));
    ds.put("resourceUri", diskId(disk.name()));
    ds.put("resourceName", disk.name());
    ds.put("resourceType", "Microsoft.Compute/disks");
    ds.put("resourceLocation", disk.location());
    ds.put("datasourceType", "Microsoft.Compute/disks");
    return req;
  }
}

package io.runbook.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.CloudProvider.AttachedDisk;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.steps.cloud.CloudProvider.RecoveryPoint;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.steps.cloud.CloudProvider.Vm;
import io.runbook.steps.cloud.sandbox.SandboxCloud;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import io.runbook.testkit.arm.ArmEffects;
import io.runbook.testkit.arm.ArmEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Azure estate backed by a sandbox estate: the ARM emulator holds the sandbox's VMs, disks (at the same LUNs),
 * snapshots and Backup Vault recovery points under the same names, and every change ARM accepts is applied to the
 * sandbox's folders when its operation completes (this class is the emulator's {@link ArmEffects} listener). The
 * inventory is the sandbox's with an Azure cloud section pointing at the emulator (plus {@code root}, where the
 * sandbox VMs live): the shipped runbooks run unchanged, their cloud steps through the production Azure provider and
 * the real Azure SDK over HTTPS, their host and database steps on the sandbox VMs (local transport, real mariadbd).
 */
final class SandboxAzureEstate implements ArmEffects {
  static final String RG = "rg-sandbox";
  static final String VAULT = "bv-sandbox";
  static final String LOCATION = "westeurope";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("/(disks|snapshots|virtualMachines)/([^/]+)$", Pattern.CASE_INSENSITIVE);

  final ArmEmulator arm;
  final SandboxDrill drill;
  final Path inventory;
  private final SandboxCloud cloud;
  private final SandboxLayout layout;
  /** The effects applied to the sandbox, in order (for the test's output and assertions). */
  final List<String> applied = Collections.synchronizedList(new ArrayList<>());

  private SandboxAzureEstate(ArmEmulator arm, SandboxDrill drill, Path inventory) {
    this.arm = arm;
    this.drill = drill;
    this.inventory = inventory;
    this.cloud = drill.estate.cloud();
    this.layout = cloud.layout();
  }

  /**
   * Seeds the (reset) emulator with the sandbox estate as it is now, writes the Azure inventory next to the sandbox's
   * and starts mirroring. {@code principal}: a client id and secret reference for the inventory (a CLI in its own JVM
   * signs in with the production credential), or null (in-process runs use {@link EmulatedAzureProvider}).
   */
  static SandboxAzureEstate over(ArmEmulator arm, SandboxDrill drill, String clientId, String secretRef) throws Exception {
    SandboxCloud cloud = drill.estate.cloud();
    SandboxLayout layout = cloud.layout();
    for (Vm vm : cloud.listVms()) {
      arm.addVm(RG, vm.name(), LOCATION, null);
      if (!"running".equals(vm.powerState())) arm.powerState(RG, vm.name(), vm.powerState());
    }
    for (Disk disk : cloud.listDisks()) arm.addDisk(RG, disk.name(), LOCATION, null, 4);
    for (Vm vm : cloud.listVms()) {
      for (AttachedDisk a : vm.dataDisks()) arm.attach(RG, vm.name(), a.diskName(), a.lun());
    }
    for (Snapshot s : cloud.listSnapshots()) {
      arm.addSnapshot(RG, s.name(), RG, SandboxLayout.nameOf(s.sourceDiskId()), s.createdAt());
    }
    for (String instance : layout.names(layout.root().resolve("vault"))) {
      List<ArmEmulator.RecoveryPointSeed> points = new ArrayList<>();
      for (RecoveryPoint p : cloud.recoveryPoints(instance)) points.add(new ArmEmulator.RecoveryPointSeed(p.name(), p.time()));
      arm.addBackupInstance(RG, VAULT, instance, LOCATION, points);
    }
    String sandboxInventory = Files.readString(drill.inventory);
    Matcher root = Pattern.compile("(?m)^cloud:\\n  provider: sandbox\\n  root: (.*)\\n").matcher(sandboxInventory);
    if (!root.find()) throw new IllegalStateException("no sandbox cloud section in " + drill.inventory);
    String azure = "cloud:\n  provider: azure\n  subscription: " + arm.subscription() + "\n  tenant: " + ArmEmulator.TENANT
        + "\n  resourceGroup: " + RG + "\n  location: " + LOCATION + "\n  backupVault: { name: " + VAULT + ", resourceGroup: "
        + RG + " }\n  endpoint: " + arm.endpoint() + "\n"
        + (clientId == null ? "" : "  clientId: " + clientId + "\n  clientSecret: " + secretRef + "\n")
        + "  # the sandbox VMs (service kind sandbox) live here; the cloud calls go to Azure\n  root: " + root.group(1) + "\n";
    Path file = drill.estate.root().resolve("azure-inventory.yaml");
    Files.writeString(file, sandboxInventory.substring(0, root.start()) + azure + sandboxInventory.substring(root.end())
        .replace("inventory: sandbox", "inventory: sandbox-on-azure"));
    SandboxAzureEstate estate = new SandboxAzureEstate(arm, drill, file);
    arm.onEffects(estate);
    return estate;
  }

  // ---- the effects ARM accepted, applied to the sandbox when their operation completes

  @Override
  public void diskCreated(String diskId, String sourceSnapshotId, Map<String, String> tags) {
    String name = name(diskId);
    apply("disk " + name + " from snapshot " + name(sourceSnapshotId), () -> {
      if (Files.exists(layout.disk(name))) return false; // a PUT of an existing disk: an update, nothing to copy
      Snapshot snap = cloud.findSnapshot(name(sourceSnapshotId)).orElseThrow(() -> new IllegalStateException(
          "the sandbox has no snapshot " + name(sourceSnapshotId)));
      cloud.createDiskFromSnapshot(snap, new NewDisk(name, "sandbox", null, "Premium_LRS", tags), context());
      return true;
    });
  }

  @Override
  public void snapshotCreated(String snapshotId, String sourceDiskId, Map<String, String> tags) {
    String name = name(snapshotId);
    apply("snapshot " + name + " of " + name(sourceDiskId), () -> {
      if (Files.exists(layout.snapshot(name))) return false;
      Disk disk = cloud.findDisk(name(sourceDiskId)).orElseThrow(() -> new IllegalStateException(
          "the sandbox has no disk " + name(sourceDiskId)));
      cloud.snapshot(disk, name, tags, StepLog.NONE);
      return true;
    });
  }

  @Override
  public void diskRestored(String diskId, String backupInstanceId, String recoveryPoint) {
    String name = name(diskId);
    String instance = SandboxLayout.nameOf(backupInstanceId);
    apply("disk " + name + " restored from " + instance + "/" + recoveryPoint, () -> {
      if (Files.exists(layout.disk(name))) return false;
      cloud.restoreDisk(instance, new RecoveryPoint(null, recoveryPoint, null, "Discrete"),
          new NewDisk(name, "sandbox", null, "Premium_LRS", Map.of()), context());
      return true;
    });
  }

  /** The sandbox has no tag update of its own (it tags at creation): the disk's metadata file is rewritten here. */
  @Override
  public void tagsChanged(String id, Map<String, String> tags) {
    String name = name(id);
    boolean disk = id.toLowerCase().contains("/microsoft.compute/disks/");
    Path meta = disk ? layout.disk(name).resolve("disk.json") : layout.snapshot(name).resolve("snapshot.json");
    apply("tag " + name + " " + tags, () -> {
      try {
        ObjectNode n = (ObjectNode) JSON.readTree(meta.toFile());
        if (JSON.valueToTree(tags).equals(n.path("tags"))) return false;
        n.set("tags", JSON.valueToTree(tags));
        Path tmp = meta.resolveSibling("." + meta.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
        Files.move(tmp, meta, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
      } catch (IOException e) {
        throw StepFailure.fatal("cannot rewrite " + meta + ": " + e.getMessage());
      }
    });
  }

  @Override
  public void deleted(String id) {
    String name = name(id);
    boolean disk = id.toLowerCase().contains("/microsoft.compute/disks/");
    apply("delete " + (disk ? "disk " : "snapshot ") + name, () -> {
      if (disk) {
        var d = cloud.findDisk(name);
        if (d.isEmpty()) return false;
        cloud.deleteDisk(d.get(), context());
      } else {
        if (!Files.exists(layout.snapshot(name))) return false;
        cloud.deleteSnapshot(name);
      }
      return true;
    });
  }

  @Override
  public void attached(String vmId, String diskId, int lun) {
    String vm = name(vmId);
    String disk = name(diskId);
    apply("attach " + disk + " to " + vm + " at LUN " + lun, () -> {
      if (disk.equals(layout.luns(vm).get(lun))) return false;
      cloud.attach(vm, disk, lun);
      return true;
    });
  }

  @Override
  public void detached(String vmId, String diskId, int lun) {
    String vm = name(vmId);
    String disk = name(diskId);
    apply("detach " + disk + " from " + vm + " at LUN " + lun, () -> {
      if (!disk.equals(layout.luns(vm).get(lun))) return false;
      cloud.detach(vm, lun);
      return true;
    });
  }

  @Override
  public void powerChanged(String vmId, String state) {
    String vm = name(vmId);
    apply("VM " + vm + " " + state, () -> {
      if (state.equals(cloud.vm(vm).powerState())) return false;
      if (state.equals("running")) cloud.startVm(cloud.vm(vm), context());
      else cloud.stop(vm, state.equals("deallocated"), StepLog.NONE);
      return true;
    });
  }

  private interface Change {
    boolean apply() throws StepFailure, InterruptedException;
  }

  private void apply(String what, Change change) {
    try {
      applied.add(change.apply() ? what : what + " (already so)");
    } catch (StepFailure e) {
      throw new IllegalStateException("sandbox: " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sandbox: " + what + " interrupted", e);
    }
  }

  private static StepContext context() { return StandaloneStepContext.builder().log(StepLog.NONE).build(); }

  private static String name(String id) {
    Matcher m = NAME.matcher(id);
    return m.find() ? m.group(2) : SandboxLayout.nameOf(id);
  }

  // ---- the two views agree

  /**
   * Where the emulator and the sandbox disagree (empty when they agree): which disk is at which LUN of each VM, each
   * VM's power state, the names of every disk and snapshot, and resources the emulator still makes or failed to make.
   */
  List<String> disagreements() throws StepFailure {
    List<String> out = new ArrayList<>();
    List<String> armDisks = new ArrayList<>();
    List<String> armSnapshots = new ArrayList<>();
    for (String id : arm.resourceIds()) {
      JsonNode r = arm.resource(id);
      String type = r.path("type").asText();
      String state = r.path("properties").path("provisioningState").asText();
      if (type.equals("Microsoft.Compute/disks")) armDisks.add(r.path("name").asText());
      if (type.equals("Microsoft.Compute/snapshots")) armSnapshots.add(r.path("name").asText());
      if (!type.equals("Microsoft.Compute/virtualMachines") && !state.equals("Succeeded")) {
        out.add("Azure: " + r.path("name").asText() + " is " + state);
      }
      if (type.equals("Microsoft.Compute/virtualMachines")) {
        Map<Integer, String> armLuns = new TreeMap<>();
        r.path("properties").path("storageProfile").path("dataDisks")
            .forEach(d -> armLuns.put(d.path("lun").asInt(), d.path("name").asText()));
        String vm = r.path("name").asText();
        Map<Integer, String> sandboxLuns = layout.luns(vm);
        if (!armLuns.equals(sandboxLuns)) out.add("VM " + vm + " LUNs: Azure " + armLuns + ", sandbox " + sandboxLuns);
        String power = r.path("x-powerState").asText();
        String sandboxPower = cloud.vm(vm).powerState();
        if (!power.equals(sandboxPower)) out.add("VM " + vm + " power: Azure " + power + ", sandbox " + sandboxPower);
      }
    }
    List<String> sandboxDisks = layout.names(layout.disks());
    List<String> sandboxSnapshots = layout.names(layout.snapshots());
    armDisks.sort(null);
    armSnapshots.sort(null);
    if (!armDisks.equals(sandboxDisks)) out.add("disks: Azure " + armDisks + ", sandbox " + sandboxDisks);
    if (!armSnapshots.equals(sandboxSnapshots)) out.add("snapshots: Azure " + armSnapshots + ", sandbox " + sandboxSnapshots);
    return out;
  }
}

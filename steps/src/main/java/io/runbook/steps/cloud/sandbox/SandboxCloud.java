package io.runbook.steps.cloud.sandbox;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.CloudProvider;
import io.runbook.steps.cloud.sandbox.SandboxLayout.DiskMeta;
import io.runbook.steps.cloud.sandbox.SandboxLayout.PointMeta;
import io.runbook.steps.cloud.sandbox.SandboxLayout.SnapshotMeta;
import io.runbook.steps.cloud.sandbox.SandboxLayout.VmMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code provider: sandbox}: the cloud primitives on folders of one machine (see {@link SandboxLayout}). Refuses what
 * Azure refuses: attaching at a LUN in use or a disk attached elsewhere, detaching a LUN that holds nothing,
 * deleting an attached disk. Snapshots and recovery points are crash-consistent copies ({@link FrozenCopy}).
 */
public final class SandboxCloud implements CloudProvider {
  /** How long a VM stop waits for its server to shut down cleanly before killing it. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final DateTimeFormatter POINT_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  private final SandboxLayout layout;

  public SandboxCloud(SandboxLayout layout) { this.layout = layout; }

  public SandboxLayout layout() { return layout; }

  // ---- disks

  @Override
  public Optional<Disk> findDisk(String ref) throws StepFailure {
    String name = SandboxLayout.nameOf(ref);
    Optional<DiskMeta> meta = layout.readDisk(name);
    if (meta.isEmpty()) return Optional.empty();
    return Optional.of(disk(meta.get(), layout.attachedTo(name)));
  }

  private Disk disk(DiskMeta m, Optional<String> vm) {
    return new Disk(m.name(), layout.diskId(m.name()), m.uniqueId(), "sandbox", m.zone(), m.sku(),
        vm.map(layout::vmId).orElse(null), m.tags(), m.createdAt(), vm.isPresent() ? "Attached" : "Unattached");
  }

  /** Every disk of the estate. */
  public List<Disk> listDisks() throws StepFailure {
    List<Disk> out = new ArrayList<>();
    for (String name : layout.names(layout.disks())) findDisk(name).ifPresent(out::add);
    return out;
  }

  /** Creates an empty disk (an empty fs/ folder); used to build an estate. */
  public Disk createEmptyDisk(NewDisk d, long sizeGb) throws StepFailure, InterruptedException {
    return layout.locked(() -> {
      refuseExisting(d.name());
      Path tmp = layout.disks().resolve(".new-" + d.name());
      clearHalfMade(tmp);
      Files.createDirectories(tmp.resolve("fs"));
      SandboxLayout.write(tmp.resolve("disk.json"), newMeta(d, sizeGb));
      Files.move(tmp, layout.disk(d.name()));
      return findDisk(d.name()).orElseThrow();
    });
  }

  private static DiskMeta newMeta(NewDisk d, long sizeGb) {
    return new DiskMeta(d.name(), UUID.randomUUID().toString(), sizeGb, d.sku(), d.zone(),
        d.tags() == null ? Map.of() : new LinkedHashMap<>(d.tags()), Instant.now());
  }

  private void refuseExisting(String name) throws StepFailure {
    if (Files.exists(layout.disk(name))) {
      throw StepFailure.fatal("sandbox: disk " + name + " already exists (Conflict)", "choose another name, or delete that disk");
    }
  }

  @Override
  public Disk createDiskFromSnapshot(Snapshot source, NewDisk d, StepContext ctx) throws StepFailure, InterruptedException {
    String snap = SandboxLayout.nameOf(source.id() != null ? source.id() : source.name());
    if (layout.readSnapshot(snap).isEmpty()) {
      throw StepFailure.fatal("sandbox: snapshot " + snap + " not found (ResourceNotFound)", "list snapshots with cloud.snapshot.list");
    }
    return fromCopy(layout.snapshot(snap).resolve("fs"), d, ctx.log(), "snapshot " + snap);
  }

  private Disk fromCopy(Path fs, NewDisk d, StepLog log, String what) throws StepFailure, InterruptedException {
    return layout.locked(() -> {
      refuseExisting(d.name());
      Path tmp = layout.disks().resolve(".new-" + d.name());
      clearHalfMade(tmp);
      FrozenCopy.plainCopy(fs, tmp.resolve("fs"));
      SandboxLayout.write(tmp.resolve("disk.json"), newMeta(d, 1));
      Files.move(tmp, layout.disk(d.name()));
      log.info("sandbox: disk " + d.name() + " created from " + what);
      return findDisk(d.name()).orElseThrow();
    });
  }

  @Override
  public void deleteDisk(Disk disk, StepContext ctx) throws StepFailure, InterruptedException {
    layout.locked(() -> {
      Optional<String> vm = layout.attachedTo(disk.name());
      if (vm.isPresent()) {
        throw StepFailure.fatal("sandbox: disk " + disk.name() + " is attached to VM " + vm.get()
            + " and cannot be deleted (OperationNotAllowed)", "detach it first (cloud.vm.detach-disk)");
      }
      // Rename first so that a crash in the middle never leaves a half-deleted disk that still looks like a disk.
      Path gone = layout.disks().resolve(".deleting-" + disk.name());
      clearHalfMade(gone);
      if (Files.exists(layout.disk(disk.name()))) Files.move(layout.disk(disk.name()), gone);
      deleteTree(gone);
      return null;
    });
  }

  /** Adds tags to a disk's metadata (the sandbox tags a disk when it makes it; this is for the Azure contract). */
  @Override
  public Disk tagDisk(Disk disk, Map<String, String> tags, StepContext ctx) throws StepFailure, InterruptedException {
    return layout.locked(() -> {
      DiskMeta m = layout.readDisk(disk.name()).orElseThrow(() -> StepFailure.fatal(
          "sandbox: disk " + disk.name() + " not found (ResourceNotFound)"));
      Map<String, String> merged = new LinkedHashMap<>(m.tags() == null ? Map.of() : m.tags());
      merged.putAll(tags);
      SandboxLayout.write(layout.disk(disk.name()).resolve("disk.json"),
          new DiskMeta(m.name(), m.uniqueId(), m.sizeGb(), m.sku(), m.zone(), merged, m.createdAt()));
      return findDisk(disk.name()).orElseThrow();
    });
  }

  // ---- snapshots

  @Override
  public Optional<Snapshot> findSnapshot(String ref) throws StepFailure {
    return layout.readSnapshot(SandboxLayout.nameOf(ref)).map(this::snapshot);
  }

  private Snapshot snapshot(SnapshotMeta m) {
    return new Snapshot(m.name(), layout.snapshotId(m.name()), m.createdAt(), layout.diskId(m.sourceDisk()),
        m.sourceUniqueId(), true, "Succeeded", m.tags());
  }

  @Override
  public List<Snapshot> listSnapshots() throws StepFailure {
    List<Snapshot> out = new ArrayList<>();
    for (String name : layout.names(layout.snapshots())) findSnapshot(name).ifPresent(out::add);
    out.sort(Comparator.comparing(Snapshot::createdAt));
    return out;
  }

  @Override
  public Snapshot createSnapshot(Disk source, String name, Map<String, String> tags, StepContext ctx)
      throws StepFailure, InterruptedException {
    return snapshot(source, name, tags, ctx.log());
  }

  /** Takes a crash-consistent snapshot of a disk (the server on its VM paused for the copy). */
  public Snapshot snapshot(Disk source, String name, Map<String, String> tags, StepLog log) throws StepFailure, InterruptedException {
    return layout.locked(() -> {
      if (Files.exists(layout.snapshot(name))) {
        throw StepFailure.fatal("sandbox: snapshot " + name + " already exists (Conflict)", "give the snapshot another name");
      }
      DiskMeta disk = layout.readDisk(source.name()).orElseThrow(() -> StepFailure.fatal(
          "sandbox: disk " + source.name() + " not found (ResourceNotFound)"));
      Path tmp = layout.snapshots().resolve(".new-" + name);
      Instant at = frozenCopy(disk.name(), tmp, log);
      SandboxLayout.write(tmp.resolve("snapshot.json"), new SnapshotMeta(name, at, disk.name(), disk.uniqueId(),
          tags == null ? Map.of() : new LinkedHashMap<>(tags)));
      Files.move(tmp, layout.snapshot(name));
      return findSnapshot(name).orElseThrow();
    });
  }

  /** Deletes a snapshot (estate housekeeping; no step type needs it). */
  public void deleteSnapshot(String name) throws StepFailure, InterruptedException {
    layout.locked(() -> {
      deleteTree(layout.snapshot(name));
      return null;
    });
  }

  /** The server of the VM a disk is attached to, or null. */
  private VmServer serverOf(String disk) throws StepFailure {
    return layout.attachedTo(disk).map(vm -> new VmServer(layout, vm)).orElse(null);
  }

  // ---- VMs

  @Override
  public Vm vm(String name) throws StepFailure {
    VmMeta meta = layout.readVm(name).orElseThrow(() -> StepFailure.fatal("sandbox: VM " + name + " not found (ResourceNotFound)",
        "check the host's vm: in the inventory; `runbook sandbox status` lists the VMs"));
    List<AttachedDisk> disks = new ArrayList<>();
    for (Map.Entry<Integer, String> e : layout.luns(name).entrySet()) {
      disks.add(new AttachedDisk(e.getKey(), e.getValue(), layout.diskId(e.getValue())));
    }
    return new Vm(name, layout.vmId(name), "sandbox", null, meta.powerState(), "Succeeded", disks);
  }

  /** Every VM of the estate. */
  public List<Vm> listVms() throws StepFailure {
    List<Vm> out = new ArrayList<>();
    for (String name : layout.names(layout.vms())) if (layout.readVm(name).isPresent()) out.add(vm(name));
    return out;
  }

  /** Creates a VM folder (running, no disks); used to build an estate. */
  public Vm createVm(String name, int serverId) throws StepFailure, InterruptedException {
    return layout.locked(() -> {
      if (layout.readVm(name).isEmpty()) {
        Files.createDirectories(layout.vm(name).resolve("lun"));
        Files.createDirectories(layout.mounts(name));
        layout.writeVm(new VmMeta(name, serverId, "running"));
      }
      return vm(name);
    });
  }

  @Override
  public Vm attachDisk(Vm vm, Disk disk, int lun, StepContext ctx) throws StepFailure, InterruptedException {
    return attach(vm.name(), disk.name(), lun);
  }

  /** Links the disk into the VM's LUN slot; refuses a LUN in use and a disk attached anywhere. */
  public Vm attach(String vmName, String diskName, int lun) throws StepFailure, InterruptedException {
    return layout.locked(() -> {
      vm(vmName);
      if (layout.readDisk(diskName).isEmpty()) throw StepFailure.fatal("sandbox: disk " + diskName + " not found (ResourceNotFound)");
      Map<Integer, String> luns = layout.luns(vmName);
      if (luns.containsKey(lun)) {
        throw StepFailure.fatal("sandbox: LUN " + lun + " of VM " + vmName + " already holds disk " + luns.get(lun)
            + " (InvalidParameter: a disk is already attached at this LUN)", "detach it first, or use another LUN");
      }
      Optional<String> where = layout.attachedTo(diskName);
      if (where.isPresent()) {
        throw StepFailure.fatal("sandbox: disk " + diskName + " is already attached to VM " + where.get()
            + " (OperationNotAllowed)", "detach it there first");
      }
      Files.createSymbolicLink(layout.lun(vmName, lun), layout.disk(diskName));
      return vm(vmName);
    });
  }

  @Override
  public Vm detachDisk(Vm vm, AttachedDisk disk, StepContext ctx) throws StepFailure, InterruptedException {
    return detach(vm.name(), disk.lun());
  }

  /** Removes the VM's LUN link; refuses a LUN that holds no disk. */
  public Vm detach(String vmName, int lun) throws StepFailure, InterruptedException {
    return layout.locked(() -> {
      vm(vmName);
      if (!layout.luns(vmName).containsKey(lun)) {
        throw StepFailure.fatal("sandbox: VM " + vmName + " has no disk at LUN " + lun + " (InvalidParameter)",
            "`runbook sandbox status` shows which disk is at which LUN");
      }
      Files.delete(layout.lun(vmName, lun));
      return vm(vmName);
    });
  }

  @Override
  public Vm startVm(Vm vm, StepContext ctx) throws StepFailure, InterruptedException {
    return layout.locked(() -> {
      VmMeta meta = layout.readVm(vm.name()).orElseThrow();
      layout.writeVm(meta.withPowerState("running"));
      return vm(vm.name());
    });
  }

  /** Powers the VM off: its server goes down with it (clean shutdown first, as an OS shutdown does). */
  @Override
  public Vm stopVm(Vm vm, boolean deallocate, StepContext ctx) throws StepFailure, InterruptedException {
    return stop(vm.name(), deallocate, ctx.log());
  }

  public Vm stop(String vmName, boolean deallocate, StepLog log) throws StepFailure, InterruptedException {
    return layout.locked(() -> {
      VmMeta meta = layout.readVm(vmName).orElseThrow(() -> StepFailure.fatal("sandbox: VM " + vmName + " not found"));
      new VmServer(layout, vmName).stop(STOP_TIMEOUT, log);
      layout.writeVm(meta.withPowerState(deallocate ? "deallocated" : "stopped"));
      return vm(vmName);
    });
  }

  // ---- Backup Vault

  @Override
  public List<RecoveryPoint> recoveryPoints(String backupInstance) throws StepFailure {
    String instance = SandboxLayout.nameOf(backupInstance);
    List<RecoveryPoint> out = new ArrayList<>();
    for (Path p : SandboxLayout.list(layout.vault(instance))) {
      Optional<PointMeta> m = SandboxLayout.read(p.resolve("point.json"), PointMeta.class);
      m.ifPresent(pm -> out.add(new RecoveryPoint(layout.pointId(instance, pm.name()), pm.name(), pm.time(), "Discrete")));
    }
    out.sort(Comparator.comparing(RecoveryPoint::time));
    return out;
  }

  /** Takes a recovery point of a disk into the vault's backup instance (a crash-consistent copy, like a snapshot). */
  public RecoveryPoint backUp(String backupInstance, Disk disk, StepLog log) throws StepFailure, InterruptedException {
    String instance = SandboxLayout.nameOf(backupInstance);
    return layout.locked(() -> {
      DiskMeta meta = layout.readDisk(disk.name()).orElseThrow(() -> StepFailure.fatal("sandbox: disk " + disk.name() + " not found"));
      Instant now = Instant.now();
      String name = POINT_NAME.format(now);
      Path tmp = layout.vault(instance).resolve(".new-" + name);
      Instant at = frozenCopy(meta.name(), tmp, log);
      SandboxLayout.write(tmp.resolve("point.json"), new PointMeta(name, at, meta.name(), meta.uniqueId()));
      Files.move(tmp, layout.vault(instance).resolve(name));
      return new RecoveryPoint(layout.pointId(instance, name), name, at, "Discrete");
    });
  }

  @Override
  public Disk restoreDisk(String backupInstance, RecoveryPoint point, NewDisk d, StepContext ctx)
      throws StepFailure, InterruptedException {
    String instance = SandboxLayout.nameOf(backupInstance);
    Path folder = layout.vault(instance).resolve(SandboxLayout.nameOf(point.id() != null ? point.id() : point.name()));
    if (!Files.isDirectory(folder.resolve("fs"))) {
      throw StepFailure.fatal("sandbox: recovery point " + point.name() + " of backup instance " + instance + " not found",
          "list them with cloud.backup.recovery-points");
    }
    return fromCopy(folder.resolve("fs"), d, ctx.log(), "recovery point " + point.name());
  }

  @Override
  public void close() {}

  /**
   * A crash-consistent copy of a disk's filesystem into {@code tmp}/fs (a snapshot or a recovery point being made);
   * returns its instant. Nothing half-copied stays behind: not from an earlier attempt, nor from this one when the
   * copy fails or is interrupted (Ctrl-C).
   */
  private Instant frozenCopy(String disk, Path tmp, StepLog log) throws StepFailure, InterruptedException {
    clearHalfMade(tmp);
    try {
      return FrozenCopy.copy(layout.diskFs(disk), tmp.resolve("fs"), serverOf(disk), log);
    } catch (StepFailure | InterruptedException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /** Removes what an interrupted copy or delete left, after ending a process of it that still runs. */
  static void clearHalfMade(Path p) throws StepFailure, InterruptedException {
    FrozenCopy.stopProcessesOn(p);
    deleteTree(p);
  }

  static void deleteTree(Path p) throws StepFailure, InterruptedException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    var r = VmServer.run(List.of("rm", "-rf", "--", p.toString()));
    if (r.exitCode() != 0) throw StepFailure.fatal("sandbox: cannot remove " + p + ": " + r.stderr().strip());
  }
}

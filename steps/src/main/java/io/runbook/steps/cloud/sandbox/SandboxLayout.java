package io.runbook.steps.cloud.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.spi.StepFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the sandbox keeps its emulated cloud under the root folder, and the metadata files it writes there:
 * {@code disks/NAME/} (disk.json + fs/ = the disk's content), {@code snapshots/NAME/}, {@code vms/VM/} (vm.json,
 * {@code lun/N} links to disk folders, {@code mnt/} mount links, the server's pid, socket and logs) and
 * {@code vault/INSTANCE/POINT/} (Backup Vault recovery points). Which VM a disk is attached to is read from the LUN
 * links only, so there is one truth.
 */
public final class SandboxLayout {
  /** A disk's metadata. */
  public record DiskMeta(String name, String uniqueId, long sizeGb, String sku, String zone, Map<String, String> tags,
                         Instant createdAt) {}

  /** A snapshot's metadata: when it was taken and exactly which disk it copies. */
  public record SnapshotMeta(String name, Instant createdAt, String sourceDisk, String sourceUniqueId,
                             Map<String, String> tags) {}

  /** A VM: its server id (unique in the estate) and power state. */
  public record VmMeta(String name, int serverId, String powerState) {
    public VmMeta withPowerState(String state) { return new VmMeta(name, serverId, state); }
  }

  /** A Backup Vault recovery point of a disk. */
  public record PointMeta(String name, Instant time, String sourceDisk, String sourceUniqueId) {}

  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  public SandboxLayout(Path root) { this.root = root.toAbsolutePath().normalize(); }

  /** The root named by an inventory's {@code cloud.root} ({@code ~} expanded). */
  public static SandboxLayout of(CloudSpec spec) throws StepFailure {
    String r = spec.root().orElseThrow(() -> StepFailure.fatal("the inventory's cloud (provider sandbox) has no root",
        "add `root: <folder>` to the cloud section (runbook sandbox up writes it)"));
    return new SandboxLayout(expand(r));
  }

  public static Path expand(String path) {
    return path.equals("~") || path.startsWith("~/") ? Path.of(System.getProperty("user.home") + path.substring(1)) : Path.of(path);
  }

  public Path root() { return root; }
  public Path disks() { return root.resolve("disks"); }
  public Path disk(String name) { return disks().resolve(name); }
  /** The disk's content: what a mount of the disk shows. */
  public Path diskFs(String name) { return disk(name).resolve("fs"); }
  public Path snapshots() { return root.resolve("snapshots"); }
  public Path snapshot(String name) { return snapshots().resolve(name); }
  public Path vms() { return root.resolve("vms"); }
  public Path vm(String name) { return vms().resolve(name); }
  public Path lun(String vm, int lun) { return vm(vm).resolve("lun").resolve(Integer.toString(lun)); }
  public Path mounts(String vm) { return vm(vm).resolve("mnt"); }
  public Path pidFile(String vm) { return vm(vm).resolve("mariadbd.pid"); }
  public Path socket(String vm) { return vm(vm).resolve("mariadbd.sock"); }
  /** The boot fence of the VM's server (db.service.start fenced: true): its only option file while it exists. */
  public Path fenceFile(String vm) { return vm(vm).resolve("fence.cnf"); }
  /** While it exists the VM's server starts without a binary log: a server whose configuration has no log_bin. */
  public Path noBinlogFile(String vm) { return vm(vm).resolve("no-log-bin"); }
  public Path errorLog(String vm) { return vm(vm).resolve("mariadbd.err"); }
  /** The server's own temporary folder: never the shared /tmp, where another user's files can be in the way. */
  public Path tmpdir(String vm) { return vm(vm).resolve("tmp"); }
  public Path vault(String instance) { return root.resolve("vault").resolve(instance); }

  public String diskId(String name) { return "/sandbox/disks/" + name; }
  public String snapshotId(String name) { return "/sandbox/snapshots/" + name; }
  public String vmId(String name) { return "/sandbox/vms/" + name; }
  public String pointId(String instance, String point) { return "/sandbox/vault/" + instance + "/recoveryPoints/" + point; }

  /** The resource name in a name or a sandbox id (its last part). */
  public static String nameOf(String ref) { return ref.contains("/") ? ref.substring(ref.lastIndexOf('/') + 1) : ref; }

  Optional<DiskMeta> readDisk(String name) throws StepFailure { return read(disk(name).resolve("disk.json"), DiskMeta.class); }
  Optional<SnapshotMeta> readSnapshot(String name) throws StepFailure { return read(snapshot(name).resolve("snapshot.json"), SnapshotMeta.class); }
  public Optional<VmMeta> readVm(String name) throws StepFailure { return read(vm(name).resolve("vm.json"), VmMeta.class); }

  void writeVm(VmMeta vm) throws StepFailure { write(vm(vm.name()).resolve("vm.json"), vm); }

  /** The LUN slots of a VM: LUN to the name of the disk its link points at. */
  public Map<Integer, String> luns(String vm) throws StepFailure {
    Map<Integer, String> out = new java.util.TreeMap<>();
    for (Path slot : list(vm(vm).resolve("lun"))) {
      try {
        out.put(Integer.parseInt(slot.getFileName().toString()), Files.readSymbolicLink(slot).getFileName().toString());
      } catch (IOException | NumberFormatException e) {
        throw StepFailure.fatal("sandbox: LUN slot " + slot + " is not a link to a disk folder", "remove it; it is not the sandbox's");
      }
    }
    return out;
  }

  /** The VM whose LUN slot links to the disk, if any. */
  public Optional<String> attachedTo(String disk) throws StepFailure {
    for (Path vm : list(vms())) {
      if (luns(vm.getFileName().toString()).containsValue(disk)) return Optional.of(vm.getFileName().toString());
    }
    return Optional.empty();
  }

  /** The entries of a folder, sorted; empty when it does not exist. */
  static List<Path> list(Path dir) throws StepFailure {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw StepFailure.fatal("sandbox: cannot list " + dir + ": " + e.getMessage());
    }
  }

  static <T> Optional<T> read(Path file, Class<T> type) throws StepFailure {
    if (!Files.isRegularFile(file)) return Optional.empty();
    try {
      return Optional.of(JSON.readValue(file.toFile(), type));
    } catch (IOException e) {
      throw StepFailure.fatal("sandbox: cannot read " + file + ": " + e.getMessage(), "the estate may be damaged: runbook sandbox down, then up");
    }
  }

  /** Writes a metadata file atomically (temp file + rename), so a crash never leaves half a file. */
  static void write(Path file, Object value) throws StepFailure {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), value);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw StepFailure.fatal("sandbox: cannot write " + file + ": " + e.getMessage());
    }
  }

  /** Writes a text file atomically (temp file + rename). */
  static void writeText(Path file, String text) throws StepFailure {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw StepFailure.fatal("sandbox: cannot write " + file + ": " + e.getMessage());
    }
  }

  /** Holds the estate's lock file while changing it: two processes (a run and `sandbox snapshot --every`) may share a root. */
  <T> T locked(Locked<T> body) throws StepFailure, InterruptedException {
    // A file lock is per process: threads of this JVM queue on IN_JVM first, and nested calls reuse the held lock.
    IN_JVM.lock();
    try {
      if (IN_JVM.getHoldCount() > 1) return body.run();
      Files.createDirectories(root);
      try (FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = ch.lock()) {
        return body.run();
      }
    } catch (IOException e) {
      throw StepFailure.fatal("sandbox: cannot lock " + root + ": " + e.getMessage());
    } finally {
      IN_JVM.unlock();
    }
  }

  private static final java.util.concurrent.locks.ReentrantLock IN_JVM = new java.util.concurrent.locks.ReentrantLock();

  /** Work done under the estate lock. */
  @FunctionalInterface
  interface Locked<T> {
    T run() throws StepFailure, InterruptedException, IOException;
  }

  /** Names of the entries of a folder (disks, snapshots, VMs). */
  public List<String> names(Path dir) throws StepFailure {
    List<String> out = new ArrayList<>();
    for (Path p : list(dir)) out.add(p.getFileName().toString());
    return out;
  }
}

package io.runbook.engine.lock;

import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.util.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The locks of what an inventory's hosts really are, whatever the inventory calls them: each host's VM (cloud,
 * scope and VM name) and MariaDB server (address and port). Two inventory files that name the same VMs or
 * servers under other names are then serialised too, not only two runs of one inventory. Taken all or none.
 */
public final class TargetLocks implements AutoCloseable {
  /** Lock files of targets are named {@code target-<sha256 of the identity, 16 hex digits>.lock}. */
  public static final String PREFIX = "target-";

  /** One thing a run may change, identified independently of names in the inventory. */
  public record Target(String identity, String description) {}

  private final List<RunLock> held;

  private TargetLocks(List<RunLock> held) { this.held = held; }

  /**
   * Takes the lock of every target of {@code inventory}; when one is held, releases the others and says which.
   * Stale locks taken over are reported once per dead run, not per target, and not at all for a run in
   * {@code reported} (its inventory lock was taken over already, with a warning).
   */
  public static TargetLocks acquire(Path locksDir, Inventory inventory, String runId, Set<String> reported,
                                    Consumer<String> warn) throws RunLock.HeldException, IOException {
    Map<String, Target> byFile = new TreeMap<>(); // one order for every run: no two runs each hold half
    for (Target t : of(inventory)) byFile.putIfAbsent(fileName(t), t);
    List<RunLock> held = new ArrayList<>();
    try {
      for (Map.Entry<String, Target> e : byFile.entrySet()) {
        held.add(RunLock.acquire(locksDir, e.getKey(), e.getValue().description(), runId, w -> {}));
      }
      Map<String, List<RunLock.Holder>> stale = new TreeMap<>();
      for (RunLock l : held) l.tookOverFrom().ifPresent(h -> stale.computeIfAbsent(h.runId(), k -> new ArrayList<>()).add(h));
      stale.forEach((run, holders) -> {
        if (!reported.contains(run)) {
          warn.accept("took over the stale locks of " + holders.size() + " VM(s) and server(s) of this inventory held by "
              + holders.get(0).describe() + ": that process is no longer running");
        }
      });
      return new TargetLocks(held);
    } catch (RunLock.HeldException | IOException | RuntimeException e) {
      held.forEach(RunLock::close);
      throw e;
    }
  }

  /** The targets of an inventory's hosts: each host's VM (when there is a cloud) and its MariaDB server (when it has one). */
  public static List<Target> of(Inventory inventory) {
    List<Target> out = new ArrayList<>();
    for (Host h : inventory.hosts().values()) {
      vm(inventory.cloud(), h, out);
      h.db().ifPresent(db -> {
        String address = h.dbAddress().toLowerCase(Locale.ROOT);
        out.add(new Target("mariadb|" + address + "|" + db.portOrDefault(),
            "the MariaDB server at " + address + ":" + db.portOrDefault() + " (host " + h.name() + ")"));
      });
    }
    return out;
  }

  private static void vm(CloudSpec cloud, Host h, List<Target> out) {
    if (cloud == null) return;
    String vm = h.vm().orElse(h.name());
    String provider = cloud.provider() == null ? "" : cloud.provider();
    switch (provider) {
      case "sandbox" -> {
        String root = cloud.root().map(r -> Path.of(r).toAbsolutePath().normalize().toString()).orElse("");
        out.add(new Target("vm|sandbox|" + root + "|" + vm,
            "the sandbox VM " + vm + " under " + root + " (host " + h.name() + ")"));
      }
      case "azure" -> {
        // Azure names are case-insensitive; the endpoint tells an emulator or sovereign cloud from public Azure.
        String scope = String.join("|", cloud.endpoint().orElse(""), cloud.subscription().orElse(""),
            cloud.resourceGroup().orElse("")).toLowerCase(Locale.ROOT);
        out.add(new Target("vm|azure|" + scope + "|" + vm.toLowerCase(Locale.ROOT), "the Azure VM "
            + cloud.resourceGroup().orElse("?") + "/" + vm + " (host " + h.name() + ")"));
      }
      default -> out.add(new Target("vm|" + provider + "|" + vm, "the " + provider + " VM " + vm + " (host " + h.name() + ")"));
    }
  }

  static String fileName(Target t) {
    return PREFIX + Sha256.hex(t.identity().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }

  @Override
  public void close() {
    held.forEach(RunLock::close);
  }
}

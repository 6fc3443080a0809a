package io.runbook.engine.inventory;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.util.Spelling;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One environment: its cloud and its hosts. Runbooks name hosts; the same runbook runs on Azure and in the sandbox. */
@Doc("An environment: the cloud it lives in and the hosts runbooks act on")
public record Inventory(
    @Doc("Name of the environment; runs against the same inventory name are serialised by a lock") String inventory,
    @Doc("Where disks, snapshots and VMs live") CloudSpec cloud,
    @Doc("Hosts by name") Map<String, Host> hosts) {

  public static final Inventory EMPTY = new Inventory("none", null, Map.of());

  public Inventory {
    hosts = hosts == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
  }

  public Optional<Host> host(String name) { return Optional.ofNullable(hosts.get(name)); }

  /** "host 'x' is not in inventory 'prod' (did you mean 'y'?); known hosts: a, b": what to say about a name it lacks. */
  public String unknownHost(String name) {
    return "host '" + name + "' is not in inventory '" + inventory + "'" + Spelling.hint(name, hosts.keySet()) + "; "
        + knownHosts();
  }

  /** The host names to choose from; an empty list would read as a cut-off message. */
  public String knownHosts() {
    return hosts.isEmpty() ? "the inventory has no hosts" : "known hosts: " + String.join(", ", hosts.keySet());
  }
}

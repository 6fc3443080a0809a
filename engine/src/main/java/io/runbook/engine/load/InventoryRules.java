package io.runbook.engine.load;

import io.runbook.engine.util.Spelling;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an inventory must say beyond its shape: known kinds, the settings each kind needs, values in range. Read from
 * the plain tree rather than the bound records, so that these problems are reported in the same pass as the binder's:
 * a wrong type or a missing section elsewhere does not hide them. A value of the wrong type is left to the binder.
 */
final class InventoryRules {
  /** A broken rule at a path of the inventory (the problem points at the value there). */
  record Violation(String path, String message) {}

  static final List<String> PROVIDERS = List.of("azure", "sandbox");
  static final List<String> TRANSPORTS = List.of("ssh", "local");
  static final List<String> SERVICES = List.of("compose", "systemd", "sandbox", "custom");
  static final List<String> ROLES = List.of("primary", "replica", "scratch", "backup");
  /** Azure attaches data disks at LUN 0 to 63 (the most any VM size allows). */
  static final int MAX_LUN = 63;

  private final List<Violation> out = new ArrayList<>();

  private InventoryRules() {}

  /** {@code inventory} is the file's top-level map, each host's map under {@code hosts:}. */
  static List<Violation> check(Map<String, Object> inventory) {
    InventoryRules r = new InventoryRules();
    if (inventory.get("cloud") instanceof Map<?, ?> cloud) r.cloud(cloud);
    if (inventory.get("hosts") instanceof Map<?, ?> hosts) {
      hosts.forEach((name, host) -> {
        if (host instanceof Map<?, ?> h) r.host("hosts." + name, h);
      });
    }
    return r.out;
  }

  /** A scalar as the binder reads it into a string; empty when absent or not a scalar (the binder reports that). */
  private static Optional<String> text(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean
        ? Optional.of(v.toString()) : Optional.empty();
  }

  private void oneOf(String path, Optional<String> value, List<String> allowed, String what) {
    if (value.isPresent() && !allowed.contains(value.get())) {
      out.add(new Violation(path, "unknown " + what + " '" + value.get() + "'" + Spelling.hint(value.get(), allowed)
          + "; one of: " + String.join(", ", allowed)));
    }
  }

  private void needs(String path, Map<?, ?> m, String key, String why) {
    if (m.get(key) != null) return;
    // A misspelt key (adress:) is reported as unknown, with the right spelling: missing 'address' would say it twice.
    boolean misspelt = m.keySet().stream().anyMatch(k -> !k.equals(key)
        && Spelling.close(String.valueOf(k), List.of(key)).contains(key));
    if (!misspelt) out.add(new Violation(path, "missing '" + key + "': " + why));
  }

  private void port(String path, Map<?, ?> m) {
    if (m.get("port") instanceof Long p && (p < 1 || p > 65535)) {
      out.add(new Violation(path + ".port", p + " is not a TCP port: write 1 to 65535"));
    }
  }

  private void absolute(String path, Map<?, ?> m, String key, String what) {
    if (m.get(key) instanceof String s && !s.startsWith("/")) {
      out.add(new Violation(path + "." + key, what + " '" + s + "' must be an absolute path (starting with /)"));
    }
  }

  private void cloud(Map<?, ?> c) {
    Optional<String> provider = text(c, "provider");
    oneOf("cloud.provider", provider, PROVIDERS, "cloud provider");
    if (provider.equals(Optional.of("azure"))) {
      needs("cloud", c, "subscription", "the Azure subscription id");
      needs("cloud", c, "resourceGroup", "the resource group of the VMs and disks");
    }
  }

  private void host(String p, Map<?, ?> h) {
    oneOf(p + ".role", text(h, "role"), ROLES, "role");
    if (h.get("transport") instanceof Map<?, ?> t) {
      Optional<String> kind = text(t, "kind");
      oneOf(p + ".transport.kind", kind, TRANSPORTS, "transport");
      if (kind.equals(Optional.of("ssh"))) {
        needs(p + ".transport", t, "address", "the address ssh connects to");
        needs(p + ".transport", t, "user", "the user ssh logs in as");
      }
      port(p + ".transport", t);
    }
    for (String disk : List.of("dataDisk", "backupDisk")) {
      if (h.get(disk) instanceof Map<?, ?> d) disk(p + "." + disk, d);
    }
    if (h.get("db") instanceof Map<?, ?> db) {
      port(p + ".db", db);
      absolute(p + ".db", db, "datadir", "datadir");
    }
    if (h.get("service") instanceof Map<?, ?> s) service(p + ".service", s);
  }

  private void disk(String p, Map<?, ?> d) {
    if (d.get("lun") instanceof Long lun && (lun < 0 || lun > MAX_LUN)) {
      out.add(new Violation(p + ".lun", "LUN " + lun + " is out of range: data disks attach at LUN 0 to " + MAX_LUN));
    }
    absolute(p, d, "mount", "mount point");
    absolute(p, d, "device", "device");
  }

  private void service(String p, Map<?, ?> s) {
    Optional<String> kind = text(s, "kind");
    oneOf(p + ".kind", kind, SERVICES, "service kind");
    switch (kind.orElse("")) {
      case "compose" -> needs(p, s, "project", "the docker compose project directory");
      case "systemd" -> needs(p, s, "unit", "the systemd unit, e.g. mariadb");
      case "custom" -> {
        needs(p, s, "start", "the command that starts the database");
        needs(p, s, "stop", "the command that stops the database");
      }
      default -> { }
    }
  }
}

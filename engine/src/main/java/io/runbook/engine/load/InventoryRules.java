package io.runbook.engine.load;

import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.util.Spelling;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What an inventory must say beyond its shape: known kinds, and the settings each kind needs. */
final class InventoryRules {
  /** A broken rule at a path of the inventory (the problem points at the value there). */
  record Violation(String path, String message) {}

  static final List<String> PROVIDERS = List.of("azure", "sandbox");
  static final List<String> TRANSPORTS = List.of("ssh", "local");
  static final List<String> SERVICES = List.of("compose", "systemd", "sandbox", "custom");
  static final List<String> ROLES = List.of("primary", "replica", "scratch", "backup");

  private final List<Violation> out = new ArrayList<>();

  private InventoryRules() {}

  static List<Violation> check(Inventory inv) {
    InventoryRules r = new InventoryRules();
    r.cloud(inv.cloud());
    for (Host h : inv.hosts().values()) r.host(h);
    return r.out;
  }

  private void oneOf(String path, String value, List<String> allowed, String what) {
    if (!allowed.contains(value)) {
      out.add(new Violation(path, "unknown " + what + " '" + value + "'" + Spelling.hint(value, allowed) + "; one of: "
          + String.join(", ", allowed)));
    }
  }

  private void needs(String path, Optional<?> value, String key, String why) {
    if (value.isEmpty()) out.add(new Violation(path, "missing '" + key + "': " + why));
  }

  private void cloud(CloudSpec c) {
    if (c == null) return;
    oneOf("cloud.provider", c.provider(), PROVIDERS, "cloud provider");
    if (c.provider().equals("azure")) {
      needs("cloud", c.subscription(), "subscription", "the Azure subscription id");
      needs("cloud", c.resourceGroup(), "resourceGroup", "the resource group of the VMs and disks");
    }
  }

  private void host(Host h) {
    String p = "hosts." + h.name();
    h.role().ifPresent(role -> oneOf(p + ".role", role, ROLES, "role"));
    TransportSpec t = h.transport();
    oneOf(p + ".transport.kind", t.kind(), TRANSPORTS, "transport");
    if (t.kind().equals("ssh")) {
      needs(p + ".transport", t.address(), "address", "the address ssh connects to");
      needs(p + ".transport", t.user(), "user", "the user ssh logs in as");
    }
    h.service().ifPresent(s -> service(p + ".service", s));
  }

  private void service(String p, ServiceSpec s) {
    oneOf(p + ".kind", s.kind(), SERVICES, "service kind");
    switch (s.kind()) {
      case "compose" -> needs(p, s.project(), "project", "the docker compose project directory");
      case "systemd" -> needs(p, s.unit(), "unit", "the systemd unit, e.g. mariadb");
      case "custom" -> {
        needs(p, s.start(), "start", "the command that starts the database");
        needs(p, s.stop(), "stop", "the command that stops the database");
      }
      default -> { }
    }
  }
}

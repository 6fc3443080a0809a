package io.runbook.steps.host.service;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.spi.StepFailure;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds the {@link ServiceKind} for a host's {@code service.kind}. */
public final class ServiceKinds {
  private static final Map<String, ServiceKind> KINDS = load();

  private ServiceKinds() {}

  /** The controller for a host's database service. */
  public static ServiceController forHost(Host host, boolean sudo) throws StepFailure {
    ServiceSpec spec = host.service().orElseThrow(() -> StepFailure.fatal(
        "host " + host.name() + " has no service: block in the inventory",
        "add e.g. service: {kind: systemd, unit: mariadb} to host " + host.name()));
    ServiceKind kind = KINDS.get(spec.kind());
    if (kind == null) {
      throw StepFailure.fatal("host " + host.name() + ": unknown service kind '" + spec.kind() + "'",
          "use one of: " + String.join(", ", KINDS.keySet()));
    }
    return kind.controller(host, spec, sudo);
  }

  private static Map<String, ServiceKind> load() {
    Map<String, ServiceKind> all = new TreeMap<>();
    for (ServiceKind k : ServiceLoader.load(ServiceKind.class, ServiceKinds.class.getClassLoader())) all.put(k.kind(), k);
    return all;
  }
}

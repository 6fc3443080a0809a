package io.runbook.steps.host.service;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.ServiceSpec;
import io.runbook.engine.spi.StepFailure;

/**
 * One way of running the database service ({@code service.kind} in the inventory). Found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.runbook.steps.host.service.ServiceKind}), so a new kind
 * (e.g. {@code sandbox}) is added by registering a class, without touching the steps.
 */
public interface ServiceKind {
  /** The inventory's {@code service.kind}, e.g. {@code compose}. */
  String kind();

  /** The controller for one host; fails when the spec lacks what this kind needs. */
  ServiceController controller(Host host, ServiceSpec spec, boolean sudo) throws StepFailure;
}

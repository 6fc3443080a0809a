package io.runbook.steps.cloud;

import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;

/**
 * Makes the {@link CloudProvider} named by an inventory's {@code cloud.provider}; found with ServiceLoader
 * ({@code META-INF/services/io.runbook.steps.cloud.CloudProviderFactory}). Implementations keep this class free of
 * SDK types: the SDK is loaded only by {@link #open}, never for validate or plan.
 */
public interface CloudProviderFactory {
  /** The value of {@code cloud.provider} this factory serves, e.g. {@code azure}. */
  String provider();

  CloudPlanner planner(CloudSpec spec);

  CloudProvider open(CloudSpec spec, StepContext ctx) throws StepFailure;
}

package io.runbook.steps.cloud.azure;

import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.CloudPlanner;
import io.runbook.steps.cloud.CloudProvider;
import io.runbook.steps.cloud.CloudProviderFactory;

/** {@code cloud.provider: azure}. Holds no SDK type, so finding it costs nothing; {@link #open} loads the SDK. */
public final class AzureProviderFactory implements CloudProviderFactory {
  @Override
  public String provider() { return "azure"; }

  @Override
  public CloudPlanner planner(CloudSpec spec) { return new AzurePlanner(spec); }

  @Override
  public CloudProvider open(CloudSpec spec, StepContext ctx) throws StepFailure {
    return AzureCloud.connect(spec, AzureCloud.Settings.production(spec, ctx));
  }
}

package io.runbook.steps.cloud.sandbox;

import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.CloudPlanner;
import io.runbook.steps.cloud.CloudProvider;
import io.runbook.steps.cloud.CloudProviderFactory;
import java.nio.file.Files;

/** {@code cloud.provider: sandbox}: the estate under {@code cloud.root} (made by {@code runbook sandbox up}). */
public final class SandboxProviderFactory implements CloudProviderFactory {
  @Override public String provider() { return "sandbox"; }

  @Override public CloudPlanner planner(CloudSpec spec) { return new SandboxPlanner(spec); }

  @Override
  public CloudProvider open(CloudSpec spec, StepContext ctx) throws StepFailure {
    SandboxLayout layout = SandboxLayout.of(spec);
    if (!Files.isDirectory(layout.vms())) {
      throw StepFailure.fatal("sandbox root " + layout.root() + " holds no estate (no vms/ folder)",
          "create it with `runbook sandbox up --root " + layout.root() + "`");
    }
    return new SandboxCloud(layout);
  }
}

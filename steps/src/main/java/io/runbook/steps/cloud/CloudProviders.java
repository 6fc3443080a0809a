package io.runbook.steps.cloud;

import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Picks the cloud provider of a run from the inventory and opens it once per run (shared by every cloud step). */
public final class CloudProviders {
  /** The {@link StepContext#shared} key of the run's provider; a test may put a specially configured one there first. */
  public static final String SHARED_KEY = "cloud.provider";

  private CloudProviders() {}

  /** The run's provider, opened on first use (this is where an SDK gets loaded). */
  public static CloudProvider open(StepContext ctx) throws StepFailure {
    CloudSpec spec = spec(ctx);
    CloudProviderFactory factory = factory(spec, ctx);
    try {
      return ctx.shared(SHARED_KEY, () -> {
        try {
          return factory.open(spec, ctx);
        } catch (StepFailure f) {
          throw new OpenFailed(f);
        }
      });
    } catch (OpenFailed e) {
      throw e.failure;
    }
  }

  /** Describes calls without opening anything. */
  public static CloudPlanner planner(StepContext ctx) throws StepFailure {
    CloudSpec spec = spec(ctx);
    return factory(spec, ctx).planner(spec);
  }

  static CloudSpec spec(StepContext ctx) throws StepFailure {
    CloudSpec spec = ctx.inventory() == null ? null : ctx.inventory().cloud();
    if (spec == null) {
      throw StepFailure.fatal("step " + ctx.stepId() + " talks to the cloud but the inventory has no cloud: section",
          "add `cloud: { provider: azure, subscription: ..., resourceGroup: ... }` (or provider: sandbox) to the inventory");
    }
    return spec;
  }

  private static CloudProviderFactory factory(CloudSpec spec, StepContext ctx) throws StepFailure {
    List<String> known = new ArrayList<>();
    for (CloudProviderFactory f : ServiceLoader.load(CloudProviderFactory.class, CloudProviders.class.getClassLoader())) {
      if (f.provider().equals(spec.provider())) return f;
      known.add(f.provider());
    }
    throw StepFailure.fatal("step " + ctx.stepId() + ": no cloud provider '" + spec.provider() + "' in this build",
        "set cloud.provider in the inventory to one of: " + String.join(", ", known));
  }

  /** Carries a StepFailure out of the opener lambda of {@link StepContext#shared}. */
  private static final class OpenFailed extends RuntimeException {
    final StepFailure failure;

    OpenFailed(StepFailure failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }
}

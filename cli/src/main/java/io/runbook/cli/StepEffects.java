package io.runbook.cli;

import io.runbook.engine.bind.KnownEffect;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.Effect;
import java.util.Optional;

/** A step's effect as far as it is known without running anything ({@link KnownEffect}), for describe and graph. */
final class StepEffects {
  private StepEffects() {}

  /** The effect of the use, or empty for groups and unknown types. */
  static Optional<Effect> of(StepDecl d, StepRegistry registry) {
    return d.use().flatMap(registry::find).map(t -> KnownEffect.of(t, d.with()));
  }
}

package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.RecoveryPoint;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Lists the Backup Vault recovery points of a disk backup instance, oldest first. */
@Doc("List the Backup Vault recovery points of a disk backup instance, oldest first")
public final class ListRecoveryPoints implements StepType<ListRecoveryPoints.Input, ListRecoveryPoints.Output> {

  @Doc("Which backup instance")
  public record Input(
      @Doc(value = "Backup instance name or id", defaultValue = "dataDisk.backupInstance of the `on:` host")
      Optional<String> backupInstance) {}

  @Doc("One recovery point")
  public record Point(@Doc("Recovery point id (its name)") String name, @Doc("Full resource id") String id,
                      @Doc("When it was taken") Instant time) {}

  @Doc("The recovery points")
  public record Output(
      @Doc("Backup instance") String backupInstance,
      @Doc("Recovery points, oldest first") List<Point> points,
      @Doc("The newest one, or null") String latest) {}

  @Override public String name() { return "cloud.recovery-point.list"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }
  @Override public boolean needsCloud() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      return CloudProviders.planner(ctx).listRecoveryPoints(TargetDisks.backupInstance(in.backupInstance(), ctx));
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    String bi = TargetDisks.backupInstance(in.backupInstance(), ctx);
    List<Point> points = CloudProviders.open(ctx).recoveryPoints(bi).stream()
        .filter(p -> p.time() != null)
        .sorted(Comparator.comparing(RecoveryPoint::time))
        .map(p -> new Point(p.name(), p.id(), p.time()))
        .toList();
    return new Output(bi, points, points.isEmpty() ? null : points.get(points.size() - 1).name());
  }
}

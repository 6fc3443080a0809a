package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.Vm;
import java.util.Optional;

/** Powers off the {@code on:} host's VM, optionally deallocating it, and waits until it is stopped. */
@Doc("Stop the host's VM (deallocate: also release its compute) and wait until it is stopped")
public final class StopVm implements StepType<StopVm.Input, StopVm.Output> {

  @Doc("How to stop")
  public record Input(
      @Doc(value = "Deallocate (billing for compute stops; a dynamic public IP may change)", defaultValue = "false")
      Optional<Boolean> deallocate) {}

  @Doc("The VM after the stop")
  public record Output(@Doc("VM name") String vm, @Doc("Power state: stopped or deallocated") String powerState) {}

  @Override public String name() { return "cloud.vm.stop"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }
  @Override public boolean needsCloud() { return true; }

  private static String wanted(Input in) { return in.deallocate().orElse(false) ? "deallocated" : "stopped"; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      return CloudProviders.planner(ctx).stopVm(ctx.requireTarget().vmName(), in.deallocate().orElse(false));
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output predict(Input in, StepContext ctx) {
    return ctx.target().map(h -> new Output(h.vmName(), wanted(in))).orElse(null);
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    CloudProvider cloud = CloudProviders.open(ctx);
    Vm vm = cloud.vm(ctx.requireTarget().vmName());
    boolean deallocate = in.deallocate().orElse(false);
    if (wanted(in).equals(vm.powerState()) || (!deallocate && "deallocated".equals(vm.powerState()))) {
      ctx.log().info("VM " + vm.name() + " is already " + vm.powerState());
      return new Output(vm.name(), vm.powerState());
    }
    Vm after = cloud.stopVm(vm, deallocate, ctx);
    return new Output(after.name(), after.powerState());
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      Vm vm = CloudProviders.open(ctx).vm(ctx.requireTarget().vmName());
      return wanted(in).equals(vm.powerState()) ? Reconciled.done(new Output(vm.name(), vm.powerState())) : Reconciled.notDone();
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }
}

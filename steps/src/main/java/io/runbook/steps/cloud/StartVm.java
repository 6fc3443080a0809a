package io.runbook.steps.cloud;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.cloud.CloudProvider.Vm;

/** Starts the {@code on:} host's VM and waits until it runs (nothing to do when it already runs). */
@Doc("Start the host's VM and wait until it is running")
public final class StartVm implements StepType<StartVm.Input, StartVm.Output> {

  @Doc("Nothing: the VM is the `on:` host's")
  public record Input() {}

  @Doc("The VM after the start")
  public record Output(@Doc("VM name") String vm, @Doc("Power state") String powerState) {}

  @Override public String name() { return "cloud.vm.start"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.CHANGES; }
  @Override public boolean idempotent() { return true; }
  @Override public boolean needsHost() { return true; }
  @Override public boolean needsCloud() { return true; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    try {
      return CloudProviders.planner(ctx).startVm(ctx.requireTarget().vmName());
    } catch (StepFailure f) {
      return Plan.note(f.getMessage());
    }
  }

  @Override
  public Output predict(Input in, StepContext ctx) {
    return ctx.target().map(h -> new Output(h.vmName(), "running")).orElse(null);
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure, InterruptedException {
    CloudProvider cloud = CloudProviders.open(ctx);
    Vm vm = cloud.vm(ctx.requireTarget().vmName());
    if ("running".equals(vm.powerState())) {
      ctx.log().info("VM " + vm.name() + " is already running");
      return new Output(vm.name(), vm.powerState());
    }
    Vm after = cloud.startVm(vm, ctx);
    return new Output(after.name(), after.powerState());
  }

  @Override
  public Reconciled<Output> reconcile(Input in, StepContext ctx) {
    try {
      Vm vm = CloudProviders.open(ctx).vm(ctx.requireTarget().vmName());
      return "running".equals(vm.powerState()) ? Reconciled.done(new Output(vm.name(), vm.powerState())) : Reconciled.notDone();
    } catch (StepFailure f) {
      return Reconciled.unknown(f.getMessage());
    }
  }
}

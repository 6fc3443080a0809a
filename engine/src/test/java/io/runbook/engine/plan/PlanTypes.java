package io.runbook.engine.plan;

import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Test step types for the planner. Every type that is not READS fails the test if it is ever run. */
final class PlanTypes {
  private PlanTypes() {}

  /** READS: finds "the newest snapshot" of a disk; counts its runs. */
  static final class Find implements StepType<Find.Input, Find.Output> {
    record Input(String disk) {}
    record Output(String snapshot) {}
    final AtomicInteger runs = new AtomicInteger();
    public String name() { return "t.find"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.READS; }
    public Plan plan(Input in, StepContext ctx) { return Plan.api("disk " + in.disk(), "GET snapshots of " + in.disk()); }
    public Output run(Input in, StepContext ctx) {
      if (ctx.mode() != StepContext.Mode.PLAN) throw new AssertionError("planning runs READS steps in PLAN mode");
      runs.incrementAndGet();
      return new Output("snap-of-" + in.disk());
    }
  }

  /** CHANGES: creates a disk; predicts its name. */
  static final class Create implements StepType<Create.Input, Create.Output> {
    record Input(String name, String snapshot) {}
    record Output(String disk) {}
    public String name() { return "t.create"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.CHANGES; }
    public Plan plan(Input in, StepContext ctx) {
      return Plan.api("disk " + in.name(), "PUT disk " + in.name() + " from " + in.snapshot());
    }
    public Output predict(Input in, StepContext ctx) { return new Output("disk-" + in.name()); }
    public Output run(Input in, StepContext ctx) { throw new AssertionError("CHANGES step t.create ran in plan mode"); }
  }

  /** CHANGES: attaches a disk; no outputs. */
  static final class Swap implements StepType<Swap.Input, Swap.Output> {
    record Input(String disk, Optional<String> password) {}
    record Output() {}
    public String name() { return "t.swap"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.CHANGES; }
    public Plan plan(Input in, StepContext ctx) {
      return Plan.command("vm", "attach " + in.disk() + in.password().map(p -> " --password " + p).orElse(""));
    }
    public Output run(Input in, StepContext ctx) { throw new AssertionError("CHANGES step t.swap ran in plan mode"); }
  }

  /** DESTROYS: wipes a disk; its output is only known at run time. */
  @Doc("Wipes a disk: every byte on it is lost")
  static final class Wipe implements StepType<Wipe.Input, Wipe.Output> {
    record Input(String disk) {}
    record Output(String wiped) {}
    public String name() { return "t.wipe"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.DESTROYS; }
    public Plan plan(Input in, StepContext ctx) { return Plan.command("disk " + in.disk(), "wipe " + in.disk()); }
    public Output run(Input in, StepContext ctx) { throw new AssertionError("DESTROYS step t.wipe ran in plan mode"); }
  }

  /** Declared READS, but its input can make it CHANGES (like core.exec's effect:); must not run then. */
  static final class Command implements StepType<Command.Input, Command.Output> {
    record Input(String text, Optional<Effect> effect) {}
    record Output(String echoed) {}
    final AtomicInteger runs = new AtomicInteger();
    public String name() { return "t.command"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.READS; }
    public Effect effectOf(Input in) { return in.effect().orElse(Effect.READS); }
    public Plan plan(Input in, StepContext ctx) { return Plan.command("local", "echo " + in.text()); }
    public Output run(Input in, StepContext ctx) {
      if (effectOf(in) != Effect.READS) throw new AssertionError("t.command with effect " + effectOf(in) + " ran in plan mode");
      runs.incrementAndGet();
      return new Output(in.text());
    }
  }

  /** READS, but all it does is wait: the planner must not run it. */
  static final class Wait implements StepType<Wait.Input, Wait.Output> {
    record Input(String until) {}
    record Output(String reached) {}
    public String name() { return "t.wait"; }
    public Class<Input> inputType() { return Input.class; }
    public Class<Output> outputType() { return Output.class; }
    public Effect effect() { return Effect.READS; }
    public Plan plan(Input in, StepContext ctx) { return Plan.waitFor("db1", "until " + in.until()); }
    public Output run(Input in, StepContext ctx) { throw new AssertionError("a wait ran while planning"); }
  }
}

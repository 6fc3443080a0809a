package io.runbook.steps.cloud;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.CloudProvider.AttachedDisk;
import io.runbook.steps.cloud.CloudProvider.Vm;

/**
 * The disk a step means at a LUN ({@code expectDisk:}), checked against the disk there: a LUN says where, not which
 * disk, and a part run on its own or an estate changed by hand can hold another one.
 */
final class ExpectedDisk {
  private ExpectedDisk() {}

  /** Whether the disk at the LUN is {@code expected}: a resource id compares with its id, a name with its name. */
  static boolean holds(AttachedDisk at, String expected) {
    return expected.contains("/") ? expected.equalsIgnoreCase(at.diskId()) : expected.equalsIgnoreCase(at.diskName());
  }

  /** The refusal when the LUN holds another disk than {@code expected}. */
  static StepFailure refusal(StepContext ctx, Vm vm, AttachedDisk at, String expected) {
    String found = at.diskName() + (expected.contains("/") ? " (" + at.diskId() + ")" : "");
    return StepFailure.fatal("step " + ctx.stepId() + ": LUN " + at.lun() + " of VM " + vm.name() + " holds disk "
            + found + ", not the expected " + expected + "; refused before any change",
        "find out why " + at.diskName() + " is there (an estate changed by hand, or a wrong disk or LUN given): with"
            + " a wrong disk or LUN, start a new run with the right one; if " + at.diskName() + " must go, take it off"
            + " by hand (stop what uses it, unmount it, then the portal or az vm disk detach)");
  }
}

package io.runbook.steps.cloud;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.util.regex.Pattern;

/**
 * The names a step gives new disks and snapshots, checked before any cloud call: Azure's rule for managed disks and
 * snapshots (1 to 80 letters, digits, _ . -; starting with a letter or digit, ending with one or _). The sandbox
 * applies the same rule, so a name that works there works on Azure, and a parameter such as {@code ../../etc} can
 * never become a path outside the sandbox's folders.
 */
public final class ResourceNames {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?");

  private ResourceNames() {}

  /** The name, when it is acceptable for a new disk or snapshot; else a fatal failure naming the step. */
  public static String require(String what, String name, StepContext ctx) throws StepFailure {
    if (name != null && NAME.matcher(name).matches()) return name;
    throw StepFailure.fatal("step " + ctx.stepId() + ": '" + name + "' is not a valid " + what + " name",
        "use 1 to 80 letters, digits, _ . - starting with a letter or digit and ending with one or _");
  }
}

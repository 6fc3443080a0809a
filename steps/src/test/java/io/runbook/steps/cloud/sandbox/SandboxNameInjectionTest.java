package io.runbook.steps.cloud.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.HostileValues;
import io.runbook.steps.cloud.CreateDiskFromSnapshot;
import io.runbook.steps.cloud.CreateSnapshot;
import io.runbook.steps.cloud.RestoreDiskFromRecoveryPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Names of new disks and snapshots come from parameters; in the sandbox they become folder names. A hostile name
 * (a path such as ../../escape, shell or SQL syntax, control characters) is refused with a clear failure before any
 * folder is made, by the same rule Azure applies, and the plan says so instead of showing the call.
 */
class SandboxNameInjectionTest {
  private final Path base = Path.of("target", "sandbox-names-" + ProcessHandle.current().pid()).toAbsolutePath();
  private final Path root = base.resolve("estate");
  private final SandboxEstate estate = new SandboxEstate(root, StepLog.NONE);

  @AfterEach
  void down() throws Exception {
    estate.down();
    io.runbook.testkit.mariadb.MariaDbServer.deleteTree(base);
  }

  @Test
  void hostileNamesForNewDisksAndSnapshotsAreRefusedAndMakeNoFolder() throws Exception {
    estate.up(0);
    Path canary = base.resolve("canary");
    List<String> names = new ArrayList<>(HostileValues.shell(canary));
    names.addAll(List.of("../../escape", "..", ".", "x/../../escape", "/tmp/escape", "a b", "-leading", "trailing-",
        "trailing.", "x".repeat(81), "ünï", "name\u0000", "name\n"));
    List<String> before;
    try (StandaloneStepContext base = estate.context(estate.inventory())) {
      StandaloneStepContext ctx = base.forStep("s", "primary");
      var snap = new CreateSnapshot().run(new CreateSnapshot.Input(Optional.empty(), Optional.of("primary-data-ok")), ctx);
      before = tree();
      for (String n : names) {
        StepFailure s = assertThrows(StepFailure.class,
            () -> new CreateSnapshot().run(new CreateSnapshot.Input(Optional.empty(), Optional.of(n)), ctx), n);
        assertTrue(s.getMessage().contains("is not a valid snapshot name"), s.getMessage());
        assertFalse(s.retryable());
        StepFailure d = assertThrows(StepFailure.class, () -> new CreateDiskFromSnapshot().run(
            new CreateDiskFromSnapshot.Input(snap.snapshotId(), n, Optional.empty()), ctx), n);
        assertTrue(d.getMessage().contains("is not a valid disk name"), d.getMessage());
        StepFailure r = assertThrows(StepFailure.class, () -> new RestoreDiskFromRecoveryPoint().run(
            new RestoreDiskFromRecoveryPoint.Input(Optional.of("bi"), "point", n), ctx), n);
        assertTrue(r.getMessage().contains("is not a valid disk name"), r.getMessage());
        Plan plan = new CreateDiskFromSnapshot().plan(new CreateDiskFromSnapshot.Input(snap.snapshotId(), n, Optional.empty()), ctx);
        assertEquals(Plan.Kind.NOTE, plan.actions().get(0).kind(), plan.toString());
        assertTrue(plan.actions().get(0).text().contains("is not a valid disk name"), plan.toString());
      }
    }
    assertEquals(before, tree(), "no folder was made for a refused name");
    assertFalse(Files.exists(canary));
    try (Stream<Path> s = Files.list(base)) {
      assertEquals(List.of("estate"), s.map(p -> p.getFileName().toString()).sorted().toList(), "nothing escaped the estate");
    }
  }

  /** The estate's disks and snapshots folders (what a new disk or snapshot would add to). */
  private List<String> tree() throws Exception {
    List<String> out = new ArrayList<>();
    for (String dir : List.of("disks", "snapshots")) {
      try (Stream<Path> s = Files.list(root.resolve(dir))) {
        s.map(p -> dir + "/" + p.getFileName()).sorted().forEach(out::add);
      }
    }
    return out;
  }
}

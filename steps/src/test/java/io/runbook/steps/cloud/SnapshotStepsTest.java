package io.runbook.steps.cloud;

import static io.runbook.steps.cloud.EmulatedAzure.RG;
import static io.runbook.steps.cloud.EmulatedAzure.SNAP_RG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext.Mode;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.azure.AzureCloud;
import io.runbook.testkit.arm.ArmEmulator;
import io.runbook.testkit.arm.ArmEmulatorExtension;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** cloud.snapshot.create / list / find against the ARM emulator through the real Azure SDK. */
class SnapshotStepsTest {
  @RegisterExtension static final ArmEmulatorExtension ARM = new ArmEmulatorExtension();
  static ArmEmulator arm;
  static AzureCloud cloud;
  EmulatedAzure.RecordingLog log;

  @BeforeAll
  static void connect() {
    arm = ARM.get();
    cloud = EmulatedAzure.cloud(arm);
  }

  @BeforeEach
  void seed() {
    EmulatedAzure.seedEstate(arm);
    log = new EmulatedAzure.RecordingLog();
  }


  StandaloneStepContext ctx(String runId, Instant deadline) {
    return EmulatedAzure.context(arm, cloud, runId, "db1", Mode.RUN, deadline, log);
  }

  @Test
  void createTakesAnIncrementalSnapshotNamedFromTheRun() throws Exception {
    try (var ctx = ctx("r42", null)) {
      CreateSnapshot.Output out = new CreateSnapshot().run(new CreateSnapshot.Input(Optional.empty(), Optional.empty()), ctx);
      assertEquals("db1-data-r42", out.snapshot());
      assertEquals(arm.snapshotId(SNAP_RG, "db1-data-r42"), out.snapshotId());
      assertEquals(arm.diskId(RG, "db1-data"), out.sourceDiskId());
      var stored = arm.resource(out.snapshotId());
      assertTrue(stored.path("properties").path("incremental").asBoolean());
      assertEquals("Succeeded", stored.path("properties").path("provisioningState").asText());
      assertEquals("r42", stored.path("tags").path(RunTags.RUN).asText());
      assertEquals(arm.resource(arm.diskId(RG, "db1-data")).path("properties").path("uniqueId").asText(), out.sourceUniqueId());
      assertTrue(log.has("progress:", "create snapshot db1-data-r42"), log.lines.toString());
      // predict() knows the name and id before anything runs
      CreateSnapshot.Output predicted = new CreateSnapshot().predict(new CreateSnapshot.Input(Optional.empty(), Optional.empty()), ctx);
      assertEquals(out.snapshotId(), predicted.snapshotId());
    }
  }

  @Test
  void createAfterACrashFindsTheSnapshotInsteadOfTakingASecond() throws Exception {
    CreateSnapshot step = new CreateSnapshot();
    CreateSnapshot.Input in = new CreateSnapshot.Input(Optional.of("db1-data"), Optional.empty());
    arm.stallNextOperation();
    // The "crash": the PUT was accepted, then the step stopped waiting (deadline) before Azure finished.
    try (var ctx = ctx("r7", Instant.now().plusMillis(300))) {
      StepFailure f = assertThrows(StepFailure.class, () -> step.run(in, ctx));
      assertTrue(f.getMessage().contains("timed out"), f.getMessage());
      assertEquals(Reconciled.Status.UNKNOWN, step.reconcile(in, ctx).status(), "still Creating: in doubt");
    }
    arm.finishOperations(); // meanwhile Azure finished the snapshot
    try (var ctx = ctx("r7", null)) {
      Reconciled<CreateSnapshot.Output> r = step.reconcile(in, ctx);
      assertEquals(Reconciled.Status.DONE, r.status(), String.valueOf(r.detail()));
      assertEquals("db1-data-r7", r.outputs().snapshot());
      CreateSnapshot.Output again = step.run(in, ctx);
      assertEquals(r.outputs().snapshotId(), again.snapshotId());
    }
    assertEquals(1, arm.requests("PUT", "/snapshots/db1-data-r7$").size(), "exactly one PUT for the snapshot");
  }

  @Test
  void reconcileBeforeAnythingHappenedIsNotDone() throws Exception {
    try (var ctx = ctx("r8", null)) {
      assertEquals(Reconciled.Status.NOT_DONE,
          new CreateSnapshot().reconcile(new CreateSnapshot.Input(Optional.empty(), Optional.empty()), ctx).status());
    }
  }

  @Test
  void bracketIgnoresSnapshotsOfARecreatedDiskWithTheSameName() throws Exception {
    Instant t = Instant.parse("2026-11-20T12:00:00Z");
    // The first db1-data: snapshots around t that must NOT be picked after the disk was recreated.
    arm.addSnapshot(SNAP_RG, "old-1", RG, "db1-data", t.minusSeconds(600));
    arm.addSnapshot(SNAP_RG, "old-2", RG, "db1-data", t.plusSeconds(60));
    arm.removeDisk(RG, "db1-data");
    arm.addDisk(RG, "db1-data", "westeurope", "1", 256);
    arm.addSnapshot(SNAP_RG, "new-1", RG, "db1-data", t.minusSeconds(3600));
    arm.addSnapshot(SNAP_RG, "new-2", RG, "db1-data", t.minusSeconds(1800));
    arm.addSnapshot(SNAP_RG, "new-3", RG, "db1-data", t.plusSeconds(1800));
    arm.addSnapshot(SNAP_RG, "other", RG, "db2-data", t.minusSeconds(10));
    try (var ctx = ctx("r9", null)) {
      FindSnapshot.Output b = new FindSnapshot().run(new FindSnapshot.Input(Optional.of("db1-data"), Optional.empty(),
          Optional.empty(), Optional.of(t), Optional.empty()), ctx);
      assertEquals("new-2", b.snapshot());
      assertEquals("new-3", b.next());
      assertEquals(t.plusSeconds(1800), b.nextCreatedAt());

      FindSnapshot.Output before = new FindSnapshot().run(new FindSnapshot.Input(Optional.empty(),
          Optional.of(t.minusSeconds(1800)), Optional.empty(), Optional.empty(), Optional.empty()), ctx);
      assertEquals("new-2", before.snapshot(), "at or before includes the exact time");

      FindSnapshot.Output after = new FindSnapshot().run(new FindSnapshot.Input(Optional.empty(),
          Optional.empty(), Optional.of(t), Optional.empty(), Optional.empty()), ctx);
      assertEquals("new-3", after.snapshot());
      assertNull(after.next());

      ListSnapshots.Output list = new ListSnapshots().run(new ListSnapshots.Input(Optional.empty(), Optional.empty()), ctx);
      assertEquals(java.util.List.of("new-1", "new-2", "new-3"),
          list.snapshots().stream().map(ListSnapshots.SnapshotInfo::name).toList());
      assertTrue(log.has("info:", "2 snapshot(s) of an earlier disk"), log.lines.toString());

      StepFailure none = assertThrows(StepFailure.class, () -> new FindSnapshot().run(new FindSnapshot.Input(
          Optional.empty(), Optional.of(t.minusSeconds(7200)), Optional.empty(), Optional.empty(), Optional.empty()), ctx));
      assertTrue(none.getMessage().contains("no snapshot of disk db1-data"), none.getMessage());
      assertTrue(none.getMessage().contains("nearest: new-1"), none.getMessage());
      assertTrue(none.getMessage().contains("2 snapshot(s) of an earlier disk"), none.getMessage());
      assertFalse(none.retryable());
    }
  }

  @Test
  void findRequiresExactlyOneTime() throws Exception {
    try (var ctx = ctx("r10", null)) {
      StepFailure f = assertThrows(StepFailure.class, () -> new FindSnapshot().run(new FindSnapshot.Input(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("exactly one of atOrBefore, after, bracket"), f.getMessage());
    }
  }
}

package io.runbook.steps.cloud;

import static io.runbook.steps.cloud.EmulatedAzure.RG;
import static io.runbook.steps.cloud.EmulatedAzure.SNAP_RG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepContext.Mode;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.azure.AzureCloud;
import io.runbook.testkit.arm.ArmEmulator;
import io.runbook.testkit.arm.ArmEmulatorExtension;
import io.runbook.testkit.arm.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Throttling, transient errors, broken connections, failed and slow operations, 4xx: retried or failed clearly. */
class AzureFaultsTest {
  static final String VM_PATH = "/virtualMachines/db1-vm$";
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
    arm.addSnapshot(SNAP_RG, "db1-snap", RG, "db1-data", Instant.parse("2026-11-20T10:00:00Z"));
    log = new EmulatedAzure.RecordingLog();
  }


  StandaloneStepContext ctx(Instant deadline) {
    return EmulatedAzure.context(arm, cloud, "rf", "db1", Mode.RUN, deadline, log);
  }

  @Test
  void throttlingIsRetriedAfterTheRetryAfterDelay() throws Exception {
    arm.inject(Fault.throttle("GET", VM_PATH, 1, 1));
    try (var ctx = ctx(null)) {
      long t0 = System.nanoTime();
      assertEquals("running", new VmStatus().run(new VmStatus.Input(java.util.Optional.empty(), java.util.Optional.empty()), ctx).powerState());
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertTrue(took.toMillis() >= 950, "waited Retry-After (1 s), took " + took.toMillis() + " ms");
    }
    assertEquals(2, arm.requests("GET", VM_PATH).size());
  }

  @Test
  void transient500And503AreRetried() throws Exception {
    arm.inject(Fault.status("PUT", "/snapshots/db1-data-rf$", 1, 500));
    arm.inject(Fault.status("GET", "/disks/db1-data$", 2, 503));
    try (var ctx = ctx(null)) {
      var out = new CreateSnapshot().run(new CreateSnapshot.Input(Optional.empty(), Optional.empty()), ctx);
      assertEquals("db1-data-rf", out.snapshot());
    }
    assertEquals(2, arm.requests("PUT", "/snapshots/db1-data-rf$").size());
    assertTrue(arm.requests("GET", "/disks/db1-data$").size() >= 3);
  }

  @Test
  void aResetConnectionIsRetried() throws Exception {
    arm.inject(Fault.reset("GET", VM_PATH, 1));
    try (var ctx = ctx(null)) {
      assertEquals("db1-vm", new VmStatus().run(new VmStatus.Input(java.util.Optional.empty(), java.util.Optional.empty()), ctx).vm());
    }
    assertEquals(2, arm.requests("GET", VM_PATH).size());
  }

  @Test
  void persistent503FailsRetryablyWithAzuresCodeAndTheResource() throws Exception {
    arm.inject(Fault.status("GET", VM_PATH, 10, 503));
    try (var ctx = ctx(null)) {
      StepFailure f = assertThrows(StepFailure.class, () -> new VmStatus().run(new VmStatus.Input(java.util.Optional.empty(), java.util.Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("HTTP 503 ServiceUnavailable"), f.getMessage());
      assertTrue(f.getMessage().contains(arm.vmId(RG, "db1-vm")), f.getMessage());
      assertTrue(f.retryable());
    }
    assertEquals(4, arm.requests("GET", VM_PATH).size(), "1 try + 3 SDK retries (RetryOptions of the test)");
  }

  @Test
  void persistentConnectionResetsFailRetryably() throws Exception {
    arm.inject(Fault.reset("GET", VM_PATH, 10));
    try (var ctx = ctx(null)) {
      StepFailure f = assertThrows(StepFailure.class, () -> new VmStatus().run(new VmStatus.Input(java.util.Optional.empty(), java.util.Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("could not talk to Azure Resource Manager"), f.getMessage());
      assertTrue(f.retryable());
      assertNotNull(f.hint());
    }
  }

  /**
   * The detach took effect but its answer was lost: the SDK sends it again and Azure refuses ("not attached"). The
   * VM shows the disk detached once it has finished updating: the step goes on (before: it failed, telling the
   * operator to "fix the request"). A failed operation still fails: Azure left the disk attached.
   */
  @Test
  void aDetachWhoseAnswerWasLostIsTakenAsDoneWhenTheVmShowsItAndAFailedOneStillFails() throws Exception {
    arm.inject(Fault.resetAfterApplying("POST", "/virtualMachines/db1-vm/attachDetachDataDisks$", 1));
    try (var ctx = ctx(null)) {
      DetachDisk.Output out = new DetachDisk().run(new DetachDisk.Input(9, Optional.empty()), ctx);
      assertEquals("db1-data", out.disk());
      assertEquals(2, arm.requests("POST", "/attachDetachDataDisks$").size(), "sent again after the reset");
      assertTrue(log.has("warn:", "shows the change made"), log.lines.toString());
      assertEquals(0, arm.resource(arm.vmId(RG, "db1-vm")).path("properties").path("storageProfile").path("dataDisks").size());
    }
    arm.failNextOperation("InternalOperationError", "injected");
    try (var ctx = ctx(null)) {
      StepFailure f = assertThrows(StepFailure.class, () -> new AttachDisk().run(
          new AttachDisk.Input("db1-data", 9, Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("InternalOperationError"), f.getMessage());
      assertEquals(0, arm.resource(arm.vmId(RG, "db1-vm")).path("properties").path("storageProfile").path("dataDisks").size(),
          "a failed attach leaves the VM as it was");
    }
  }

  @Test
  void anOperationThatEndsFailedFailsTheStepWithAzuresError() throws Exception {
    arm.failNextOperation("InternalDiskManagementError", "An internal error occurred while copying the snapshot");
    try (var ctx = ctx(null)) {
      StepFailure f = assertThrows(StepFailure.class, () -> new CreateDiskFromSnapshot().run(
          new CreateDiskFromSnapshot.Input("db1-snap", "db1-data-new", Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("InternalDiskManagementError"), f.getMessage());
      assertTrue(f.getMessage().contains("An internal error occurred while copying"), f.getMessage());
      assertTrue(f.getMessage().contains("disks/db1-data-new"), f.getMessage());
      assertFalse(f.retryable());
    }
  }

  @Test
  void aSlowOperationStopsAtTheStepDeadlineWithProgressShown() throws Exception {
    arm.stallNextOperation();
    try (var ctx = ctx(Instant.now().plusMillis(2000))) {
      long t0 = System.nanoTime();
      StepFailure f = assertThrows(StepFailure.class, () -> new CreateDiskFromSnapshot().run(
          new CreateDiskFromSnapshot.Input("db1-snap", "db1-data-slow", Optional.empty()), ctx));
      long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
      assertTrue(f.getMessage().contains("timed out"), f.getMessage());
      assertTrue(f.getMessage().contains("create disk db1-data-slow"), f.getMessage());
      assertTrue(f.hint().contains("resume"), f.hint());
      assertTrue(ms < 5000, "stopped near the deadline, took " + ms + " ms");
      assertTrue(log.has("progress:", "create disk db1-data-slow: InProgress"), log.lines.toString());
    }
  }

  @Test
  void aClientErrorFailsWithAzuresCodeMessageAndResourceId() throws Exception {
    // Bypass the step's own check to see what Azure's 409 looks like to the operator.
    var disk = cloud.findDisk("db1-data").orElseThrow();
    try (var ctx = ctx(null)) {
      StepFailure f = assertThrows(StepFailure.class, () -> cloud.deleteDisk(disk, ctx));
      assertTrue(f.getMessage().contains("HTTP 409 OperationNotAllowed"), f.getMessage());
      assertTrue(f.getMessage().contains("is attached to VM"), f.getMessage());
      assertTrue(f.getMessage().contains(arm.diskId(RG, "db1-data")), f.getMessage());
      assertFalse(f.retryable());
    }
  }

  @Test
  void backupVaultCallsShareTheSameRetryPolicy() throws Exception {
    arm.addBackupInstance(RG, EmulatedAzure.VAULT, "db1-data-bi", "westeurope",
        List.of(new ArmEmulator.RecoveryPointSeed("rp1", Instant.parse("2026-11-19T00:00:00Z"))));
    arm.inject(Fault.status("GET", "/recoveryPoints$", 1, 503));
    arm.inject(Fault.throttle("GET", "/recoveryPoints$", 1, 1));
    try (var ctx = ctx(null)) {
      assertEquals("rp1", new ListRecoveryPoints().run(new ListRecoveryPoints.Input(Optional.empty()), ctx).latest());
    }
    assertEquals(3, arm.requests("GET", "/recoveryPoints$").size());
  }

  @Test
  void aDiskAnEarlierAttemptLeftBeingMadeIsWaitedForNotTakenAsMade() throws Exception {
    CreateDiskFromSnapshot.Input in = new CreateDiskFromSnapshot.Input("db1-snap", "db1-data-again", Optional.empty());
    arm.stallNextOperation();
    try (var ctx = ctx(Instant.now().plusMillis(1500))) {
      assertThrows(StepFailure.class, () -> new CreateDiskFromSnapshot().run(in, ctx), "Azure is still making it");
    }
    assertEquals("Creating", arm.resource(arm.diskId(RG, "db1-data-again")).path("properties").path("provisioningState")
        .asText());
    try (var ctx = ctx(Instant.now().plusMillis(1500))) {
      StepFailure f = assertThrows(StepFailure.class, () -> new CreateDiskFromSnapshot().run(in, ctx),
          "a disk still Creating is not a made disk");
      assertTrue(f.getMessage().contains("disk db1-data-again made by an earlier attempt"), f.getMessage());
      assertTrue(f.getMessage().contains("still Creating"), f.getMessage());
    }
    arm.finishOperations();
    try (var ctx = ctx(null)) {
      assertEquals("db1-data-again", new CreateDiskFromSnapshot().run(in, ctx).disk());
    }
    assertTrue(log.has("info:", "was already made by this run"), log.lines.toString());
    assertEquals(1, arm.requests("PUT", "/disks/db1-data-again$").size(), "one PUT: the retries found the disk");
  }
}

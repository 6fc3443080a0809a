package io.runbook.steps.cloud;

import static io.runbook.steps.cloud.EmulatedAzure.RG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext.Mode;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.azure.AzureCloud;
import io.runbook.testkit.arm.ArmEmulator;
import io.runbook.testkit.arm.ArmEmulatorExtension;
import io.runbook.testkit.arm.ArmEmulator.RecoveryPointSeed;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** cloud.recovery-point.list / restore-disk: the Data Protection REST API over the SDK's pipeline, on the emulator. */
class RecoveryPointStepsTest {
  static final Instant T = Instant.parse("2026-11-20T00:00:00Z");
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
    arm.addBackupInstance(RG, EmulatedAzure.VAULT, "db1-data-bi", "westeurope", List.of(
        new RecoveryPointSeed("rp-b", T.plusSeconds(3600)),
        new RecoveryPointSeed("rp-a", T),
        new RecoveryPointSeed("rp-c", T.plusSeconds(7200))));
    log = new EmulatedAzure.RecordingLog();
  }


  StandaloneStepContext ctx(String runId) {
    return EmulatedAzure.context(arm, cloud, runId, "db1", Mode.RUN, null, log);
  }

  @Test
  void listsTheHostsRecoveryPointsOldestFirst() throws Exception {
    try (var ctx = ctx("r1")) {
      ListRecoveryPoints.Output out = new ListRecoveryPoints().run(new ListRecoveryPoints.Input(Optional.empty()), ctx);
      assertEquals("db1-data-bi", out.backupInstance());
      assertEquals(List.of("rp-a", "rp-b", "rp-c"), out.points().stream().map(ListRecoveryPoints.Point::name).toList());
      assertEquals(T, out.points().get(0).time());
      assertEquals("rp-c", out.latest());
      assertTrue(out.points().get(0).id().endsWith("/backupVaults/vault-db/backupInstances/db1-data-bi/recoveryPoints/rp-a"));
    }
  }

  @Test
  void restoreValidatesThenTriggersThenFollowsTheJob() throws Exception {
    try (var ctx = ctx("r2")) {
      var in = new RestoreDiskFromRecoveryPoint.Input(Optional.empty(), "rp-b", "db1-data-rp-b");
      assertEquals(Reconciled.Status.UNKNOWN, new RestoreDiskFromRecoveryPoint().reconcile(in, ctx).status());
      RestoreDiskFromRecoveryPoint.Output out = new RestoreDiskFromRecoveryPoint().run(in, ctx);
      assertEquals(arm.diskId(RG, "db1-data-rp-b"), out.diskId());
      assertEquals(T.plusSeconds(3600), out.recoveryPointTime());
      assertNotNull(arm.resource(out.diskId()));

      var validate = arm.requests("POST", "/validateRestore$");
      var restore = arm.requests("POST", "/backupInstances/db1-data-bi/restore$");
      assertEquals(1, validate.size());
      assertEquals(1, restore.size());
      assertTrue(validate.get(0).getLoggedDate().before(restore.get(0).getLoggedDate()) 
          || validate.get(0).getLoggedDate().equals(restore.get(0).getLoggedDate()), "validate first");
      JsonNode body = new ObjectMapper().readTree(restore.get(0).getBodyAsString());
      assertEquals("rp-b", body.path("recoveryPointId").asText());
      assertEquals("OperationalStore", body.path("sourceDataStoreType").asText());
      assertEquals(out.diskId(), body.path("restoreTargetInfo").path("datasourceInfo").path("resourceID").asText());
      assertEquals("westeurope", body.path("restoreTargetInfo").path("restoreLocation").asText());
      assertTrue(arm.requests("GET", "/backupJobs/").size() >= 2, "job followed until Completed");
      assertTrue(log.has("progress:", "restore job"), log.lines.toString());

      assertEquals(Reconciled.Status.DONE, new RestoreDiskFromRecoveryPoint().reconcile(in, ctx).status());
      assertEquals("r2", arm.resource(out.diskId()).path("tags").path("runbook-run").asText(), "the run's tags");
      // The same run again (a retry, a resume): its own disk, not restored a second time.
      RestoreDiskFromRecoveryPoint.Output again = new RestoreDiskFromRecoveryPoint().run(in, ctx);
      assertEquals(out.diskId(), again.diskId());
      assertEquals(1, arm.requests("POST", "/backupInstances/db1-data-bi/restore$").size(), "one restore");
    }
    try (var other = ctx("r9")) {
      var in = new RestoreDiskFromRecoveryPoint.Input(Optional.empty(), "rp-b", "db1-data-rp-b");
      StepFailure f = assertThrows(StepFailure.class, () -> new RestoreDiskFromRecoveryPoint().run(in, other));
      assertTrue(f.getMessage().contains("already exists") && f.getMessage().contains("this run did not make it"), f.getMessage());
    }
  }

  /**
   * Every answer of the restore job is lost (the job still runs and finishes): the step fails, the disk exists without
   * the run's tags. The retry takes that disk (the step noted which disk it asked for), tags it, restores nothing.
   */
  @Test
  void aDiskWhoseRestoreJobFinishedAfterTheStepFailedIsTakenOnTheRetryNotRestoredAgain() throws Exception {
    try (var ctx = ctx("r4")) {
      var in = new RestoreDiskFromRecoveryPoint.Input(Optional.empty(), "rp-b", "db1-data-r4");
      arm.inject(io.runbook.testkit.arm.Fault.resetAfterApplying("GET", "/backupJobs/", 4)); // 1 try + 3 retries
      StepFailure f = assertThrows(StepFailure.class, () -> new RestoreDiskFromRecoveryPoint().run(in, ctx));
      assertTrue(f.getMessage().contains("could not talk to Azure Resource Manager"), f.getMessage());
      String disk = arm.diskId(RG, "db1-data-r4");
      assertNotNull(arm.resource(disk), "the job finished: the disk exists");
      assertTrue(arm.resource(disk).path("tags").path("runbook-run").isMissingNode(), "without the run's tags");
      assertEquals(Reconciled.Status.NOT_DONE, new RestoreDiskFromRecoveryPoint().reconcile(in, ctx).status(),
          "after a crash there, not done until tagged: running the step again tags it");

      RestoreDiskFromRecoveryPoint.Output out = new RestoreDiskFromRecoveryPoint().run(in, ctx);
      assertEquals(Reconciled.Status.DONE, new RestoreDiskFromRecoveryPoint().reconcile(in, ctx).status());
      assertEquals(disk, out.diskId());
      assertEquals("r4", arm.resource(disk).path("tags").path("runbook-run").asText(), "tagged now");
      assertEquals(1, arm.requests("POST", "/backupInstances/db1-data-bi/restore$").size(), "not restored again");
      assertTrue(log.has("info:", "restored for an earlier attempt"), log.lines.toString());
    }
  }

  @Test
  void anUnknownRecoveryPointFailsListingTheOnesThereAre() throws Exception {
    try (var ctx = ctx("r3")) {
      StepFailure f = assertThrows(StepFailure.class, () -> new RestoreDiskFromRecoveryPoint().run(
          new RestoreDiskFromRecoveryPoint.Input(Optional.of("db1-data-bi"), "rp-x", "d"), ctx));
      assertTrue(f.getMessage().contains("no recovery point rp-x"), f.getMessage());
      assertTrue(f.getMessage().contains("rp-a (" + T + ")"), f.getMessage());
      assertEquals(0, arm.requests("POST", "/validateRestore$").size());
    }
  }

  @Test
  void aFailedValidationStopsBeforeTheRestore() throws Exception {
    arm.failNextOperation("UserErrorMissingRequiredPermissions",
        "The Backup vault's managed identity is missing Disk Restore Operator on the target resource group");
    try (var ctx = ctx("r4")) {
      StepFailure f = assertThrows(StepFailure.class, () -> new RestoreDiskFromRecoveryPoint().run(
          new RestoreDiskFromRecoveryPoint.Input(Optional.empty(), "rp-a", "db1-data-rp-a"), ctx));
      assertTrue(f.getMessage().contains("UserErrorMissingRequiredPermissions"), f.getMessage());
      assertTrue(f.getMessage().contains("validate restore"), f.getMessage());
      assertEquals(0, arm.requests("POST", "/backupInstances/db1-data-bi/restore$").size());
    }
  }

  @Test
  void anUnknownBackupInstanceFailsWithAzuresError() throws Exception {
    try (var ctx = ctx("r5")) {
      StepFailure f = assertThrows(StepFailure.class, () ->
          new ListRecoveryPoints().run(new ListRecoveryPoints.Input(Optional.of("nope")), ctx));
      assertTrue(f.getMessage().contains("HTTP 404 ResourceNotFound"), f.getMessage());
      assertTrue(f.getMessage().contains("backupInstances/nope"), f.getMessage());
    }
  }
}

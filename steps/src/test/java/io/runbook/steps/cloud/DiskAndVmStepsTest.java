package io.runbook.steps.cloud;

import static io.runbook.steps.cloud.EmulatedAzure.RG;
import static io.runbook.steps.cloud.EmulatedAzure.SNAP_RG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepContext.Mode;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.azure.AzureCloud;
import io.runbook.testkit.arm.ArmEmulator;
import io.runbook.testkit.arm.ArmEmulatorExtension;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** cloud.disk.*, cloud.vm.* against the ARM emulator through the real Azure SDK. */
class DiskAndVmStepsTest {
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


  StandaloneStepContext ctx(String runId, String host) {
    return EmulatedAzure.context(arm, cloud, runId, host, Mode.RUN, null, log);
  }

  JsonNode vmDisks(String vm) {
    return arm.resource(arm.vmId(RG, vm)).path("properties").path("storageProfile").path("dataDisks");
  }

  @Test
  void diskFromSnapshotLandsInTheVmsZoneWithTheInventorySkuAndTheRunTag() throws Exception {
    try (var ctx = ctx("r1", "db2")) {
      var in = new CreateDiskFromSnapshot.Input("db1-snap", "db2-data-r1", Optional.empty());
      CreateDiskFromSnapshot.Output out = new CreateDiskFromSnapshot().run(in, ctx);
      assertEquals(arm.diskId(RG, "db2-data-r1"), out.diskId());
      assertEquals("2", out.zone(), "zone of db2-vm");
      assertEquals("westeurope", out.location());
      assertEquals("PremiumV2_LRS", out.sku(), "SKU from the inventory's dataDisk");
      JsonNode disk = arm.resource(out.diskId());
      assertEquals("r1", disk.path("tags").path(RunTags.RUN).asText());
      assertEquals(arm.snapshotId(SNAP_RG, "db1-snap"), disk.path("properties").path("creationData").path("sourceResourceId").asText());
      assertEquals(Reconciled.Status.DONE, new CreateDiskFromSnapshot().reconcile(in, ctx).status());
      // a second run of the same step (retry/resume) makes nothing new
      assertEquals(out.diskId(), new CreateDiskFromSnapshot().run(in, ctx).diskId());
      assertEquals(1, arm.requests("PUT", "/disks/db2-data-r1$").size());
    }
    try (var other = ctx("r2", "db2")) {
      StepFailure f = assertThrows(StepFailure.class, () -> new CreateDiskFromSnapshot().run(
          new CreateDiskFromSnapshot.Input("db1-snap", "db2-data-r1", Optional.empty()), other));
      assertTrue(f.getMessage().contains("not made by this run"), f.getMessage());
    }
  }

  @Test
  void diskFromAMissingSnapshotFailsNamingIt() throws Exception {
    try (var ctx = ctx("r1", "db1")) {
      StepFailure f = assertThrows(StepFailure.class, () -> new CreateDiskFromSnapshot().run(
          new CreateDiskFromSnapshot.Input("nope", "x", Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("snapshot nope not found"), f.getMessage());
      assertEquals(Reconciled.Status.NOT_DONE, new CreateDiskFromSnapshot().reconcile(
          new CreateDiskFromSnapshot.Input("nope", "x", Optional.empty()), ctx).status());
    }
  }

  @Test
  void attachWithReplaceExistingSwapsTheDiskAtTheLunAndOutputsTheOldOne() throws Exception {
    arm.addDisk(RG, "db1-data-new", "westeurope", "1", 256);
    try (var ctx = ctx("r3", "db1")) {
      var in = new AttachDisk.Input("db1-data-new", 9, Optional.of(true));
      AttachDisk.Output out = new AttachDisk().run(in, ctx);
      assertEquals("db1-data", out.replacedDisk());
      assertEquals(arm.diskId(RG, "db1-data"), out.replacedDiskId());
      JsonNode disks = vmDisks("db1-vm");
      assertEquals(1, disks.size());
      assertEquals(9, disks.get(0).path("lun").asInt());
      assertEquals("None", disks.get(0).path("caching").asText());
      assertEquals(arm.diskId(RG, "db1-data-new"), disks.get(0).path("managedDisk").path("id").asText());
      assertTrue(arm.resource(arm.diskId(RG, "db1-data")).path("managedBy").isMissingNode(), "old disk is free");
      assertEquals(Reconciled.Status.DONE, new AttachDisk().reconcile(in, ctx).status());
      // again (a retry or a resume of the same step): nothing changes, and it still names the disk it replaced
      AttachDisk.Output again = new AttachDisk().run(in, ctx);
      assertEquals("db1-data", again.replacedDisk());
      assertEquals(arm.diskId(RG, "db1-data"), again.replacedDiskId());
      assertEquals("db1-data", new AttachDisk().reconcile(in, ctx).outputs().replacedDisk(), "after a crash too");
      assertEquals(2, arm.requests("POST", "/attachDetachDataDisks$").size(), "one detach + one attach");
    }
    try (var other = ctx("r3b", "db1")) {
      assertNull(new AttachDisk().run(new AttachDisk.Input("db1-data-new", 9, Optional.of(true)), other).replacedDisk(),
          "another run replaced nothing: the note of run r3 is not its own");
    }
  }

  /** The detach went through and the attach failed: the retry attaches, and names the disk the first attempt detached. */
  @Test
  void aSwapRetriedAfterItsAttachFailedStillNamesTheDiskItReplaced() throws Exception {
    arm.addDisk(RG, "db1-data-new", "westeurope", "1", 256);
    var in = new AttachDisk.Input("db1-data-new", 9, Optional.of(true));
    try (var ctx = ctx("r6", "db1")) {
      arm.onEffects(new io.runbook.testkit.arm.ArmEffects() {
        @Override public void detached(String vmId, String diskId, int lun) {
          arm.failNextOperation("InternalExecutionError", "attach failed"); // the attach that follows
        }
      });
      try {
        assertThrows(StepFailure.class, () -> new AttachDisk().run(in, ctx));
      } finally {
        arm.onEffects(io.runbook.testkit.arm.ArmEffects.NONE);
      }
      assertEquals(0, vmDisks("db1-vm").size(), "the first attempt left LUN 9 empty");
      AttachDisk.Output retried = new AttachDisk().run(in, ctx);
      assertEquals("db1-data", retried.replacedDisk());
      assertEquals(arm.diskId(RG, "db1-data"), retried.replacedDiskId());
      assertEquals(arm.diskId(RG, "db1-data-new"), vmDisks("db1-vm").get(0).path("managedDisk").path("id").asText());
    }
  }

  @Test
  void attachRefusesADiskAttachedToAnotherVm() throws Exception {
    try (var ctx = ctx("r4", "db1")) {
      StepFailure f = assertThrows(StepFailure.class, () ->
          new AttachDisk().run(new AttachDisk.Input("db2-data", 10, Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("is attached to another VM: " + arm.vmId(RG, "db2-vm")), f.getMessage());
      assertFalse(f.retryable());
      assertEquals(0, arm.requests("POST", "/attachDetachDataDisks$").size(), "refused before asking Azure");
      assertEquals(Reconciled.Status.NOT_DONE,
          new AttachDisk().reconcile(new AttachDisk.Input("db2-data", 10, Optional.empty()), ctx).status());
    }
  }

  @Test
  void attachRefusesADiskFromAnotherZone() throws Exception {
    arm.addDisk(RG, "zone2-disk", "westeurope", "2", 64);
    try (var ctx = ctx("r4", "db1")) {
      StepFailure f = assertThrows(StepFailure.class, () ->
          new AttachDisk().run(new AttachDisk.Input("zone2-disk", 10, Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("is in zone 2 but VM db1-vm is in zone 1"), f.getMessage());
      assertEquals(0, arm.requests("POST", "/attachDetachDataDisks$").size());
    }
  }

  @Test
  void attachRefusesAnOccupiedLunWithoutReplaceExisting() throws Exception {
    arm.addDisk(RG, "spare", "westeurope", "1", 64);
    try (var ctx = ctx("r5", "db1")) {
      StepFailure f = assertThrows(StepFailure.class, () ->
          new AttachDisk().run(new AttachDisk.Input("spare", 9, Optional.empty()), ctx));
      assertTrue(f.getMessage().contains("LUN 9 of VM db1-vm holds disk db1-data"), f.getMessage());
      assertTrue(f.hint().contains("replaceExisting"), f.hint());
    }
  }

  @Test
  void detachEmptiesTheLunAndIsIdempotent() throws Exception {
    try (var ctx = ctx("r6", "db1")) {
      DetachDisk.Output out = new DetachDisk().run(new DetachDisk.Input(9, Optional.empty()), ctx);
      assertEquals("db1-data", out.disk());
      assertEquals(0, vmDisks("db1-vm").size());
      DetachDisk.Output again = new DetachDisk().run(new DetachDisk.Input(9, Optional.empty()), ctx);
      assertNull(again.diskId());
      assertTrue(log.has("warn:", "already empty"));
      assertEquals(Reconciled.Status.DONE, new DetachDisk().reconcile(new DetachDisk.Input(9, Optional.empty()), ctx).status());
    }
  }

  /** A LUN says where, not which disk: with expectDisk another disk there is refused and nothing is detached. */
  @Test
  void detachWithExpectDiskRefusesAnotherDiskAtTheLunAndDetachesNothing() throws Exception {
    arm.addDisk(RG, "db1-donor", "westeurope", "1", 64);
    try (var ctx = ctx("r6", "db1")) {
      var in = new DetachDisk.Input(9, Optional.of("db1-donor"));
      StepFailure f = assertThrows(StepFailure.class, () -> new DetachDisk().run(in, ctx));
      assertTrue(f.getMessage().contains("LUN 9 of VM db1-vm holds disk db1-data, not the expected db1-donor"),
          f.getMessage());
      assertTrue(f.hint().contains("take it off by hand (stop what uses it, unmount it, then the portal or az vm disk detach)"), f.hint());
      assertFalse(f.retryable());
      // the same name in another resource group is another disk: an id compares whole
      String elsewhere = arm.diskId("rg-other", "db1-data");
      StepFailure byId = assertThrows(StepFailure.class, () ->
          new DetachDisk().run(new DetachDisk.Input(9, Optional.of(elsewhere)), ctx));
      assertTrue(byId.getMessage().contains("holds disk db1-data (" + arm.diskId(RG, "db1-data") + "), not the expected "
          + elsewhere), byId.getMessage());
      assertEquals(0, arm.requests("POST", "/attachDetachDataDisks$").size(), "refused before asking Azure");
      assertEquals("db1-data", vmDisks("db1-vm").get(0).path("name").asText());
      // a resume sees the wrong disk still there: not done, so the step runs (and refuses) again
      assertEquals(Reconciled.Status.NOT_DONE, new DetachDisk().reconcile(in, ctx).status());
    }
  }

  @Test
  void detachWithExpectDiskDetachesThatDiskByNameOrId() throws Exception {
    try (var ctx = ctx("r6", "db1")) {
      DetachDisk.Output out = new DetachDisk().run(new DetachDisk.Input(9, Optional.of("DB1-data")), ctx);
      assertEquals("db1-data", out.disk());
      assertEquals(0, vmDisks("db1-vm").size());
    }
    // Azure ids are case-insensitive, and the VM may report another casing than the id a step output
    try (var ctx = ctx("r7", "db2")) {
      String id = arm.diskId(RG, "db2-data").replace(RG, RG.toUpperCase());
      DetachDisk.Output out = new DetachDisk().run(new DetachDisk.Input(9, Optional.of(id)), ctx);
      assertEquals("db2-data", out.disk());
      assertEquals(0, vmDisks("db2-vm").size());
    }
  }

  @Test
  void detachPlanNamesTheExpectedDiskAndTheRefusal() throws Exception {
    try (var ctx = ctx("r6", "db1")) {
      String plan = text(new DetachDisk().plan(new DetachDisk.Input(9, Optional.of("db1-data")), ctx));
      assertTrue(plan.contains("refuses unless the disk at LUN 9 of VM db1-vm is db1-data (an empty LUN is fine"), plan);
      assertTrue(plan.contains("\"dataDisksToDetach\":[{\"diskId\":\"" + arm.diskId(RG, "db1-data") + "\"}]"), plan);
    }
  }

  /** Resume-safety: the detach happened before a crash, the LUN is empty; the expected disk does not change that. */
  @Test
  void detachWithExpectDiskOnAnEmptyLunStillSucceeds() throws Exception {
    try (var ctx = ctx("r6", "db1")) {
      var in = new DetachDisk.Input(9, Optional.of("db1-data"));
      new DetachDisk().run(in, ctx);
      assertEquals(Reconciled.Status.DONE, new DetachDisk().reconcile(in, ctx).status());
      DetachDisk.Output again = new DetachDisk().run(in, ctx);
      assertNull(again.disk());
      assertTrue(log.has("warn:", "already empty"));
      assertEquals(1, arm.requests("POST", "/attachDetachDataDisks$").size(), "one detach only");
    }
  }

  @Test
  void vmStatusStopDeallocateAndStart() throws Exception {
    try (var ctx = ctx("r7", "db1")) {
      VmStatus.Output s = new VmStatus().run(new VmStatus.Input(java.util.Optional.empty(), java.util.Optional.empty()), ctx);
      assertEquals("running", s.powerState());
      assertTrue(s.running());
      assertEquals("1", s.zone());
      assertEquals(List.of(new VmStatus.DataDisk(9, "db1-data", arm.diskId(RG, "db1-data"))), s.dataDisks());
      assertNull(s.lunDisk(), "no lun asked for");
      VmStatus.Output at9 = new VmStatus().run(new VmStatus.Input(Optional.of(9), java.util.Optional.empty()), ctx);
      assertEquals("db1-data", at9.lunDisk());
      assertEquals(arm.diskId(RG, "db1-data"), at9.lunDiskId());
      VmStatus.Output at10 = new VmStatus().run(new VmStatus.Input(Optional.of(10), java.util.Optional.empty()), ctx);
      assertNull(at10.lunDisk(), "nothing attached at LUN 10");
      assertNull(at10.lunDiskId());

      assertEquals("stopped", new StopVm().run(new StopVm.Input(Optional.empty()), ctx).powerState());
      assertEquals("deallocated", new StopVm().run(new StopVm.Input(Optional.of(true)), ctx).powerState());
      assertEquals(Reconciled.Status.DONE, new StopVm().reconcile(new StopVm.Input(Optional.of(true)), ctx).status());
      assertEquals(1, arm.requests("POST", "/deallocate$").size());
      assertEquals(Reconciled.Status.NOT_DONE, new StartVm().reconcile(new StartVm.Input(), ctx).status());
      assertEquals("running", new StartVm().run(new StartVm.Input(), ctx).powerState());
      assertTrue(log.has("progress:", "start VM db1-vm"), log.lines.toString());
      new StartVm().run(new StartVm.Input(), ctx);
      assertEquals(1, arm.requests("POST", "/start$").size(), "starting a running VM sends nothing");
    }
  }

  /** A part checks the LUN with vm.status before it changes anything; the failed step reads again on a resume. */
  @Test
  void vmStatusWithExpectDiskFailsOnAnotherDiskAndPassesTheRightOneOrAnEmptyLun() throws Exception {
    try (var ctx = ctx("r8", "db1")) {
      var wrong = new VmStatus.Input(Optional.of(9), Optional.of("db1-donor"));
      StepFailure f = assertThrows(StepFailure.class, () -> new VmStatus().run(wrong, ctx));
      assertTrue(f.getMessage().contains("LUN 9 of VM db1-vm holds disk db1-data, not the expected db1-donor; refused"
          + " before any change"), f.getMessage());
      assertFalse(f.retryable());
      assertTrue(text(new VmStatus().plan(wrong, ctx)).contains("fails unless the disk at LUN 9 of VM db1-vm is db1-donor"));
      var right = new VmStatus.Input(Optional.of(9), Optional.of(arm.diskId(RG, "db1-data")));
      assertEquals("db1-data", new VmStatus().run(right, ctx).lunDisk());
      new DetachDisk().run(new DetachDisk.Input(9, Optional.empty()), ctx);
      assertNull(new VmStatus().run(wrong, ctx).lunDisk(), "an empty LUN passes");
      StepFailure noLun = assertThrows(StepFailure.class, () ->
          new VmStatus().run(new VmStatus.Input(Optional.empty(), Optional.of("db1-data")), ctx));
      assertTrue(noLun.getMessage().contains("expectDisk needs lun"), noLun.getMessage());
    }
  }

  static String text(io.runbook.engine.spi.Plan plan) {
    return plan.actions().stream().map(a -> a.text()).reduce("", (x, y) -> x + "\n" + y);
  }

  @Test
  void deleteRefusesAttachedDisksAndDisksOfOtherRunsUnlessForced() throws Exception {
    arm.addDisk(RG, "leftover", "westeurope", "1", 64);
    try (var ctx = ctx("r8", null)) {
      StepFailure attached = assertThrows(StepFailure.class, () ->
          new DeleteDisk().run(new DeleteDisk.Input("db1-data", Optional.of(true)), ctx));
      assertTrue(attached.getMessage().contains("attached to " + arm.vmId(RG, "db1-vm")), attached.getMessage());

      StepFailure foreign = assertThrows(StepFailure.class, () ->
          new DeleteDisk().run(new DeleteDisk.Input("leftover", Optional.empty()), ctx));
      assertTrue(foreign.getMessage().contains("this run did not make it"), foreign.getMessage());
      assertTrue(foreign.hint().contains("force: true"));
      assertEquals(0, arm.requests("DELETE", "/disks/").size());

      DeleteDisk.Output out = new DeleteDisk().run(new DeleteDisk.Input("leftover", Optional.of(true)), ctx);
      assertTrue(out.deleted());
      assertNull(arm.resource(arm.diskId(RG, "leftover")));
      assertFalse(new DeleteDisk().run(new DeleteDisk.Input("leftover", Optional.empty()), ctx).deleted());
      assertEquals(Reconciled.Status.DONE,
          new DeleteDisk().reconcile(new DeleteDisk.Input("leftover", Optional.empty()), ctx).status());
    }
    try (var ctx = ctx("r9", "db1")) {
      var made = new CreateDiskFromSnapshot().run(new CreateDiskFromSnapshot.Input("db1-snap", "scratch-r9", Optional.empty()), ctx);
      assertTrue(new DeleteDisk().run(new DeleteDisk.Input(made.disk(), Optional.empty()), ctx).deleted(),
          "a disk this run made needs no force");
    }
  }

  /**
   * dr-pitr's leftoverDonor: cloud.disk.status reads which run and step made a disk, where it is attached and whether
   * the inventory names it; cloud.disk.delete with madeBy takes that run's step's disk and refuses any other.
   */
  @Test
  void diskStatusNamesTheRunAndStepThatMadeADiskAndDeleteWithMadeByTakesOnlyThatDisk() throws Exception {
    String made;
    try (var ctx = ctx("r10", "db1")) {
      made = new CreateDiskFromSnapshot().run(new CreateDiskFromSnapshot.Input("db1-snap", "db1-donor-r10", Optional.empty()),
          ctx.forStep("donor-disk", "db1")).disk();
    }
    try (var ctx = ctx("r11", null)) {
      DiskStatus.Output donor = new DiskStatus().run(new DiskStatus.Input(made), ctx);
      assertTrue(donor.exists());
      assertFalse(donor.attached());
      assertEquals("r10", donor.madeByRun());
      assertEquals("donor-disk", donor.madeByStep());
      assertNull(donor.inventoryUse());

      DiskStatus.Output data = new DiskStatus().run(new DiskStatus.Input("db1-data"), ctx);
      assertTrue(data.attached());
      assertEquals("db1-vm", data.attachedVm());
      assertEquals("db1 dataDisk", data.inventoryUse());
      assertNull(data.madeByRun());
      assertFalse(new DiskStatus().run(new DiskStatus.Input("no-such-disk"), ctx).exists());

      for (String wrong : List.of("r10/swap", "r9/donor-disk", "r10", "/donor-disk")) {
        StepFailure f = assertThrows(StepFailure.class, () ->
            new DeleteDisk().run(new DeleteDisk.Input(made, Optional.empty(), Optional.of(wrong)), ctx), wrong);
        assertTrue(f.getMessage().contains("it is not a disk " + wrong + " made (tag runbook-run is r10, runbook-step is donor-disk)"),
            f.getMessage());
      }
      assertEquals(0, arm.requests("DELETE", "/disks/").size());
      assertTrue(new DeleteDisk().run(new DeleteDisk.Input(made, Optional.empty(), Optional.of("r10/donor-disk")), ctx).deleted());
      assertNull(arm.resource(arm.diskId(RG, made)));
    }
  }
}

package io.runbook.steps.cloud;

import static io.runbook.steps.cloud.EmulatedAzure.RG;
import static io.runbook.steps.cloud.EmulatedAzure.SNAP_RG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext.Mode;
import io.runbook.steps.cloud.azure.AzureCloud;
import io.runbook.testkit.arm.ArmEmulator;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dry-run of the snapshot-restore door (find -> disk.from-snapshot -> attach) against the emulator: the READS step
 * really runs and picks the snapshot; the CHANGES steps only plan and predict, and the plan names the exact
 * resources that would be created and attached. Nothing but GETs reaches Azure.
 */
class SnapshotRestorePlanTest {
  static ArmEmulator arm;
  static AzureCloud cloud;

  @BeforeAll
  static void startEmulator() {
    arm = EmulatedAzure.start();
    cloud = EmulatedAzure.cloud(arm);
    EmulatedAzure.seedEstate(arm);
    arm.addSnapshot(SNAP_RG, "db1-data-mon", RG, "db1-data", Instant.parse("2026-11-23T02:00:00Z"));
    arm.addSnapshot(SNAP_RG, "db1-data-tue", RG, "db1-data", Instant.parse("2026-11-24T02:00:00Z"));
  }

  @AfterAll
  static void stopEmulator() { arm.close(); }

  @Test
  void planShowsTheExactDiskItWouldCreateAndAttach() throws Exception {
    try (StandaloneStepContext ctx = EmulatedAzure.context(arm, cloud, "run-0042", "db1", Mode.PLAN, null,
        new EmulatedAzure.RecordingLog())) {
      // 1. find: READS, so the planner really runs it
      FindSnapshot find = new FindSnapshot();
      assertEquals(Effect.READS, find.effect());
      FindSnapshot.Output picked = find.run(new FindSnapshot.Input(Optional.empty(),
          Optional.of(Instant.parse("2026-11-24T01:00:00Z")), Optional.empty(), Optional.empty(), Optional.empty()), ctx);
      assertEquals("db1-data-mon", picked.snapshot());

      // 2. disk.from-snapshot: CHANGES, planned and predicted only
      CreateDiskFromSnapshot fromSnapshot = new CreateDiskFromSnapshot();
      var diskIn = new CreateDiskFromSnapshot.Input(picked.snapshot(), "db1-data-run-0042", Optional.empty());
      Plan diskPlan = fromSnapshot.plan(diskIn, ctx);
      CreateDiskFromSnapshot.Output predicted = fromSnapshot.predict(diskIn, ctx);

      // 3. attach: CHANGES, against the predicted disk
      AttachDisk attach = new AttachDisk();
      Plan attachPlan = attach.plan(new AttachDisk.Input(predicted.disk(), 9, Optional.of(true)), ctx);

      String base = arm.endpoint() + "/subscriptions/" + arm.subscription() + "/resourceGroups/";
      String newDiskId = "/subscriptions/" + arm.subscription() + "/resourceGroups/" + RG
          + "/providers/Microsoft.Compute/disks/db1-data-run-0042";
      assertEquals(newDiskId, predicted.diskId());
      assertEquals(arm.snapshotId(SNAP_RG, "db1-data-mon"), predicted.snapshotId());

      String disk = text(diskPlan);
      assertTrue(disk.contains("PUT " + base + RG + "/providers/Microsoft.Compute/disks/db1-data-run-0042?api-version=2025-01-02"), disk);
      assertTrue(disk.contains("\"zones\":[\"1\"]"), disk);
      assertTrue(disk.contains("\"sku\":{\"name\":\"PremiumV2_LRS\"}"), disk);
      assertTrue(disk.contains("\"sourceResourceId\":\"" + arm.snapshotId(SNAP_RG, "db1-data-mon") + "\""), disk);
      assertTrue(disk.contains("\"runbook-run\":\"run-0042\""), disk);

      String att = text(attachPlan);
      String vmUrl = base + RG + "/providers/Microsoft.Compute/virtualMachines/db1-vm/attachDetachDataDisks?api-version=2025-04-01";
      assertTrue(att.contains("POST " + vmUrl + " {\"dataDisksToDetach\":[{\"diskId\":\"" + arm.diskId(RG, "db1-data") + "\"}]}"), att);
      assertTrue(att.contains("POST " + vmUrl + " {\"dataDisksToAttach\":[{\"diskId\":\"" + newDiskId
          + "\",\"lun\":9,\"caching\":\"None\"}]}"), att);

      System.out.println("dry-run plan:\n" + disk + "\n" + att);
    }
    assertEquals(List.of(), arm.unexpectedRequests());
    for (String method : List.of("PUT", "POST", "PATCH", "DELETE")) {
      assertEquals(0, arm.requests(method, ".").size(), method + " requests during a dry-run");
    }
  }

  private static String text(Plan plan) {
    return plan.actions().stream().map(a -> a.kind() + " " + a.target() + ": " + a.text()).collect(Collectors.joining("\n"));
  }
}

package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.testkit.arm.ArmEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The restored primary's data can carry a replication configuration; each DR runbook forgets every connection on it
 * (db.replica.stop, no drain) while it is still fenced or read-only: after the start (unfenced: right after the
 * read-only step), before `unfence` and `open`. DrSnapshotRestoreSandboxTest runs it; this checks the other plans.
 */
class ForgetCarriedReplicationPlanTest {
  static final Path DIR = Path.of("target", "forget-carried");
  static ArmEmulator arm;
  static Path inventory;

  @BeforeAll
  static void start() throws Exception {
    arm = ArmEmulator.start(Path.of("target", "arm-emulator-forget-carried"));
    EmulatedAzureProvider.emulator = arm;
    Files.createDirectories(DIR);
    Path password = DIR.resolve("db-password").toAbsolutePath();
    Files.writeString(password, "forget-carried-password\n");
    inventory = EmulatedAzureEstate.inventory(arm, DIR.resolve("inventory.yaml"));
    Files.writeString(inventory, Files.readString(inventory).replace("env:RUNBOOK_PLAN_TEST_UNSET_PASSWORD", "file:" + password));
    EmulatedAzureEstate.seed(arm);
  }

  @AfterAll
  static void stop() {
    if (arm != null) arm.close();
  }

  @Test
  void everyDrRunbookForgetsTheRestoredPrimarysReplicationBeforeItOpens() {
    for (String runbook : List.of("dr-snapshot-restore", "dr-backup-disk", "dr-pitr")) {
      for (boolean unfenced : List.of(false, true)) {
        List<String> params = new ArrayList<>(List.of("replicas=replica-1"));
        if (runbook.equals("dr-pitr")) params.add("target=2026-11-25T02:30:00Z");
        if (runbook.equals("dr-snapshot-restore")) params.add("at=2026-11-25T02:30:00Z");
        if (unfenced) params.add("unfenced=true");
        InProcessCli.Out plan = FenceCheckPlanTest.plan(inventory, runbook, params);
        String what = runbook + (unfenced ? " -p unfenced=true" : "") + ":\n" + plan.text();
        assertEquals(0, plan.exit(), what);
        List<String> steps = plan.text().lines().filter(l -> l.matches("\\s*\\d+\\. .*")).map(String::strip).toList();
        int forget = at(steps, "forget-replication  db.replica.stop  CHANGES  [would run]", what);
        String readOnly = runbook.equals("dr-pitr") ? "base-read-only" : "hold-writes";
        int held = at(steps, readOnly + "  db.read-only", what);
        assertTrue(at(steps, "start-primary  db.service.start", what) < held && held + 1 == forget,
            "right after the start and its read-only step: " + what);
        assertTrue(forget < at(steps, "unfence  db.service.unfence", what) && forget < at(steps, "open  db.read-only", what),
            "before unfence and open: " + what);
        int sqlAfter = plan.text().indexOf("forget-replication  db.replica.stop");
        assertTrue(plan.text().substring(sqlAfter).matches("(?s)[^\\n]*\\n\\s+.*STOP ALL REPLICAS\\n\\s+.*RESET REPLICA \\['name'] ALL.*"),
            "stopped at once (no drain), every connection reset: " + what);
      }
    }
  }

  /** The index of the plan line of a top-level step (its line reads "N. id  type ..."). */
  private static int at(List<String> steps, String prefix, String what) {
    for (int i = 0; i < steps.size(); i++) if (steps.get(i).replaceFirst("^\\d+\\. ", "").startsWith(prefix)) return i;
    throw new AssertionError("no step " + prefix + " in the plan of " + what);
  }
}

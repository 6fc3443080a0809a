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
 * The DR runbooks boot the restored server fenced, which needs a fence file its service reads. A compose service
 * without {@code service.fenceFile} must be refused before any change (the plan's precondition, exit 3, naming the
 * host and both ways out), not when the restored server starts half-way through; {@code -p unfenced=true} goes on
 * and sets read_only right after the start instead.
 */
class FenceCheckPlanTest {
  static final Path DIR = Path.of("target", "fence-check");
  static ArmEmulator arm;
  static Path inventory;
  /** Only replica-1 without a fence file: the primary (and dr-pitr's scratch host) can boot fenced. */
  static Path replicaInventory;

  @BeforeAll
  static void start() throws Exception {
    arm = ArmEmulator.start(Path.of("target", "arm-emulator-fence"));
    EmulatedAzureProvider.emulator = arm;
    Files.createDirectories(DIR);
    Path password = DIR.resolve("db-password").toAbsolutePath();
    Files.writeString(password, "fence-check-password\n");
    inventory = EmulatedAzureEstate.inventory(arm, DIR.resolve("inventory.yaml"));
    String text = Files.readString(inventory).replace("env:RUNBOOK_PLAN_TEST_UNSET_PASSWORD", "file:" + password);
    String unfenced = text.replaceAll(", fenceFile: [^ }]+", "");
    assertTrue(text.contains("fenceFile") && !unfenced.contains("fenceFile: /"), "the example inventory sets fenceFile");
    Files.writeString(inventory, unfenced);
    int from = text.indexOf("\n  replica-1:\n");
    int to = text.indexOf("\n  scratch:\n");
    assertTrue(from > 0 && to > from, "replica-1's block, then scratch's, in the example inventory");
    replicaInventory = DIR.resolve("inventory-replica.yaml");
    Files.writeString(replicaInventory, text.substring(0, from)
        + text.substring(from, to).replaceAll(", fenceFile: [^ }]+", "") + text.substring(to));
    EmulatedAzureEstate.seed(arm);
  }

  @AfterAll
  static void stop() {
    if (arm != null) arm.close();
  }

  @Test
  void aComposeServiceWithoutAFenceFileIsRefusedBeforeAnyChangeUnlessUnfenced() {
    for (String runbook : List.of("dr-snapshot-restore", "dr-backup-disk", "dr-pitr")) {
      List<String> params = new ArrayList<>(List.of("replicas=replica-1"));
      if (runbook.equals("dr-pitr")) params.add("target=2026-11-25T02:30:00Z");
      if (runbook.equals("dr-snapshot-restore")) params.add("at=2026-11-25T02:30:00Z");
      InProcessCli.Out refused = plan(runbook, params);
      assertEquals(3, refused.exit(), runbook + ":\n" + refused.text());
      assertTrue(refused.text().matches("(?s).*fence-check/check .*BLOCKED.*primary has no service\\.fenceFile in the inventory"
          + " \\(service kind compose has no\\s+default\\).*-p unfenced=true.*"), runbook + ":\n" + refused.text());

      params.add("unfenced=true");
      InProcessCli.Out unfenced = plan(runbook, params);
      assertEquals(0, unfenced.exit(), runbook + ":\n" + unfenced.text());
      String readOnly = runbook.equals("dr-pitr") ? "base-read-only" : "hold-writes";
      assertTrue(unfenced.text().matches("(?s).*\\d+\\. " + readOnly + "  db\\.read-only  CHANGES  \\[would run].*"),
          runbook + ":\n" + unfenced.text());
    }
  }

  /**
   * The replicas rebuilt from the restored data boot fenced too (a copied datadir may carry a replication configuration
   * that would start at boot), so a replica whose service has no fence file is refused the same way, before any
   * change, at its own check; -p unfenced=true starts it unfenced and sets read_only right after it answers.
   */
  @Test
  void aReplicaWithoutAFenceFileIsRefusedBeforeAnyChangeUnlessUnfenced() {
    for (String runbook : List.of("dr-snapshot-restore", "dr-backup-disk", "dr-pitr")) {
      List<String> params = new ArrayList<>(List.of("replicas=replica-1"));
      if (runbook.equals("dr-pitr")) params.add("target=2026-11-25T02:30:00Z");
      if (runbook.equals("dr-snapshot-restore")) params.add("at=2026-11-25T02:30:00Z");
      InProcessCli.Out refused = plan(replicaInventory, runbook, params);
      assertEquals(3, refused.exit(), runbook + ":\n" + refused.text());
      assertTrue(refused.text().matches("(?s).*replica-fence-check\\[0]/check .*BLOCKED.*replica-1 has no service\\.fenceFile in"
          + " the inventory \\(service kind compose has no\\s+default\\), so the rebuilt replica server cannot boot"
          + "\\s+fenced.*-p unfenced=true.*"), runbook + ":\n" + refused.text());
      assertTrue(refused.text().lines().anyMatch(l -> l.matches("\\s*\\d+\\. fence-check/check .*\\[ran \\(read only\\)]")),
          "the primary can boot fenced:\n" + refused.text());

      params.add("unfenced=true");
      InProcessCli.Out unfenced = plan(replicaInventory, runbook, params);
      assertEquals(0, unfenced.exit(), runbook + ":\n" + unfenced.text());
      assertTrue(unfenced.text().matches("(?s).*rebuild\\[0]/replica-read-only  db\\.read-only  CHANGES  \\[would run].*"),
          runbook + ":\n" + unfenced.text());
    }
  }

  static InProcessCli.Out plan(String name, List<String> params) {
    return plan(inventory, name, params);
  }

  static InProcessCli.Out plan(Path inventory, String name, List<String> params) {
    List<String> args = new ArrayList<>(List.of("--state-dir", DIR.resolve("state").toString(), "plan", name + ".yaml",
        "-i", inventory.toString()));
    for (String p : params) {
      args.add("-p");
      args.add(p);
    }
    return InProcessCli.run(args);
  }
}

package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.plan.PlanDocument;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.runbooks.EmulatedAzureEstate;
import io.runbook.testkit.arm.ArmEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dry-run plan of every shipped runbook against the example Azure inventory, with the ARM emulator standing in
 * for Azure (READS cloud calls really run against it; nothing else reaches it): golden files of the text plan, which
 * name the exact disks and snapshots it would create and attach and the commands and SQL per host. The hosts'
 * ssh and database addresses point at a closed local port, so the READS steps that need them fail fast and say so.
 * Regenerate with {@code -Dgolden.update=true} and review the diff.
 */
class ShippedRunbookAzurePlansTest {
  static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  static final String RUN_ID = "20261125-031500-a2b4";
  static final Instant AT = Instant.parse("2026-11-25T03:15:00Z");
  static ArmEmulator arm;
  static Path inventoryFile;

  @BeforeAll
  static void emulatedAzure() throws Exception {
    arm = ArmEmulator.start(Path.of("target", "arm-emulator"));
    EmulatedAzureEstate.seed(arm);
    io.runbook.runbooks.EmulatedAzureProvider.emulator = arm;
    inventoryFile = EmulatedAzureEstate.inventory(arm, Path.of("target", "azure-emulated-inventory.yaml"));
  }

  @AfterAll
  static void stop() {
    io.runbook.runbooks.EmulatedAzureProvider.emulator = null;
    arm.close();
  }

  static Stream<Arguments> runbooks() {
    return Stream.of(
        Arguments.of("dr-snapshot-restore", Map.of("at", "2026-11-25T02:30:00Z", "replicas", "replica-1")),
        Arguments.of("dr-pitr", Map.of("target", "2026-11-25T02:30:00Z", "replicas", "replica-1")),
        Arguments.of("dr-backup-disk", Map.of("replicas", "replica-1")),
        Arguments.of("planned-shutdown", Map.of("replicas", "replica-1")),
        Arguments.of("planned-startup", Map.of("replicas", "replica-1")),
        Arguments.of("backup-disk-refresh", Map.of("dbPassword", "env:MARIADB_BACKUP_PASSWORD", "sudo", "true")));
  }

  @ParameterizedTest
  @MethodSource("runbooks")
  void planAgainstAzureMatchesTheGoldenFile(String name, Map<String, String> given) throws Exception {
    StepRegistry registry = StepRegistry.load(Main.class.getClassLoader());
    Inventory inventory = InventoryLoader.load(inventoryFile);
    Runbook rb = RunbookLoader.load(Path.of(name + ".yaml"), registry, Optional.of(inventory));
    Map<String, String> params = new LinkedHashMap<>(given);
    Map<String, Object> bound = ParamBinder.bind(rb, params, Optional.empty(), inventory, AT);
    RunbookArgs.Loaded loaded = new RunbookArgs.Loaded(rb, Optional.of(inventoryFile), inventory, bound, params);
    PlanDocument plan = PlanCommand.make(loaded, registry, false, RUN_ID, AT, new PrintWriter(new StringWriter()));
    String text = normalise(PlanCommand.render(plan, PlanCommand.Format.text, registry, loaded));

    assertEquals(List.of(), arm.unexpectedRequests(), "only requests the emulator knows");
    assertEquals(0, arm.requests("PUT", ".*").size() + arm.requests("POST", ".*").size() + arm.requests("DELETE", ".*").size()
        + arm.requests("PATCH", ".*").size(), "a plan changes nothing in Azure");
    switch (name) {
      case "dr-snapshot-restore" -> {
        assertTrue(text.contains("vm-db-1-data-0200"), "the snapshot at or before 02:30 is picked:\n" + text);
        assertTrue(text.contains("disks/primary-data-" + RUN_ID), "the disk it would create is named:\n" + text);
        assertTrue(text.contains("disks/replica-1-data-" + RUN_ID), "the replica's disk too:\n" + text);
      }
      case "dr-pitr" -> {
        assertTrue(text.contains("vm-db-1-data-0200") && text.contains("vm-db-1-data-0300"), "T0 and T1:\n" + text);
        assertTrue(text.contains("disks/scratch-donor-" + RUN_ID), "the donor disk:\n" + text);
      }
      case "dr-backup-disk" -> assertTrue(text.contains("rp-20261125"), "the newest recovery point:\n" + text);
      case "planned-shutdown" -> assertTrue(text.contains("SHUTDOWN WAIT FOR ALL REPLICAS"), text);
      case "planned-startup" -> assertTrue(text.contains("SET GLOBAL read_only"), text);
      case "backup-disk-refresh" -> assertTrue(text.contains("mariadb-backup --backup"), text);
      default -> throw new IllegalArgumentException(name);
    }
    golden(GOLDEN.resolve(name + ".azure.plan.txt"), text);
  }

  /** Replaces what differs between machines and runs: the emulator's address (and so the inventory's hash), folders, times. */
  static String normalise(String text) {
    return text.replace(arm.endpoint(), "https://management.azure.emulated")
        .replace(Path.of("").toAbsolutePath().toString(), "<module>")
        .replace(System.getProperty("user.home"), "~")
        .replaceAll("azure-emulated-inventory\\.yaml \\(sha256 [0-9a-f]{64}\\)", "azure-emulated-inventory.yaml (sha256 <holds the emulator's port>)")
        .replaceAll("\\b1\\d{12}\\b", "<epoch-ms>")
        .replaceAll("Phases \\(s\\):[^.]*\\.", "Phases (s): <measured>.")
        .replaceAll("in \\d+ s", "in <s> s");
  }

  static void golden(Path file, String actual) throws Exception {
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, actual);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file) : "";
    assertEquals(expected, actual, file + " is stale; regenerate with -Dgolden.update=true and review the diff");
  }
}

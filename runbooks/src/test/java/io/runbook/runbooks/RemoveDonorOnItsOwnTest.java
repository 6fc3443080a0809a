package io.runbook.runbooks;

import static io.runbook.runbooks.EmulatedAzureEstate.RG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.journal.JournalReader;
import io.runbook.engine.journal.JournalRecord;
import io.runbook.testkit.arm.ArmEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * parts/remove-donor run on its own (through the CLI, in process, the Azure provider against the ARM emulator) with
 * another disk at the LUN it is given: it refuses before any change, naming both disks, instead of stopping,
 * unmounting and detaching that disk. The hosts are unreachable here (see {@link EmulatedAzureEstate#inventory}), so a
 * run that gets past the check shows it by starting the server stop.
 */
class RemoveDonorOnItsOwnTest {
  static final Path PART = Path.of("parts", "remove-donor.yaml").toAbsolutePath();
  static final String DONOR = "vm-db-scratch-donor-r1";
  static final Pattern STACK_LINE = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception in thread|^Caused by: ");
  static ArmEmulator arm;
  static Path inventory;
  Path state;

  @BeforeAll
  static void start() throws Exception {
    arm = ArmEmulator.start(Path.of("target", "arm-emulator"));
    EmulatedAzureProvider.emulator = arm;
    inventory = EmulatedAzureEstate.inventory(arm, Path.of("target", "remove-donor", "inventory.yaml"));
    // A run reads the inventory's secrets before its first step: a password that resolves (MariaDB stays unreachable).
    Path password = Files.writeString(Path.of("target", "remove-donor", "db-password").toAbsolutePath(), "Zq8v4f9c2e7a1b\n");
    Files.writeString(inventory, Files.readString(inventory)
        .replace("env:RUNBOOK_PLAN_TEST_UNSET_PASSWORD", "file:" + password));
  }

  @AfterAll
  static void stop() {
    EmulatedAzureProvider.emulator = null;
    arm.close();
  }

  @BeforeEach
  void fresh(TestInfo test) throws IOException {
    arm.reset();
    EmulatedAzureEstate.seed(arm);
    arm.addDisk(RG, DONOR, "westeurope", "1", 1024);
    state = Path.of("target", "remove-donor", test.getTestMethod().orElseThrow().getName()).toAbsolutePath();
    if (Files.exists(state)) {
      try (Stream<Path> s = Files.walk(state)) {
        s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void anotherDiskAtTheLunIsRefusedBeforeAnyChangeAndAResumeReadsTheLunAgain() throws Exception {
    arm.addDisk(RG, "vm-db-scratch-tools", "westeurope", "1", 64);
    arm.attach(RG, "vm-db-scratch", "vm-db-scratch-tools", 9);

    InProcessCli.Out o = removeDonor(DONOR);

    assertEquals(1, o.exit(), o.text());
    assertTrue(o.text().contains("step at-lun: LUN 9 of VM vm-db-scratch holds disk vm-db-scratch-tools, not the expected "
        + DONOR + "; refused before any change"), o.text());
    assertFalse(STACK_LINE.matcher(o.text()).find(), "no stack trace on the console:\n" + o.text());
    assertEquals(List.of("at-lun"), started(), "only the VM was read: no server stopped, nothing unmounted or detached");
    assertEquals(0, arm.requests("POST", "/attachDetachDataDisks$").size(), "nothing detached");
    assertEquals(0, arm.requests("DELETE", ".").size(), "nothing deleted");
    assertEquals("vm-db-scratch-tools", arm.resource(arm.vmId(RG, "vm-db-scratch"))
        .path("properties").path("storageProfile").path("dataDisks").get(0).path("name").asText());

    // the operator takes that disk off by hand and resumes: the check reads the VM again (not the journaled read)
    arm.detach(RG, "vm-db-scratch", 9);
    InProcessCli.Out resumed = InProcessCli.runShown(List.of("--state-dir", state.toString(), "resume", runId(), "--yes"));
    assertFalse(resumed.text().contains("not the expected"), resumed.text());
    assertEquals(List.of("at-lun", "at-lun", "stop"), started(), "read again, then on:\n" + resumed.text());
  }

  /** dr-pitr passes the donor's id: the check compares the disk at the LUN by name, and goes on to stop its server. */
  @Test
  void theDonorAtTheLunGoesOnByNameOrId() throws Exception {
    arm.attach(RG, "vm-db-scratch", DONOR, 9);
    for (String disk : List.of(DONOR, arm.diskId(RG, DONOR))) {
      InProcessCli.Out o = removeDonor(disk);
      assertFalse(o.text().contains("not the expected"), o.text());
      assertEquals(List.of("at-lun", "stop"), started(), "the check read the LUN and let it through:\n" + o.text());
      deleteRuns();
    }
  }

  /** A resumed run whose detach happened finds the LUN empty: still no refusal. */
  @Test
  void anEmptyLunGoesOn() throws Exception {
    InProcessCli.Out o = removeDonor(DONOR);
    assertFalse(o.text().contains("not the expected"), o.text());
    assertEquals(List.of("at-lun", "stop"), started(), "the check read the LUN and let it through:\n" + o.text());
  }

  InProcessCli.Out removeDonor(String disk) {
    List<String> args = new ArrayList<>(List.of("--state-dir", state.toString(), "run", PART.toString(),
        "-i", inventory.toString(), "--yes", "-p", "host=scratch", "-p", "disk=" + disk, "-p", "lun=9"));
    return InProcessCli.runShown(args);
  }

  /** The one run in the state folder. */
  String runId() throws IOException {
    try (Stream<Path> runs = Files.list(state.resolve("runs"))) {
      List<Path> all = runs.toList();
      assertEquals(1, all.size(), "one run: " + all);
      return all.get(0).getFileName().toString();
    }
  }

  /** The steps that run started (over its attempts), in order. */
  List<String> started() throws IOException {
    return JournalReader.read(state.resolve("runs").resolve(runId()).resolve("journal.jsonl")).records().stream()
        .filter(j -> JournalRecord.STEP_STARTED.equals(j.type())).map(JournalRecord::step).toList();
  }

  void deleteRuns() throws IOException {
    try (Stream<Path> s = Files.walk(state)) {
      s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }
}

package io.runbook.runbooks;

import static io.runbook.runbooks.EmulatedAzureEstate.RG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.runbook.testkit.arm.ArmEmulator;
import io.runbook.testkit.arm.Fault;
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
 * Cloud faults on Azure-provider runs: the cloud steps of the shipped runbooks (azure-faults/cloud-restore.yaml:
 * dr-snapshot-restore's pick, new disk and swap, dr-pitr's donor disk, attach, detach and delete) run for real
 * through the CLI (in process) and the production Azure provider against the ARM emulator, with faults injected.
 * Each either is retried within the bound (the request journal shows the attempts) or ends the run with exit 1 and
 * a message naming the call, the resource and Azure's answer; then {@code resume}, after the fault is gone, finishes
 * the run and the emulator shows every disk created exactly once.
 */
class AzureRunFaultsTest {
  static final Path RUNBOOK = Path.of("src", "test", "resources", "azure-faults", "cloud-restore.yaml").toAbsolutePath();
  static final Pattern STACK_LINE = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception in thread|^Caused by: ");
  static final String DISK_PUT = "/disks/[^/]+$";
  static final String ATTACH = "/attachDetachDataDisks$";
  static ArmEmulator arm;
  static Path inventory;
  Path state;

  record Out(int exit, String text) {}

  @BeforeAll
  static void start() throws Exception {
    arm = ArmEmulator.start(Path.of("target", "arm-emulator"));
    EmulatedAzureProvider.emulator = arm;
    inventory = EmulatedAzureEstate.inventory(arm, Path.of("target", "run-faults", "inventory.yaml"));
    // A run reads the inventory's secrets before its first step: a password that resolves (MariaDB stays unreachable).
    Path password = Files.writeString(Path.of("target", "run-faults", "db-password").toAbsolutePath(), "Zq8v4f9c2e7a1b\n");
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
    state = Path.of("target", "run-faults", test.getTestMethod().orElseThrow().getName()).toAbsolutePath();
    if (Files.exists(state)) {
      try (Stream<Path> s = Files.walk(state)) {
        s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aFaultFreeRunMakesEachDiskOnce() throws Exception {
    Out o = cli("run", RUNBOOK.toString(), "-i", inventory.toString(), "--yes", "-p", "at=2026-11-25T02:30:00Z");
    assertEquals(0, o.exit(), o.text());
    assertEstateAfterTheRun(runId());
    assertEquals(2, arm.requests("PUT", DISK_PUT).size(), "one PUT per disk");
    assertEquals(4, arm.requests("POST", ATTACH).size(), "the swap's detach and attach, the donor's attach and detach");
  }

  @Test
  void anOperationThatEndsFailedStopsTheRunAndResumeMakesTheSameDiskAgain() throws Exception {
    arm.failNextOperation("InternalDiskManagementError", "An internal error occurred while copying the snapshot");
    Out o = cli("run", RUNBOOK.toString(), "-i", inventory.toString(), "--yes", "-p", "at=2026-11-25T02:30:00Z");
    String run = runId();
    assertEquals(1, o.exit(), "a step failed:\n" + o.text());
    assertClean(o);
    assertTrue(o.text().contains("create disk primary-data-" + run + " ended FAILED"), o.text());
    assertTrue(o.text().contains("InternalDiskManagementError"), o.text());
    assertTrue(o.text().contains(arm.diskId(RG, "primary-data-" + run)), o.text());
    assertTrue(o.text().contains("runbook resume " + run), "says how to go on:\n" + o.text());
    assertEquals("Failed", disk("primary-data-" + run).path("properties").path("provisioningState").asText());
    assertEquals(List.of("new-disk"), failedSteps(run));

    Out r = cli("resume", run, "--yes");
    assertEquals(0, r.exit(), r.text());
    assertTrue(r.text().contains("is Failed; making it again"), r.text());
    assertEstateAfterTheRun(run);
    assertEquals(3, arm.requests("PUT", DISK_PUT).size(), "the failed disk PUT once more, the donor once");
  }

  @Test
  void aBurstOf5xxMidRunIsRetriedWithinTheBound() throws Exception {
    arm.inject(Fault.status("POST", ATTACH, 1, 500));
    arm.inject(Fault.status("POST", ATTACH, 2, 503));
    Out o = cli("run", RUNBOOK.toString(), "-i", inventory.toString(), "--yes", "-p", "at=2026-11-25T02:30:00Z");
    assertEquals(0, o.exit(), o.text());
    assertEstateAfterTheRun(runId());
    assertEquals(4 + 3, arm.requests("POST", ATTACH).size(), "the swap's detach tried 4 times, the other 3 calls once");
  }

  @Test
  void a5xxBurstBeyondTheBoundStopsTheRunAndResumeDoesNotMakeTheDiskAgain() throws Exception {
    arm.inject(Fault.status("POST", ATTACH, 4, 503));
    Out o = cli("run", RUNBOOK.toString(), "-i", inventory.toString(), "--yes", "-p", "at=2026-11-25T02:30:00Z");
    String run = runId();
    assertEquals(1, o.exit(), o.text());
    assertClean(o);
    assertEquals(4, arm.requests("POST", ATTACH).size(), "the swap's detach: 1 try + 3 retries, then the step failed");
    assertTrue(o.text().contains("HTTP 503 ServiceUnavailable"), o.text());
    assertTrue(o.text().contains(arm.vmId(RG, "vm-db-1")), o.text());
    assertTrue(o.text().contains("retry the step"), o.text());
    assertEquals(List.of("swap"), failedSteps(run));

    Out r = cli("resume", run, "--yes");
    assertEquals(0, r.exit(), r.text());
    assertEstateAfterTheRun(run);
    assertEquals(2, arm.requests("PUT", DISK_PUT).size(), "new-disk finished before the fault: not run again");
  }

  @Test
  void aConnectionResetAfterThePutTookEffectIsRetriedAndMakesOneDisk() throws Exception {
    arm.inject(Fault.resetAfterApplying("PUT", "/disks/primary-data-[^/]+$", 1));
    Out o = cli("run", RUNBOOK.toString(), "-i", inventory.toString(), "--yes", "-p", "at=2026-11-25T02:30:00Z");
    assertEquals(0, o.exit(), o.text());
    assertEstateAfterTheRun(runId());
    assertEquals(2, arm.requests("PUT", "/disks/primary-data-[^/]+$").size(), "the PUT was sent again");
  }

  @Test
  void resetsDuringThePutBeyondTheBoundStopTheRunAndResumeFindsTheDisk() throws Exception {
    arm.inject(Fault.resetAfterApplying("PUT", "/disks/primary-data-[^/]+$", 4));
    Out o = cli("run", RUNBOOK.toString(), "-i", inventory.toString(), "--yes", "-p", "at=2026-11-25T02:30:00Z");
    String run = runId();
    assertEquals(1, o.exit(), o.text());
    assertClean(o);
    assertTrue(o.text().contains("create disk primary-data-" + run + " failed on " + arm.diskId(RG, "primary-data-" + run)
        + ": could not talk to Azure Resource Manager"), o.text());
    assertEquals(List.of("new-disk"), failedSteps(run));
    assertEquals(1, arm.creations().size(), "the disk exists though the step failed: " + arm.creations());

    arm.finishOperations(); // what Azure did while the operator looked at the failure
    Out r = cli("resume", run, "--yes");
    assertEquals(0, r.exit(), r.text());
    assertTrue(r.text().contains("was already made by this run; not making another"), r.text());
    assertEstateAfterTheRun(run);
    assertEquals(4 + 1, arm.requests("PUT", DISK_PUT).size(), "4 reset PUTs of the primary disk, none on resume, the donor's");
  }

  // ---- checks

  /** The run's end state: one new disk at the primary's LUN 9, the old one kept, the donor made once and deleted. */
  void assertEstateAfterTheRun(String run) {
    String newDisk = arm.diskId(RG, "primary-data-" + run);
    String donor = arm.diskId(RG, "scratch-donor-" + run);
    assertEquals(List.of(newDisk.toLowerCase(), donor.toLowerCase()),
        arm.creations().stream().map(String::toLowerCase).toList(), "each disk created exactly once");
    JsonNode vm = arm.resource(arm.vmId(RG, "vm-db-1"));
    List<String> lun9 = new ArrayList<>();
    vm.path("properties").path("storageProfile").path("dataDisks").forEach(d -> {
      if (d.path("lun").asInt() == 9) lun9.add(d.path("managedDisk").path("id").asText());
    });
    assertEquals(List.of(newDisk), lun9, "the new disk, alone, at LUN 9");
    assertEquals("Succeeded", disk("primary-data-" + run).path("properties").path("provisioningState").asText());
    assertEquals("Unattached", disk("vm-db-1-data").path("properties").path("diskState").asText(), "old disk kept");
    assertNull(arm.resource(donor), "the donor is deleted");
    assertEquals(0, arm.resource(arm.vmId(RG, "vm-db-scratch")).path("properties").path("storageProfile")
        .path("dataDisks").size(), "the scratch VM is left without disks");
    assertEquals(List.of(), arm.unexpectedRequests());
  }

  static void assertClean(Out o) {
    assertFalse(STACK_LINE.matcher(o.text()).find(), "no stack trace on the console:\n" + o.text());
  }

  JsonNode disk(String name) { return arm.resource(arm.diskId(RG, name)); }

  // ---- the CLI and its state folder

  Out cli(String... args) {
    List<String> all = new ArrayList<>(List.of("--state-dir", state.toString()));
    all.addAll(List.of(args));
    InProcessCli.Out out = InProcessCli.runShown(all);
    return new Out(out.exit(), out.text());
  }

  String runId() throws IOException {
    try (Stream<Path> runs = Files.list(state.resolve("runs"))) {
      List<Path> all = runs.sorted().toList();
      assertEquals(1, all.size(), "one run: " + all);
      return all.get(0).getFileName().toString();
    }
  }

  List<String> failedSteps(String run) throws IOException {
    List<String> failed = new ArrayList<>();
    for (String line : Files.readAllLines(state.resolve("runs").resolve(run).resolve("journal.jsonl"))) {
      JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
      if (n.path("type").asText().equals("step-failed")) failed.add(n.path("step").asText());
    }
    return failed;
  }
}

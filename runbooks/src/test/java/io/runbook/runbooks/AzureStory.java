package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runbook.engine.spi.StepLog;
import io.runbook.runbooks.CrashSweep.Entry;
import io.runbook.testkit.arm.ArmEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One shipped runbook (or two in a row: planned-shutdown, planned-startup) on the Azure-backed sandbox
 * ({@link SandboxAzureEstate}): a fresh sandbox estate with the data setup of the runbook's sandbox test, the emulator
 * seeded from it, the CLI run in process against the Azure inventory; and the checks that its end state is the one
 * the same runbooks reach on the sandbox provider.
 */
final class AzureStory implements AutoCloseable {
  static final Pattern STACK_LINE = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception in thread|^Caused by: ");
  /** The sandbox estate every story copies (built once per test class). */
  static final String ESTATE = "azure-runs";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A runbook run of a flow: its file name and its -p values (the first run's come from the setup). */
  record Run(String runbook, List<String> params) {}

  /** What a flow does: the setup (returns the first run's -p values) and the runs after the first. */
  record Flow(String name, String first, CrashSweep.Setup setup, List<Run> then) {
    @Override public String toString() { return name; }
  }

  /** What the flow leaves on the sandbox provider: the end state and how each step of each run ended. */
  record Expected(EndState end, List<Map<String, String>> outcomes) {}

  /** What one CLI invocation printed and returned. */
  record Out(int exit, String text) {}

  // ---- the flows

  static final Flow SNAPSHOT_RESTORE = new Flow("dr-snapshot-restore", "dr-snapshot-restore",
      CrashScenarios.SNAPSHOT_RESTORE.setup(), List.of());

  static final Flow PITR = new Flow("dr-pitr", "dr-pitr", CrashScenarios.PITR.setup(), List.of());

  /** dr-backup-disk from the newest Backup Vault recovery point of the backup disk, taken after backup-disk-refresh. */
  static final Flow BACKUP_DISK = new Flow("dr-backup-disk", "dr-backup-disk", d -> {
    CrashScenarios.BACKUP_DISK.setup().prepare(d);
    var cloud = d.estate.cloud();
    cloud.backUp("primary-backup", cloud.findDisk("primary-backup").orElseThrow(), StepLog.NONE);
    return List.of("replicas=replica-1");
  }, List.of());

  /** dr-backup-disk from the newest snapshot of the backup disk (backup-disk-refresh takes one): no vault involved. */
  static final Flow BACKUP_DISK_FROM_SNAPSHOT = new Flow("dr-backup-disk fromSnapshot", "dr-backup-disk",
      CrashScenarios.BACKUP_DISK.setup(), List.of());

  /** planned-shutdown with the VM powered off, then planned-startup (which starts the VM again). */
  static final Flow PLANNED = new Flow("planned-shutdown+startup", "planned-shutdown", d -> {
    d.sql("primary",
        "CREATE DATABASE drill",
        "CREATE TABLE drill.ledger (id INT PRIMARY KEY, amount INT NOT NULL)",
        "INSERT INTO drill.ledger SELECT seq, seq FROM drill.seq_1_to_500");
    d.awaitCaughtUp("replica-1", "primary");
    return List.of("replicas=replica-1", "drainTimeout=20s", "stopVm=true");
  }, List.of(new Run("planned-startup", List.of("replicas=replica-1"))));

  static final List<Flow> ALL = List.of(SNAPSHOT_RESTORE, PITR, BACKUP_DISK, BACKUP_DISK_FROM_SNAPSHOT, PLANNED);

  private static final Map<String, Expected> EXPECTED = new HashMap<>();

  /** The flow on the sandbox provider (once per flow and JVM): what the Azure runs must end in. */
  static synchronized Expected onSandbox(Flow f) throws Exception {
    Expected e = EXPECTED.get(f.name());
    if (e != null) return e;
    try (SandboxDrill d = SandboxDrill.fresh(ESTATE, 1)) {
      List<Run> runs = new ArrayList<>(List.of(new Run(f.first(), f.setup().prepare(d))));
      runs.addAll(f.then());
      List<Map<String, String>> outcomes = new ArrayList<>();
      String runId = null;
      for (Run r : runs) {
        List<String> before = CrashSweep.runs(d);
        SandboxDrill.Result res = d.run(r.runbook(), r.params().toArray(String[]::new));
        if (res.exit() != 0) throw new AssertionError(f + " on the sandbox provider: " + r.runbook() + " exit " + res.exit());
        Path dir = CrashSweep.newRun(d, before);
        runId = dir.getFileName().toString();
        outcomes.add(CrashSweep.outcomes(CrashSweep.journal(dir)));
      }
      e = new Expected(EndState.of(d, runId), outcomes);
      EXPECTED.put(f.name(), e);
      return e;
    }
  }

  final Flow flow;
  final SandboxDrill drill;
  final SandboxAzureEstate azure;
  final ArmEmulator arm;
  private final List<Run> runs = new ArrayList<>();
  /** The run ids, in the order of {@link #runs}. */
  final List<String> runIds = new ArrayList<>();

  private AzureStory(Flow flow, SandboxDrill drill, SandboxAzureEstate azure, List<String> params) {
    this.flow = flow;
    this.drill = drill;
    this.azure = azure;
    this.arm = azure.arm;
    runs.add(new Run(flow.first(), params));
    runs.addAll(flow.then());
  }

  /** A fresh estate with the flow's setup, mirrored in the emulator ({@code clientId}: see {@link SandboxAzureEstate#over}). */
  static AzureStory of(Flow flow, ArmEmulator arm, String clientId, String secretRef) throws Exception {
    onSandbox(flow); // first: it runs on the same estate folder
    SandboxDrill d = SandboxDrill.fresh(ESTATE, 1);
    try {
      List<String> params = flow.setup().prepare(d);
      arm.reset();
      return new AzureStory(flow, d, SandboxAzureEstate.over(arm, d, clientId, secretRef), params);
    } catch (Exception | AssertionError e) {
      d.close();
      throw e;
    }
  }

  static AzureStory of(Flow flow, ArmEmulator arm) throws Exception { return of(flow, arm, null, null); }

  /** The command line of run {@code i} ({@code runbook run FILE -i INVENTORY --yes -p ...}), without the state folder. */
  List<String> runArgs(int i) {
    Run r = runs.get(i);
    List<String> args = new ArrayList<>(List.of("run", Path.of(r.runbook() + ".yaml").toAbsolutePath().toString(),
        "-i", azure.inventory.toString(), "--yes"));
    for (String p : r.params()) { args.add("-p"); args.add(p); }
    return args;
  }

  /** Runs run {@code i} of the flow in this JVM. */
  Out run(int i) throws IOException {
    List<String> before = CrashSweep.runs(drill);
    Out o = cli(runArgs(i));
    noteRun(before);
    return o;
  }

  /** Records the run that appeared since {@code before} was listed. */
  void noteRun(List<String> before) throws IOException {
    Path dir = CrashSweep.newRun(drill, before);
    if (dir == null) throw new AssertionError("no run was started");
    runIds.add(dir.getFileName().toString());
  }

  /** Runs every run of the flow, each expected to succeed. */
  void runAll() throws IOException {
    for (int i = 0; i < runs.size(); i++) {
      Out o = run(i);
      assertEquals(0, o.exit(), runs.get(i).runbook() + " on Azure:\n" + o.text());
      assertClean(o);
    }
  }

  /** Runs the flow's runs {@code from} (inclusive) to {@code to} (exclusive), each expected to succeed. */
  void runBetween(int from, int to) throws IOException {
    for (int i = from; i < Math.min(to, runs.size()); i++) {
      Out o = run(i);
      assertEquals(0, o.exit(), runs.get(i).runbook() + " on Azure:\n" + o.text());
      assertClean(o);
    }
  }

  int runCount() { return runs.size(); }

  Out resume(String runId) { return cli(List.of("resume", runId, "--yes")); }

  String lastRun() { return runIds.get(runIds.size() - 1); }

  Out cli(List<String> args) {
    List<String> all = new ArrayList<>(List.of("--state-dir", drill.stateDir.toString()));
    all.addAll(args);
    InProcessCli.Out out = InProcessCli.runShown(all);
    return new Out(out.exit(), out.text());
  }

  // ---- checks

  static void assertClean(Out o) {
    assertFalse(STACK_LINE.matcher(o.text()).find(), "no stack trace on the console:\n" + o.text());
  }

  /**
   * The flow ended as on the sandbox provider: the same end state (data, GTIDs, replication, disks at LUNs, every disk
   * and snapshot once), every step of each run ended the same way and none reported done twice, the emulator and the
   * sandbox agree, every disk and snapshot was created once, and the emulator saw no request it does not know.
   */
  void assertEndsAsOnTheSandbox() throws Exception {
    Expected expected = onSandbox(flow);
    assertEquals(runs.size(), runIds.size(), "every run of the flow ran: " + runIds);
    List<String> differences = new ArrayList<>(expected.end().differences(EndState.of(drill, lastRun())));
    for (int i = 0; i < runIds.size(); i++) {
      List<Entry> journal = CrashSweep.journal(drill.stateDir.resolve("runs").resolve(runIds.get(i)));
      Map<String, String> outcomes = CrashSweep.outcomes(journal);
      if (!outcomes.equals(expected.outcomes().get(i))) {
        differences.add(runs.get(i).runbook() + ": step outcomes " + outcomes + " vs " + expected.outcomes().get(i));
      }
      Map<String, Integer> done = new TreeMap<>();
      for (Entry e : journal) if ("step-succeeded".equals(e.type())) done.merge(e.step(), 1, Integer::sum);
      done.forEach((step, n) -> { if (n > 1) differences.add("step " + step + " reported done " + n + " times"); });
    }
    differences.addAll(azure.disagreements());
    List<String> made = arm.creations().stream().map(String::toLowerCase).toList();
    if (made.size() != new HashSet<>(made).size()) differences.add("a resource was created twice: " + made);
    differences.addAll(arm.unexpectedRequests());
    assertTrue(differences.isEmpty(), flow + " on Azure does not end as on the sandbox provider:\n"
        + String.join("\n", differences) + "\neffects applied: " + azure.applied);
  }

  /** The steps a run's journal records as failed, in order. */
  List<String> failedSteps(String runId) throws IOException {
    List<String> failed = new ArrayList<>();
    for (String line : Files.readAllLines(drill.stateDir.resolve("runs").resolve(runId).resolve("journal.jsonl"))) {
      JsonNode n = JSON.readTree(line);
      if (n.path("type").asText().equals("step-failed")) failed.add(n.path("step").asText());
    }
    return failed;
  }

  @Override
  public void close() throws Exception {
    arm.onEffects(null);
    drill.close();
  }
}

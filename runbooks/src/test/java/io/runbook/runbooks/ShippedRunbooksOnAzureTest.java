package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.runbook.runbooks.AzureStory.Flow;
import io.runbook.runbooks.AzureStory.Out;
import io.runbook.testkit.arm.ArmEmulator;
import io.runbook.testkit.arm.Fault;
import io.runbook.testkit.arm.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped runbooks, unchanged, on {@code provider: azure}: their cloud steps through the production Azure provider
 * and the real Azure SDK to the ARM emulator over HTTPS, their host and database steps on sandbox VMs (real mariadbd),
 * the emulator applying each change it accepts to the sandbox when its operation completes ({@link SandboxAzureEstate}).
 * Each flow ({@link AzureStory}) must end exactly as it ends on the sandbox provider.
 *
 * <p>Then cloud faults injected into those whole runs: for an ARM call that matters to a runbook (a disk or snapshot
 * made, a disk attached or detached, a recovery point restored, the donor deleted, a VM powered off or started), a 429
 * with Retry-After, a 500/503 burst within the retry bound and a reset after the request took effect are retried and
 * the run ends as on the sandbox provider; a fault beyond the bound or an operation that ends Failed stops the run
 * cleanly (exit 1, Azure's answer and the resource named, the step journaled as failed, no stack trace) and
 * {@code resume}, once the fault is gone, ends as on the sandbox provider with no resource made twice. Attempts are
 * counted in the emulator's request journal, never timed. And the engine SIGKILLed while Azure makes a disk.
 *
 * <p>The default test run tries every flow fault-free and a representative case per fault kind ({@link #SAMPLE});
 * {@code -Preliability} ({@code reliability.full}) every kind on every call of {@link #calls}.
 */
class ShippedRunbooksOnAzureTest {
  static final boolean FULL = Boolean.getBoolean("reliability.full");
  /** The retry bound EmulatedAzureProvider configures: 1 try + 3 retries. */
  static final int ATTEMPTS = 4;
  static ArmEmulator arm;

  /** {@link Call#sent} of a poll: how many depends on how far the job got when a fault hit, so it is not counted. */
  static final int POLLS = -1;

  /** An ARM call of a flow that matters: what it does, its method and path, how many a fault-free flow sends. */
  record Call(Flow flow, String what, String method, String path, int sent, int run) {
    Call(Flow flow, String what, String method, String path, int sent) { this(flow, what, method, path, sent, 0); }
  }

  /** What goes wrong with the call. */
  enum Kind {
    /** 429 TooManyRequests with Retry-After: 1, once. */
    THROTTLED,
    /** 500, 503, 503: within the bound. */
    BURST,
    /** The request takes effect, then the connection is reset, once. */
    RESET_AFTER_EFFECT,
    /** 503 on every attempt (1 + 3 retries): the step fails; resume after the fault is gone. */
    BEYOND_BOUND,
    /** Every attempt takes effect and loses its answer (reset): the step fails with the change made; resume. */
    LOST_ANSWERS,
    /** The long-running operation ends Failed: the step fails; resume. */
    OPERATION_FAILED
  }

  record Case(Call call, Kind kind) {
    @Override public String toString() { return call.flow() + ": " + kind + " on " + call.what(); }
  }

  static final Call PRIMARY_DISK = new Call(AzureStory.SNAPSHOT_RESTORE, "the primary's new disk (PUT)", "PUT", "/disks/primary-data-[^/]+$", 1);
  static final Call PRIMARY_SWAP = new Call(AzureStory.SNAPSHOT_RESTORE, "the primary's disk swap (attach/detach)", "POST", "/virtualMachines/primary/attachDetachDataDisks$", 2);
  static final Call REPLICA_DISK = new Call(AzureStory.SNAPSHOT_RESTORE, "the replica's new disk (PUT)", "PUT", "/disks/replica-1-data-[^/]+$", 1);
  static final Call REPLICA_SWAP = new Call(AzureStory.SNAPSHOT_RESTORE, "the replica's disk swap (attach/detach)", "POST", "/virtualMachines/replica-1/attachDetachDataDisks$", 2);
  static final Call PITR_BASE = new Call(AzureStory.PITR, "the primary's T0 disk (PUT)", "PUT", "/disks/primary-data-[^/]+$", 1);
  static final Call DONOR_DISK = new Call(AzureStory.PITR, "the donor disk (PUT)", "PUT", "/disks/scratch-donor-[^/]+$", 1);
  static final Call DONOR_ATTACH = new Call(AzureStory.PITR, "the donor's attach/detach on the scratch VM", "POST", "/virtualMachines/scratch/attachDetachDataDisks$", 2);
  static final Call RECOVERED_SNAPSHOT = new Call(AzureStory.PITR, "the snapshot of the recovered primary (PUT)", "PUT", "/snapshots/primary-data-[^/]+-recovered$", 1);
  static final Call DONOR_DELETE = new Call(AzureStory.PITR, "the donor's delete", "DELETE", "/disks/scratch-donor-[^/]+$", 1);
  static final Call RESTORE = new Call(AzureStory.BACKUP_DISK, "the recovery point restore (POST restore)", "POST", "/backupInstances/primary-backup/restore$", 2);
  static final Call VALIDATE = new Call(AzureStory.BACKUP_DISK, "the restore's validation (POST validateRestore)", "POST", "/backupInstances/primary-backup/validateRestore$", 2);
  static final Call BACKUP_SWAP = new Call(AzureStory.BACKUP_DISK, "the primary's disk swap (attach/detach)", "POST", "/virtualMachines/primary/attachDetachDataDisks$", 2);
  static final Call RESTORE_JOB = new Call(AzureStory.BACKUP_DISK, "the restore job (GET backupJobs)", "GET", "/backupJobs/[^/]+$", POLLS);
  static final Call SNAPSHOT_DISK = new Call(AzureStory.BACKUP_DISK_FROM_SNAPSHOT, "the primary's disk from the backup disk's snapshot (PUT)", "PUT", "/disks/primary-data-[^/]+$", 1);
  static final Call SNAPSHOT_SWAP = new Call(AzureStory.BACKUP_DISK_FROM_SNAPSHOT, "the primary's disk swap (attach/detach)", "POST", "/virtualMachines/primary/attachDetachDataDisks$", 2);
  static final Call POWER_OFF = new Call(AzureStory.PLANNED, "the VM's power off", "POST", "/virtualMachines/primary/powerOff$", 1);
  static final Call START = new Call(AzureStory.PLANNED, "the VM's start", "POST", "/virtualMachines/primary/start$", 1, 1);

  static final List<Call> calls = List.of(PRIMARY_DISK, PRIMARY_SWAP, REPLICA_DISK, REPLICA_SWAP, PITR_BASE, DONOR_DISK,
      DONOR_ATTACH, RECOVERED_SNAPSHOT, DONOR_DELETE, RESTORE, VALIDATE, RESTORE_JOB, BACKUP_SWAP, SNAPSHOT_DISK, SNAPSHOT_SWAP,
      POWER_OFF, START);

  /**
   * The default run's sample, within its time budget: a kind per case, on calls of different runbooks (a 5xx burst on a
   * swap is in AzureRunFaultsTest's default cases; every kind on every call with -Preliability).
   */
  static final List<Case> SAMPLE = List.of(
      new Case(PRIMARY_DISK, Kind.THROTTLED),
      new Case(DONOR_DELETE, Kind.BEYOND_BOUND),
      new Case(RESTORE_JOB, Kind.LOST_ANSWERS),
      new Case(RESTORE, Kind.OPERATION_FAILED));

  /**
   * The flows run fault-free in the default run; dr-snapshot-restore and dr-pitr end as on the sandbox with the
   * recoverable faults of {@link #SAMPLE} too, and run fault-free with {@code -Preliability} (the time budget).
   */
  static final List<Flow> FAULT_FREE_SAMPLE = List.of(AzureStory.BACKUP_DISK, AzureStory.PLANNED);

  static Stream<Case> cases() {
    // -Dreliability.cases=TEXT,...: only the cases whose name contains one of them (e.g. "LOST_ANSWERS on the donor").
    String only = System.getProperty("reliability.cases", "");
    List<Case> all = new ArrayList<>();
    if (FULL || !only.isBlank()) {
      // A GET starts no operation that could end Failed.
      for (Call c : calls) for (Kind k : Kind.values()) if (!(k == Kind.OPERATION_FAILED && c.method().equals("GET"))) all.add(new Case(c, k));
    } else {
      all.addAll(SAMPLE);
    }
    return all.stream().filter(c -> wanted(c.call().flow()))
        .filter(c -> only.isBlank() || List.of(only.split(",")).stream().anyMatch(o -> c.toString().contains(o)));
  }

  @BeforeAll
  static void start() {
    arm = ArmEmulator.start(Path.of("target", "arm-emulator"));
    EmulatedAzureProvider.emulator = arm;
  }

  @AfterAll
  static void stop() throws Exception {
    EmulatedAzureProvider.emulator = null;
    arm.close();
    SandboxDrill.dropTemplate(AzureStory.ESTATE);
  }

  /** {@code -Dreliability.runbooks=dr-pitr,...}: only these flows (by the name of their first runbook). */
  static boolean wanted(Flow f) {
    String only = System.getProperty("reliability.runbooks", "");
    return only.isBlank() || List.of(only.split(",")).contains(f.first());
  }

  static Stream<Flow> flows() {
    return (FULL ? AzureStory.ALL : FAULT_FREE_SAMPLE).stream().filter(ShippedRunbooksOnAzureTest::wanted);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flows")
  void endsAsOnTheSandboxProvider(Flow flow) throws Exception {
    try (AzureStory s = AzureStory.of(flow, arm)) {
      s.runAll();
      s.assertEndsAsOnTheSandbox();
      assertTrue(arm.requests("PUT", ".*").size() + arm.requests("POST", "/providers/").size() > 0, "the cloud steps went to Azure");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aFaultIsRetriedWithinTheBoundOrStopsTheRunCleanlyAndResumeEndsAsOnTheSandbox(Case c) throws Exception {
    Call call = c.call();
    try (AzureStory s = AzureStory.of(call.flow(), arm)) {
      switch (c.kind()) {
        case THROTTLED -> arm.inject(Fault.throttle(call.method(), call.path(), 1, 1));
        case BURST -> {
          arm.inject(Fault.status(call.method(), call.path(), 1, 500));
          arm.inject(Fault.status(call.method(), call.path(), 2, 503));
        }
        case RESET_AFTER_EFFECT -> arm.inject(Fault.resetAfterApplying(call.method(), call.path(), 1));
        case BEYOND_BOUND -> arm.inject(Fault.status(call.method(), call.path(), ATTEMPTS, 503));
        case LOST_ANSWERS -> arm.inject(Fault.resetAfterApplying(call.method(), call.path(), ATTEMPTS));
        case OPERATION_FAILED -> arm.failOperationOf(call.method(), call.path(), "InternalOperationError",
            "An internal error occurred in the operation (injected)");
      }
      s.runBetween(0, call.run());
      Out first = s.run(call.run());
      AzureStory.assertClean(first);
      List<LoggedRequest> hits = arm.requests(call.method(), call.path());
      assertTrue(!hits.isEmpty(), "the run made the call " + call.what() + ":\n" + first.text());
      switch (c.kind()) {
        case THROTTLED -> {
          assertEquals(0, first.exit(), first.text());
          List<Instant> at = hits.stream().map(r -> r.getLoggedDate().toInstant()).sorted().toList();
          Duration gap = Duration.between(at.get(0), at.get(1));
          assertTrue(gap.toMillis() >= 1000, "the retry waited the Retry-After second: " + gap);
        }
        case BURST -> assertEquals(0, first.exit(), first.text());
        case RESET_AFTER_EFFECT -> assertEquals(0, first.exit(), first.text());
        // Every answer lost: the step may see that the change was made and go on, or fail and be resumed.
        case LOST_ANSWERS -> { if (first.exit() != 0) failedCleanlyThenResumed(s, c, first); }
        case BEYOND_BOUND, OPERATION_FAILED -> failedCleanlyThenResumed(s, c, first);
      }
      int sent = arm.requests(call.method(), call.path()).size();
      int faults = switch (c.kind()) { case THROTTLED, RESET_AFTER_EFFECT, OPERATION_FAILED -> 1; case BURST -> 3; default -> ATTEMPTS; };
      if (call.sent() == POLLS) {
        assertTrue(sent > faults, "the faulted poll was sent again: " + sent);
      } else {
        switch (c.kind()) {
          case THROTTLED, RESET_AFTER_EFFECT -> assertEquals(call.sent() + 1, sent, "the faulted request sent once more");
          case BURST -> assertEquals(call.sent() + 3, sent, "the faulted request sent three more times");
          // The run: 1 try + 3 retries of the first request, then the step failed; the resume sends the call's requests.
          case BEYOND_BOUND -> assertEquals(ATTEMPTS + call.sent(), sent, "4 attempts, then the resume's");
          // The change was made by the first attempt: how many the resume still sends depends on the call.
          case LOST_ANSWERS -> assertTrue(sent >= ATTEMPTS, "4 attempts: " + sent);
          // The failed operation's request, then the resume sends it again.
          case OPERATION_FAILED -> assertEquals(call.sent() + 1, sent, "the request of the failed operation sent again");
        }
      }
      s.runBetween(call.run() + 1, s.runCount());
      s.assertEndsAsOnTheSandbox();
    }
  }

  /**
   * The run ended with exit 1: one step failed, the message says what Azure answered on which resource and how to go
   * on, the journal has the step failed; then Azure finishes what it was doing (the emulator's operations run only when
   * polled) and {@code resume} ends the run.
   */
  private static void failedCleanlyThenResumed(AzureStory s, Case c, Out first) throws Exception {
    assertEquals(1, first.exit(), "a step failed:\n" + first.text());
    String run = s.lastRun();
    List<String> failed = s.failedSteps(run);
    assertEquals(1, failed.size(), "one step failed: " + failed);
    assertTrue(first.text().contains(switch (c.kind()) {
          case BEYOND_BOUND -> "HTTP 503 ServiceUnavailable";
          case LOST_ANSWERS -> "could not talk to Azure Resource Manager";
          default -> "InternalOperationError";
        }), "says what Azure answered:\n" + first.text());
    assertTrue(first.text().contains("/subscriptions/" + arm.subscription() + "/resourceGroups/"),
        "names the resource:\n" + first.text());
    assertTrue(first.text().contains("runbook resume " + run), "says how to go on:\n" + first.text());
    arm.finishOperations();
    Out resumed = s.resume(run);
    assertEquals(0, resumed.exit(), "resume after the fault is gone:\n" + resumed.text());
    AzureStory.assertClean(resumed);
  }

  /**
   * Where the engine (a CLI in its own JVM, signed in as a service principal) is SIGKILLed: while Azure still works on
   * the request of {@code step} ({@code inFlight}, after {@code stall} kept it from finishing); {@code sent} counts
   * that request; {@code effect} begins the sandbox's record of its change (none until Azure finishes it); the
   * journal's line of the step's end after the resume must contain {@code how}.
   */
  record KillPoint(String name, Flow flow, String step, Runnable stall, java.util.function.BooleanSupplier inFlight,
                   java.util.function.IntSupplier sent, String effect, String how) {
    @Override public String toString() { return name; }
  }

  /**
   * While Azure makes dr-snapshot-restore's new primary disk: the resume finds it made by reconcile. With
   * {@code -Preliability} also while a Backup Vault job restores dr-backup-disk's new primary disk: that disk carries
   * no run tag (a restore request cannot carry tags; the step tags it after the job), so reconcile does not call the
   * step done; it runs again, takes the disk it asked for and tags it. And while Azure powers planned-shutdown's VM
   * off (then planned-startup, the flow's next run, starts it).
   */
  static Stream<KillPoint> killPoints() {
    List<KillPoint> all = new ArrayList<>(List.of(new KillPoint("while Azure makes a disk", AzureStory.SNAPSHOT_RESTORE,
        "from-snapshot", () -> arm.stallNextOperation(), () -> primaryDiskPuts() == 1 && arm.requests("GET", "/operations/").size() >= 2,
        ShippedRunbooksOnAzureTest::primaryDiskPuts, "disk primary-data-", "\"reconciled\"")));
    if (FULL) {
      all.add(new KillPoint("while the vault restores a disk", AzureStory.BACKUP_DISK, "from-vault", () -> arm.stallNextJob(),
          () -> primaryRestores() == 1 && arm.requests("GET", "/backupJobs/").size() >= 2, ShippedRunbooksOnAzureTest::primaryRestores,
          "disk primary-data-", "\"step-succeeded\""));
      all.add(new KillPoint("while Azure powers the VM off", AzureStory.PLANNED, "stop-vm", () -> arm.stallNextOperation(),
          () -> powerOffs() == 1 && arm.requests("GET", "/operations/").size() >= 2, ShippedRunbooksOnAzureTest::powerOffs,
          "VM primary ", "\"reconciled\""));
    }
    return all.stream().filter(k -> wanted(k.flow()));
  }

  /**
   * The engine is SIGKILLed while Azure is still making a resource; Azure finishes it meanwhile; {@code resume}
   * (another JVM) takes over the stale lock, does not send the request again, and the run ends as on the sandbox.
   */
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true) // -Dreliability.runbooks may leave none
  @MethodSource("killPoints")
  void aRunKilledWhileAzureWorksResumesWithoutSendingTheRequestAgain(KillPoint k) throws Exception {
    String end = killedWhileAzureWorksThenResumed(k);
    assertTrue(end.contains(k.how()), "the step's end after the resume: " + end);
  }

  /**
   * Runs the flow's first runbook in a CLI JVM with the kill point's stall set up, SIGKILLs it once the request is in
   * flight, lets Azure finish, resumes in another JVM, runs the flow's later runs, and checks that the request was
   * sent once and the flow ends as on the sandbox; returns the journal's line of the step's end.
   */
  private static String killedWhileAzureWorksThenResumed(KillPoint k) throws Exception {
    Flow flow = k.flow();
    String step = k.step();
    String clientId = "6a1f3c2e-90b4-4d7e-8c15-2f9e7b3a4d60";
    String secret = "sandbox-run-secret";
    try (AzureStory s = AzureStory.of(flow, arm, clientId, "env:RUNBOOK_TEST_AZURE_CLIENT_SECRET")) {
      arm.addServicePrincipal(clientId, secret);
      TestCertificate cert = arm.certificate();
      Files.createDirectories(s.drill.stateDir);
      CliJvm cli = new CliJvm(s.drill.stateDir, Map.of("AZURE_AUTHORITY_HOST", arm.authorityHost(),
          "RUNBOOK_TEST_AZURE_CLIENT_SECRET", secret),
          List.of("-Djavax.net.ssl.trustStore=" + cert.keystore().toAbsolutePath(), "-Djavax.net.ssl.trustStoreType=PKCS12",
              "-Djavax.net.ssl.trustStorePassword=" + TestCertificate.PASSWORD));
      k.stall().run(); // the run's first such request
      List<String> before = CrashSweep.runs(s.drill);
      List<String> args = new ArrayList<>(List.of("--state-dir", s.drill.stateDir.toString()));
      args.addAll(s.runArgs(0));
      Path out = s.drill.stateDir.resolve("killed.out");
      Path err = s.drill.stateDir.resolve("killed.err");
      Process p = cli.start(out, err, args.toArray(String[]::new));
      Instant until = Instant.now().plus(Duration.ofSeconds(240));
      while (!k.inFlight().getAsBoolean()) {
        assertTrue(p.isAlive(), "the run ended before it was killed:\n" + Files.readString(out) + Files.readString(err));
        assertTrue(Instant.now().isBefore(until), "the run did not reach " + step + " in 240 s");
        Thread.sleep(50);
      }
      p.destroyForcibly(); // SIGKILL
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      s.noteRun(before);
      String run = s.lastRun();
      Path journal = s.drill.stateDir.resolve("runs").resolve(run).resolve("journal.jsonl");
      List<String> lines = Files.readAllLines(journal);
      JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
      assertEquals("step-started", last.path("type").asText(), "in doubt: " + last);
      assertTrue(last.path("step").asText().endsWith(step), "in doubt: " + last);
      assertEquals(List.of(), s.azure.applied.stream().filter(a -> a.startsWith(k.effect())).toList(),
          "the sandbox has no such change while Azure works on it");

      arm.finishOperations(); // Azure finished the disk while nobody watched: the sandbox gets it now
      CliJvm.Result resumed = cli.run("--state-dir", s.drill.stateDir.toString(), "resume", run, "--yes");
      assertEquals(0, resumed.exit(), resumed.all());
      assertTrue(resumed.all().contains("took over the stale lock"), resumed.all());
      for (int i = 1; i <= flow.then().size(); i++) { // the flow's later runs, in a CLI JVM too (the secret is in its env)
        List<String> listed = CrashSweep.runs(s.drill);
        List<String> next = new ArrayList<>(List.of("--state-dir", s.drill.stateDir.toString()));
        next.addAll(s.runArgs(i));
        CliJvm.Result r = cli.run(next.toArray(String[]::new));
        assertEquals(0, r.exit(), r.all());
        s.noteRun(listed);
      }
      assertEquals(1, k.sent().getAsInt(), "the request was sent once, not again by the resume");
      s.assertEndsAsOnTheSandbox();
      return Files.readAllLines(journal).stream().filter(l -> l.contains("\"step-succeeded\"") && l.contains(step + "\""))
          .findFirst().orElse("");
    }
  }

  private static int primaryDiskPuts() { return arm.requests("PUT", PRIMARY_DISK.path()).size(); }

  private static int powerOffs() { return arm.requests("POST", POWER_OFF.path()).size(); }

  private static int primaryRestores() {
    return (int) arm.requests("POST", RESTORE.path()).stream().filter(r -> r.getBodyAsString().contains("/disks/primary-data-")).count();
  }
}

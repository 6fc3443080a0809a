package io.runbook.runbooks;

import static io.runbook.runbooks.EmulatedAzureEstate.RG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runbook.testkit.arm.ArmEmulator;
import io.runbook.testkit.arm.TestCertificate;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The CLI in its own JVM with the production Azure provider, exactly as shipped: a service principal signs in with
 * azure-identity's ClientSecretCredential at the emulator's token endpoint (AZURE_AUTHORITY_HOST) and every Resource
 * Manager call carries the token it got. The client secret is a canary that must never be printed, logged, journaled
 * or planned (console, run log, journal, plan file, lock), also when the sign-in fails and the token endpoint repeats
 * the secret, raw and form-encoded, in its error. And a run killed (SIGKILL) while Azure is still making its disk:
 * resume finds the disk by reconcile and does not make it twice.
 */
class AzureCliProcessTest {
  static final Path RUNBOOK = Path.of("src", "test", "resources", "azure-faults", "cloud-restore.yaml").toAbsolutePath();
  static final String CLIENT_ID = "6a1f3c2e-90b4-4d7e-8c15-2f9e7b3a4d60";
  /** The canary: its core survives every encoding; the rest changes under URL and JSON encoding. */
  static final String CANARY_CORE = "RbkCanary7f3Q";
  static final String CANARY = CANARY_CORE + "+9/xZ=\"q\\w~k";
  static final Pattern STACK_LINE = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception in thread|^Caused by: ");
  static ArmEmulator arm;
  static Path inventory;
  Path state;
  CliJvm cli;

  @BeforeAll
  static void start() throws Exception {
    arm = ArmEmulator.start(Path.of("target", "arm-emulator"));
    Path inv = EmulatedAzureEstate.inventory(arm, Path.of("target", "azure-cli-process", "inventory.yaml"));
    // A run reads the inventory's secrets before its first step: a password that resolves (MariaDB stays unreachable).
    Path password = Files.writeString(inv.resolveSibling("db-password"), "Zq8v4f9c2e7a1b\n");
    Files.writeString(inv, Files.readString(inv).replace("  endpoint: ", "  clientId: " + CLIENT_ID
        + "\n  clientSecret: env:RUNBOOK_TEST_AZURE_CLIENT_SECRET\n  endpoint: ")
        .replace("env:RUNBOOK_PLAN_TEST_UNSET_PASSWORD", "file:" + password.toAbsolutePath()));
    inventory = inv;
  }

  @AfterAll
  static void stop() { arm.close(); }

  @BeforeEach
  void fresh(TestInfo test) throws IOException {
    arm.reset();
    EmulatedAzureEstate.seed(arm);
    state = Path.of("target", "azure-cli-process", test.getTestMethod().orElseThrow().getName()).toAbsolutePath();
    if (Files.exists(state)) {
      try (Stream<Path> s = Files.walk(state)) {
        s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(state);
    TestCertificate cert = arm.certificate();
    cli = new CliJvm(state, Map.of("AZURE_AUTHORITY_HOST", arm.authorityHost(), "RUNBOOK_TEST_AZURE_CLIENT_SECRET", CANARY),
        List.of("-Djavax.net.ssl.trustStore=" + cert.keystore().toAbsolutePath(), "-Djavax.net.ssl.trustStoreType=PKCS12",
            "-Djavax.net.ssl.trustStorePassword=" + TestCertificate.PASSWORD));
  }

  @Test
  void aFailedSignInWhoseAnswerRepeatsTheSecretShowsNeither() throws Exception {
    arm.addServicePrincipal(CLIENT_ID, "the-secret-azure-has");
    arm.echoRequestOnFailedSignIn(true);
    CliJvm.Result plan = cli.run("--state-dir", state.toString(), "plan", RUNBOOK.toString(), "-i", inventory.toString(),
        "-p", "at=2026-11-25T02:30:00Z");
    CliJvm.Result run = cli.run("--state-dir", state.toString(), "run", RUNBOOK.toString(), "-i", inventory.toString(),
        "--yes", "-p", "at=2026-11-25T02:30:00Z");

    assertTrue(arm.requests("POST", "/oauth2/v2\\.0/token$").size() >= 2, "the CLI tried to sign in");
    assertEquals(List.of(), arm.creations());
    assertEquals(1, plan.exit(), "the READS cloud step failed while planning:\n" + plan.all());
    assertEquals(1, run.exit(), "the first cloud step failed:\n" + run.all());
    for (CliJvm.Result r : List.of(plan, run)) {
      assertFalse(STACK_LINE.matcher(r.all()).find(), "no stack trace on the console:\n" + r.all());
      assertTrue(r.all().contains("AADSTS7000215"), "says why the sign-in failed:\n" + r.all());
      assertTrue(r.all().contains("***"), "the secret's place is masked:\n" + r.all());
    }
    assertNowhere(plan.all() + run.all());
  }

  /** One story, to start few JVMs: plan, run, SIGKILL mid-operation, resume; the secret is nowhere at the end. */
  @Test
  void theServicePrincipalSignsInARunKilledMidOperationResumesWithoutMakingADiskTwiceAndTheSecretIsNowhere()
      throws Exception {
    arm.addServicePrincipal(CLIENT_ID, CANARY);
    CliJvm.Result plan = cli.run("--state-dir", state.toString(), "plan", RUNBOOK.toString(), "-i", inventory.toString(),
        "-p", "at=2026-11-25T02:30:00Z", "--format", "json", "--out", state.resolve("plan.json").toString());
    assertEquals(0, plan.exit(), plan.all());
    assertEquals(0, arm.requests("PUT", ".*").size() + arm.requests("POST", "/providers/").size(), "a plan changes nothing");

    arm.stallNextOperation(); // the first operation of the run: the new disk's creation
    Path out = state.resolve("killed.out");
    Path err = state.resolve("killed.err");
    Process p = cli.start(out, err, "--state-dir", state.toString(), "run", RUNBOOK.toString(), "-i", inventory.toString(),
        "--yes", "-p", "at=2026-11-25T02:30:00Z");
    Instant until = Instant.now().plus(Duration.ofSeconds(120));
    // Killed once Azure has the PUT and the run has journaled the step as started and is polling the operation.
    while (!(arm.requests("PUT", "/disks/[^/]+$").size() == 1 && arm.requests("GET", "/operations/").size() >= 2)) {
      assertTrue(p.isAlive(), "the run ended before it was killed:\n" + Files.readString(out) + Files.readString(err));
      assertTrue(Instant.now().isBefore(until), "the run did not reach the disk creation in 120 s");
      Thread.sleep(50);
    }
    p.destroyForcibly(); // SIGKILL
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String run = runId();
    List<String> journal = Files.readAllLines(state.resolve("runs").resolve(run).resolve("journal.jsonl"));
    JsonNode last = new ObjectMapper().readTree(journal.get(journal.size() - 1));
    assertEquals("step-started", last.path("type").asText(), "in doubt: " + last);
    assertEquals("new-disk", last.path("step").asText(), "in doubt: " + last);

    arm.finishOperations(); // Azure finished making the disk while nobody watched
    CliJvm.Result resumed = cli.run("--state-dir", state.toString(), "resume", run, "--yes");
    assertEquals(0, resumed.exit(), resumed.all());
    assertTrue(resumed.all().contains("took over the stale lock"), "the killed run's lock: " + resumed.all());
    List<String> journaled = Files.readAllLines(state.resolve("runs").resolve(run).resolve("journal.jsonl"));
    assertTrue(journaled.stream().anyMatch(l -> l.contains("\"step-succeeded\"") && l.contains("\"new-disk\"")
        && l.contains("\"reconciled\"")), "new-disk found done by reconcile: " + journaled);
    assertEquals(List.of(arm.diskId(RG, "primary-data-" + run).toLowerCase(), arm.diskId(RG, "scratch-donor-" + run).toLowerCase()),
        arm.creations().stream().map(String::toLowerCase).toList(), "each disk made once");
    assertEquals(2, arm.requests("PUT", "/disks/[^/]+$").size(), "one PUT per disk, none repeated by the resume");
    assertEquals(List.of(), arm.unexpectedRequests());

    assertTrue(arm.requests("POST", "/oauth2/v2\\.0/token$").size() >= 3, "each CLI process signed in");
    assertNowhere(plan.all() + resumed.all());
  }

  /** The canary, raw or in any encoding (its core survives them all), is in no output and no file of the state folder. */
  void assertNowhere(String console) throws IOException {
    List<String> forms = List.of(CANARY, CANARY_CORE, URLEncoder.encode(CANARY, StandardCharsets.UTF_8),
        new ObjectMapper().writeValueAsString(CANARY));
    for (String form : forms) assertFalse(console.contains(form), "the console shows the secret (" + form + "):\n" + console);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(state)) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("journal.jsonl")), "a journal: " + files);
    assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("run.log")), "a run log: " + files);
    for (Path f : files) {
      String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
      for (String form : forms) assertFalse(text.contains(form), f + " holds the secret (" + form + "):\n" + text);
    }
  }

  String runId() throws IOException {
    try (Stream<Path> runs = Files.list(state.resolve("runs"))) {
      List<Path> all = runs.sorted().toList();
      assertEquals(1, all.size(), "one run: " + all);
      return all.get(0).getFileName().toString();
    }
  }
}

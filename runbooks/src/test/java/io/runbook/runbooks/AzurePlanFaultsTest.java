package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.runbook.testkit.arm.ArmEmulator;
import io.runbook.testkit.arm.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Cloud faults on the Azure dry-run: {@code runbook plan} of each shipped runbook (the CLI, in process) against the
 * example inventory whose Resource Manager endpoint is the ARM emulator. For every ARM call a plan makes (found by a
 * fault-free plan first), each fault is injected on that call: within the retry bound the plan is the fault-free
 * plan, exactly, after exactly the expected number of attempts (the emulator's request journal); beyond it the plan
 * ends with exit 1 and the step says which call on which resource failed how, and what to do, with no stack trace.
 * (The slow answer and the faults beyond the bound are tried on each plan's first ARM call, the others on every call.)
 * The provider's retry policy here is production's shape with short delays: 3 retries, 20-100 ms backoff.
 */
class AzurePlanFaultsTest {
  /** 1 attempt + the 3 retries of the test provider's RetryOptions (EmulatedAzureProvider). */
  static final int ATTEMPTS = 4;
  static final Pattern STACK_LINE = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception in thread|^Caused by: ");
  static final Path DIR = Path.of("target", "plan-faults");
  static ArmEmulator arm;
  static Path inventory;
  static Path password;
  /** The shipped runbooks and their parameters (as in the golden Azure plans). */
  static final Map<String, List<String>> RUNBOOKS = new LinkedHashMap<>();
  /** Per runbook: the fault-free plan (normalised) and the paths of the ARM calls it made. */
  static final Map<String, Baseline> BASELINES = new LinkedHashMap<>();

  record Baseline(int exit, String plan, List<String> paths) {}

  record Out(int exit, String text) {}

  @BeforeAll
  static void start() throws Exception {
    arm = ArmEmulator.start(Path.of("target", "arm-emulator"));
    EmulatedAzureProvider.emulator = arm;
    Files.createDirectories(DIR);
    // A database password that resolves, so that a fault-free plan is complete (exit 0) and a fault is the only
    // reason for another code; MariaDB stays unreachable (port 1), which db.status reports as reachable=false.
    password = DIR.resolve("db-password").toAbsolutePath();
    Files.writeString(password, "plan-faults-password\n");
    inventory = EmulatedAzureEstate.inventory(arm, DIR.resolve("inventory.yaml"));
    Files.writeString(inventory, Files.readString(inventory)
        .replace("env:RUNBOOK_PLAN_TEST_UNSET_PASSWORD", "file:" + password));
    RUNBOOKS.put("dr-snapshot-restore", List.of("at=2026-11-25T02:30:00Z", "replicas=replica-1"));
    RUNBOOKS.put("dr-pitr", List.of("target=2026-11-25T02:30:00Z", "replicas=replica-1"));
    RUNBOOKS.put("dr-backup-disk", List.of("replicas=replica-1"));
    RUNBOOKS.put("planned-shutdown", List.of("replicas=replica-1"));
    RUNBOOKS.put("planned-startup", List.of("replicas=replica-1"));
    RUNBOOKS.put("backup-disk-refresh", List.of("dbPassword=file:" + password, "sudo=true"));
    for (Map.Entry<String, List<String>> rb : RUNBOOKS.entrySet()) {
      fresh();
      Out o = plan(rb.getKey(), rb.getValue());
      Set<String> paths = new LinkedHashSet<>();
      chronological(arm.requests("GET", ".*")).forEach(r -> paths.add(r.getUrl().split("\\?")[0]));
      BASELINES.put(rb.getKey(), new Baseline(o.exit(), normalise(o.text()), List.copyOf(paths)));
    }
  }

  @AfterAll
  static void stop() {
    EmulatedAzureProvider.emulator = null;
    arm.close();
  }

  @Test
  void faultFreePlansAreCompleteAndChangeNothing() {
    BASELINES.forEach((name, b) -> {
      int expected = name.equals("backup-disk-refresh") ? 1 : 0; // its READS over ssh cannot reach the host
      assertEquals(expected, b.exit(), name + ":\n" + b.plan());
    });
    // Which shipped runbooks call Azure while planning (the others plan without a single ARM request).
    assertEquals(3, BASELINES.get("dr-snapshot-restore").paths().size(), BASELINES.toString());
    // dr-pitr and dr-backup-disk also read the primary's VM: the disk at its data LUN must be the inventory's.
    assertEquals(4, BASELINES.get("dr-pitr").paths().size(), BASELINES.toString());
    assertEquals(2, BASELINES.get("dr-backup-disk").paths().size(), BASELINES.toString());
    for (String none : List.of("planned-shutdown", "planned-startup", "backup-disk-refresh")) {
      assertEquals(List.of(), BASELINES.get(none).paths(), none);
    }
  }

  /** A fault, and whether the retries get past it. */
  record Case(String name, Function<String, List<Fault>> faults, int extraAttempts, boolean recovers) {}

  static List<Case> cases() {
    return List.of(
        new Case("429 with Retry-After 1 s", p -> List.of(Fault.throttle("GET", p, 1, 1)), 1, true),
        new Case("burst of 500, 503, 503", p -> List.of(Fault.status("GET", p, 1, 500), Fault.status("GET", p, 2, 503)),
            3, true),
        new Case("connection reset", p -> List.of(Fault.reset("GET", p, 1)), 1, true),
        new Case("empty response", p -> List.of(Fault.emptyResponse("GET", p, 1)), 1, true),
        new Case("2 s slow answer", p -> List.of(Fault.slow("GET", p, 1, 2000)), 0, true),
        new Case("503 beyond the retry bound", p -> List.of(Fault.status("GET", p, ATTEMPTS + 5, 503)), ATTEMPTS - 1, false),
        new Case("429 beyond the retry bound", p -> List.of(Fault.throttle("GET", p, ATTEMPTS + 5, 0)), ATTEMPTS - 1, false),
        new Case("resets beyond the retry bound", p -> List.of(Fault.reset("GET", p, ATTEMPTS + 5)), ATTEMPTS - 1, false),
        new Case("empty responses beyond the retry bound", p -> List.of(Fault.emptyResponse("GET", p, ATTEMPTS + 5)),
            ATTEMPTS - 1, false));
  }

  @TestFactory
  Stream<DynamicContainer> everyArmCallOfEveryPlanUnderEveryFault() {
    List<DynamicContainer> out = new ArrayList<>();
    BASELINES.forEach((name, b) -> {
      List<DynamicTest> tests = new ArrayList<>();
      for (String path : b.paths()) {
        String call = path.substring(path.indexOf("/providers/") + "/providers/".length());
        for (Case c : cases()) {
          // The slow and the unrecoverable cases cost more: on the plan's first ARM call only.
          if ((c.name().contains("slow") || !c.recovers()) && !path.equals(b.paths().get(0))) continue;
          tests.add(DynamicTest.dynamicTest(c.name() + " on GET " + call, () -> check(name, b, path, c)));
        }
      }
      out.add(DynamicContainer.dynamicContainer(name, tests));
    });
    return out.stream();
  }

  static void check(String name, Baseline b, String path, Case c) throws Exception {
    fresh();
    String regex = "^" + Pattern.quote(path) + "$";
    c.faults().apply(regex).forEach(arm::inject);
    Out o = plan(name, RUNBOOKS.get(name));
    String plan = normalise(o.text());
    List<LoggedRequest> calls = chronological(arm.requests("GET", regex));
    long onOtherPaths = arm.requests("GET", ".*").size() - calls.size();

    assertFalse(STACK_LINE.matcher(o.text()).find(), "no stack trace on the console:\n" + o.text());
    assertEquals(List.of(), arm.unexpectedRequests());
    assertEquals(0, arm.requests("PUT", ".*").size() + arm.requests("POST", ".*").size()
        + arm.requests("DELETE", ".*").size(), "a plan changes nothing, faults or not");
    assertEquals(1 + c.extraAttempts(), calls.size(), "attempts of GET " + path);
    if (c.recovers()) {
      assertEquals(b.paths().size() - 1, onOtherPaths, "every other call once: " + arm.requests("GET", ".*"));
      assertEquals(b.exit(), o.exit(), o.text());
      assertEquals(b.plan(), plan, "the same plan as without the fault");
      if (c.name().startsWith("429")) {
        // Backoff without Retry-After is at most 100 ms here: a gap of 1 s is the header's doing.
        long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertTrue(gap >= 1000, "the retry waited the Retry-After of 1 s; it came after " + gap + " ms");
      }
      return;
    }
    assertTrue(onOtherPaths <= b.paths().size() - 1, "no other call repeated: " + arm.requests("GET", ".*"));
    assertEquals(1, o.exit(), "a READS step failed while planning:\n" + o.text());
    String failed = o.text().lines().filter(l -> l.contains("failed while planning:")).findFirst()
        .orElseThrow(() -> new AssertionError("no step says it failed:\n" + o.text()));
    String resource = path.substring(path.indexOf("/subscriptions/"));
    // The resource of a list is what holds it: a resource group's snapshots, a backup instance's recovery points.
    String named = resource.endsWith("/snapshots") ? resource.substring(0, resource.indexOf("/providers/"))
        : resource.endsWith("/recoveryPoints") ? resource.substring(0, resource.lastIndexOf('/')) : resource;
    assertTrue(failed.contains(named), "names the resource " + named + ": " + failed);
    if (c.name().startsWith("503")) {
      assertTrue(failed.contains("HTTP 503 ServiceUnavailable"), failed);
      assertTrue(failed.contains("transient failure after several retries; retry the step"), failed);
    } else if (c.name().startsWith("429")) {
      assertTrue(failed.contains("HTTP 429 TooManyRequests"), failed);
      assertTrue(failed.contains("throttling"), failed);
    } else {
      assertTrue(failed.contains("could not talk to Azure Resource Manager"), failed);
      assertTrue(failed.contains("check network access to the Resource Manager endpoint"), failed);
    }
    assertTrue(failed.matches(".*(read disk|read VM|list snapshots|list recovery points|recovery points).*"),
        "says which call: " + failed);
  }

  static void fresh() {
    arm.reset();
    EmulatedAzureEstate.seed(arm);
  }

  static Out plan(String name, List<String> params) {
    List<String> args = new ArrayList<>(List.of("--state-dir", DIR.resolve("state").toString(), "plan", name + ".yaml",
        "-i", inventory.toString()));
    for (String p : params) {
      args.add("-p");
      args.add(p);
    }
    InProcessCli.Out out = InProcessCli.run(args);
    return new Out(out.exit(), out.text());
  }

  static List<LoggedRequest> chronological(List<LoggedRequest> requests) {
    return requests.stream().sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
  }

  /** What differs between two plans of the same runbook: the run id, clock readings. */
  static String normalise(String text) {
    // A run id, also cut short where a long output is abbreviated ("…/20261125-210504...").
    return text.replaceAll("\\b\\d{8}-\\d{6}(-[0-9a-z]{1,4})?", "<run-id>")
        .replaceAll("\\b1\\d{12}\\b", "<epoch-ms>")
        .replaceAll("(?m)^(\\s*planned\\s+)\\S+", "$1<now>")
        .replaceAll("\\(\\S+ before this run started", "(<elapsed> before this run started")
        .replaceAll("in \\d+ s", "in <s> s");
  }
}

package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.runbooks.CrashSweep.Baseline;
import io.runbook.runbooks.CrashSweep.Outcome;
import io.runbook.runbooks.CrashSweep.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash at every journal point (issue 10): each shipped runbook, killed and resumed, ends where its uninterrupted run
 * ends. The default test run tries a SEEDED sample: one kill point per runbook ({@code -Dreliability.sample=N} for
 * more) and one mid-step kill in one runbook (the seed is printed; replay a failure with {@code -Dreliability.seed=N}); {@code mvn verify -Preliability} sets {@code reliability.full=true}: every
 * journal record k, a SIGKILL in the middle of every step that took time, and a killed database server.
 * {@code -Dreliability.runbooks=dr-pitr,...} limits the sweep to some runbooks; {@code -Dreliability.kills=12,step:swap,db}
 * replays chosen crashes (after record 12, in the middle of step swap; step:swap@40 kills 40 ms into it; the database kill) instead of the sample.
 * {@code -Dreliability.records=82-90} limits the full sweep's kills after a record to that range (to finish a sweep cut
 * short); its mid-step and database kills still run.
 */
class CrashResumeSandboxTest {
  static final long SEED = Long.getLong("reliability.seed", 20261125L);
  static final boolean FULL = Boolean.getBoolean("reliability.full");
  /** Kill points per runbook in the default run: enough to catch a regression over time, cheap enough for CI. */
  static final int SAMPLE = Integer.getInteger("reliability.sample", 1);
  /** A step that took at least this long in the uninterrupted run is also killed in its middle (full sweep). */
  static final Duration LONG_STEP = Duration.ofMillis(300);
  /** Full sweep only: the records k killed after, as FROM-TO (inclusive, 1-based); empty = every record. */
  static final String RECORDS = System.getProperty("reliability.records", "");

  static Stream<Scenario> scenarios() {
    String only = System.getProperty("reliability.runbooks", "");
    List<String> wanted = only.isBlank() ? List.of() : Arrays.asList(only.split(","));
    return CrashScenarios.ALL.stream().filter(s -> wanted.isEmpty() || wanted.contains(s.runbook()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void resumeAfterACrashEndsWhereTheUninterruptedRunEnds(Scenario s) throws Exception {
    try {
      sweep(s);
    } finally {
      SandboxDrill.dropTemplate(CrashSweep.estateName(s));
    }
  }

  private static void sweep(Scenario s) throws Exception {
    Baseline b = CrashSweep.baseline(s);
    Random random = new Random(SEED ^ s.runbook().hashCode());
    CrashSweep.report(s.runbook() + " | uninterrupted | " + b.records() + " journal records, " + b.took().toSeconds()
        + " s | seed " + SEED + (FULL ? " (full sweep" + (RECORDS.isBlank() ? "" : ", kills after records " + RECORDS) + ")" : " (sample of " + SAMPLE + "; replay with -Dreliability.seed=" + SEED + ")"));
    List<Outcome> outcomes = new ArrayList<>();
    Map<String, Duration> longSteps = b.longSteps(LONG_STEP);
    String chosen = System.getProperty("reliability.kills", "");
    if (!chosen.isBlank()) {
      // Replaying chosen crashes: record numbers, step:PATH (mid-step SIGKILL), db (the database kill).
      for (String c : chosen.split(",")) {
        if (c.startsWith("step:")) {
          String step = c.substring(5).replaceAll("@\\d+$", "");
          Duration into = c.matches(".*@\\d+") ? Duration.ofMillis(Long.parseLong(c.substring(c.lastIndexOf('@') + 1)))
              : longSteps.getOrDefault(step, Duration.ofMillis(300)).dividedBy(3);
          outcomes.add(reported(CrashSweep.killDuringStep(b, step, into)));
        } else if (c.equals("db")) {
          outcomes.add(reported(CrashSweep.killDatabaseDuringStep(b, Duration.ofMillis(200))));
        } else {
          outcomes.add(reported(CrashSweep.killAfterRecord(b, Integer.parseInt(c))));
        }
      }
    } else {
      for (int k : killPoints(b.records(), random)) outcomes.add(reported(CrashSweep.killAfterRecord(b, k)));
      if (FULL) {
        for (var e : longSteps.entrySet()) outcomes.add(reported(CrashSweep.killDuringStep(b, e.getKey(), e.getValue().dividedBy(3))));
        outcomes.add(reported(CrashSweep.killDatabaseDuringStep(b, Duration.ofMillis(200))));
      } else if (!longSteps.isEmpty() && s == midStepSample()) {
        List<String> steps = new ArrayList<>(longSteps.keySet());
        String step = steps.get(random.nextInt(steps.size()));
        outcomes.add(reported(CrashSweep.killDuringStep(b, step, longSteps.get(step).dividedBy(3))));
      }
    }
    List<String> failed = outcomes.stream().filter(o -> !o.held()).map(Outcome::line).toList();
    assertTrue(failed.isEmpty(), "seed " + SEED + ": " + failed.size() + " of " + outcomes.size() + " crashes of " + s
        + " did not end where the uninterrupted run ends:\n" + String.join("\n", failed));
    assertEquals(outcomes.size(), outcomes.stream().filter(Outcome::held).count());
  }

  /** The one runbook that also gets a mid-step kill in the default run (seeded, like the kill points). */
  static Scenario midStepSample() {
    return CrashScenarios.ALL.get(new Random(SEED).nextInt(CrashScenarios.ALL.size()));
  }

  /** Every record (or those in {@link #RECORDS}) in the full sweep; else a seeded sample. */
  static List<Integer> killPoints(int records, Random random) {
    TreeSet<Integer> ks = new TreeSet<>();
    if (FULL) {
      int from = 1;
      int to = records;
      if (!RECORDS.isBlank()) {
        Matcher m = Pattern.compile("(\\d+)-(\\d+)").matcher(RECORDS.strip());
        if (!m.matches()) throw new IllegalArgumentException("-Dreliability.records=" + RECORDS + ": expected FROM-TO, e.g. 82-90");
        from = Math.max(1, Integer.parseInt(m.group(1)));
        to = Math.min(records, Integer.parseInt(m.group(2)));
      }
      for (int k = from; k <= to; k++) ks.add(k);
    } else {
      while (ks.size() < Math.min(SAMPLE, records)) ks.add(1 + random.nextInt(records));
    }
    return List.copyOf(ks);
  }

  private static Outcome reported(Outcome o) {
    CrashSweep.report(o.line());
    return o;
  }
}

package io.runbook.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runbook.cli.Main;
import io.runbook.steps.cloud.sandbox.VmServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Crash-and-resume of a shipped runbook in the sandbox. The uninterrupted run on a fresh estate gives the number of
 * journal records and the end state; each crash then runs on another fresh estate with the same setup: the CLI in a
 * child JVM dies (exit 137) right after journal record k, or is SIGKILLed by this test while a named step runs, or the
 * database server under it is killed; {@code runbook resume} finishes the run; and the end state must equal the
 * uninterrupted run's ({@link EndState}), with no step reported done twice in the journal.
 */
final class CrashSweep {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RERUN = Pattern.compile("--rerun (\\S+)");
  /** Where every outcome line is appended, for docs/reliability.md. */
  static final Path REPORT = Path.of("target", "reliability", "crash-sweep.txt").toAbsolutePath();

  /** Prepares a fresh estate (data, snapshots, earlier runbooks) and returns the runbook's {@code -p} values. */
  interface Setup {
    List<String> prepare(SandboxDrill d) throws Exception;
  }

  /** A shipped runbook, the data setup it runs on, and the step during which the database server is killed. */
  record Scenario(String runbook, Setup setup, String dbKillStep, String dbKillHost) {
    @Override public String toString() { return runbook; }
  }

  /** One journal record, as the sweep looks at it. */
  record Entry(String type, String step, Instant at) {
    @Override public String toString() { return type + (step == null ? "" : " " + step); }
  }

  /** The uninterrupted run. */
  record Baseline(Scenario scenario, List<Entry> journal, EndState end, Map<String, String> outcomes, Duration took) {
    int records() { return journal.size(); }

    /** Steps that ran at least {@code min} in the uninterrupted run, with how long they took. */
    Map<String, Duration> longSteps(Duration min) {
      Map<String, Instant> started = new LinkedHashMap<>();
      Map<String, Duration> out = new LinkedHashMap<>();
      for (Entry e : journal) {
        if ("step-started".equals(e.type())) started.put(e.step(), e.at());
        if ("step-succeeded".equals(e.type()) && started.containsKey(e.step())) {
          Duration took = Duration.between(started.get(e.step()), e.at());
          if (took.compareTo(min) >= 0) out.put(e.step(), took);
        }
      }
      return out;
    }
  }

  /** What one crash and its resume did; {@link #held} when the end state equals the uninterrupted run's. */
  record Outcome(String scenario, String crash, List<String> events, List<String> differences) {
    boolean held() { return differences.isEmpty(); }

    String line() {
      return scenario + " | " + crash + " | " + String.join("; ", events) + " | "
          + (held() ? "end state equal" : "DIFFERS: " + String.join("; ", differences));
    }
  }

  private CrashSweep() {}

  // ---------------------------------------------------------------- the uninterrupted run

  static Baseline baseline(Scenario s) throws Exception {
    try (SandboxDrill d = SandboxDrill.fresh(estateName(s), 1)) {
      List<String> params = s.setup().prepare(d);
      List<String> before = runs(d);
      long t0 = System.nanoTime();
      SandboxDrill.Result r = d.run(s.runbook(), params.toArray(String[]::new));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      if (r.exit() != 0) throw new AssertionError(s + ": the uninterrupted run failed (exit " + r.exit() + ")");
      Path runDir = newRun(d, before);
      String runId = runDir.getFileName().toString();
      List<Entry> journal = journal(runDir);
      return new Baseline(s, journal, EndState.of(d, runId), outcomes(journal), took);
    }
  }

  // ---------------------------------------------------------------- crashes

  /**
   * The engine dies right after journal record k is on disk. A run that ends by itself before record k has not been
   * crashed at all: that attempt is reported (why it ended, its evidence kept) and tried once more on a fresh estate;
   * a second such end is a finding.
   */
  static Outcome killAfterRecord(Baseline b, int k) throws Exception {
    Scenario s = b.scenario();
    String crash = "killed after record " + k + "/" + b.records() + " (" + (k <= b.records() ? b.journal().get(k - 1) : "past the end") + ")";
    List<String> events = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      try (SandboxDrill d = SandboxDrill.fresh(estateName(s), 1)) {
        List<String> params = s.setup().prepare(d);
        List<String> before = runs(d);
        Process p = startCli(d, s.runbook(), params, Map.of("RUNBOOK_TEST_KILL_AFTER_RECORD", String.valueOf(k)));
        int exit = await(p, Duration.ofMinutes(5));
        events.add("run exit " + exit);
        Path runDir = newRun(d, before);
        if (exit != 137) {
          // Say why, and keep what would otherwise be deleted with the estate.
          String why = "the run did not die at record " + k + " (exit " + exit + "; " + (runDir == null
              ? "no run folder; CLI output: " + cliOutputTail(d, 12)
              : journal(runDir).size() + " records; first failure: " + failureMessage(runDir) + "; run.log: " + runLogTail(runDir, 12)) + ")";
          if (runDir != null) keepEvidence(d, runDir, s, crash + " attempt " + attempt);
          if (attempt == 2) return new Outcome(s.runbook(), crash, events, List.of(why));
          events.add(why + "; trying again on a fresh estate");
          report(s.runbook() + " | " + crash + " | attempt 1: " + why);
          continue;
        }
        int written = journal(runDir).size();
        if (written != k) return new Outcome(s.runbook(), crash, events, List.of("journal holds " + written + " records, not " + k));
        return resumeAndCompare(b, d, runDir, crash, events);
      }
    }
  }

  /**
   * SIGKILL from the test while {@code step} runs: once its step-started record is on disk, wait {@code into} (a third
   * of the step's duration in the uninterrupted run), then kill the engine's JVM.
   */
  static Outcome killDuringStep(Baseline b, String step, Duration into) throws Exception {
    Scenario s = b.scenario();
    String crash = "SIGKILL " + into.toMillis() + " ms into step " + step;
    try (SandboxDrill d = SandboxDrill.fresh(estateName(s), 1)) {
      List<String> params = s.setup().prepare(d);
      List<String> events = new ArrayList<>();
      List<String> before = runs(d);
      Process p = startCli(d, s.runbook(), params, Map.of());
      Path runDir = awaitStepStarted(d, before, p, step);
      if (runDir == null) return new Outcome(s.runbook(), crash, events, List.of("step " + step + " never started"));
      Thread.sleep(into.toMillis());
      p.destroyForcibly();
      int exit = await(p, Duration.ofMinutes(1));
      boolean ended = journal(runDir).stream().anyMatch(e -> step.equals(e.step()) && !"step-started".equals(e.type()));
      events.add("run exit " + exit + (ended ? " (the step had already ended: not mid-step)" : " (mid-step)"));
      return resumeAndCompare(b, d, runDir, crash, events);
    }
  }

  /**
   * The database server of {@code host}'s VM is SIGKILLed (a crashed mariadbd / a VM losing power) while {@code step}
   * runs. The run is left to end by itself; the operator then starts the server again (what `runbook sandbox up`
   * does for a running VM whose server is down) and resumes.
   */
  static Outcome killDatabaseDuringStep(Baseline b, Duration into) throws Exception {
    Scenario s = b.scenario();
    String step = s.dbKillStep();
    String crash = "mariadbd of " + s.dbKillHost() + " SIGKILLed " + into.toMillis() + " ms into step " + step;
    try (SandboxDrill d = SandboxDrill.fresh(estateName(s), 1)) {
      List<String> params = s.setup().prepare(d);
      List<String> events = new ArrayList<>();
      List<String> before = runs(d);
      Process p = startCli(d, s.runbook(), params, Map.of());
      Path runDir = awaitStepStarted(d, before, p, step);
      if (runDir == null) return new Outcome(s.runbook(), crash, events, List.of("step " + step + " never started"));
      Thread.sleep(into.toMillis());
      String vm = d.estate.inventory().hosts().get(s.dbKillHost()).vmName();
      new VmServer(d.estate.cloud().layout(), vm).kill();
      int exit = await(p, Duration.ofMinutes(5));
      List<Entry> j = journal(runDir);
      Entry last = j.get(j.size() - 1);
      events.add("run exit " + exit + " (last record: " + last + ")");
      if (exit != 0) {
        // The operator reads the failure, starts the server again and resumes.
        String firstFailure = j.stream().filter(e -> "step-failed".equals(e.type())).map(Entry::step).findFirst().orElse("-");
        events.add("failed step " + firstFailure + ": " + failureMessage(runDir));
        try (var files = Files.list(runDir)) {
          events.add("run folder: " + files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        d.estate.up(1);
        awaitAnswering(d, s.dbKillHost());
        events.add("operator restarted the servers (sandbox up)");
      }
      return resumeAndCompare(b, d, runDir, crash, events);
    }
  }

  /** Waits (up to 2 minutes) until the host's server answers: InnoDB recovery runs after the pid file is written. */
  private static void awaitAnswering(SandboxDrill d, String host) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!d.answers(host) && System.nanoTime() < deadline) Thread.sleep(200);
  }

  // ---------------------------------------------------------------- resume and compare

  /**
   * Resumes (in this JVM, as `runbook resume RUN --yes`) until the run ends. A resume that stops at exit 4 (an in-doubt
   * step the engine cannot check) gets the operator's {@code --rerun} only for steps in {@link #OPERATOR_RERUNS};
   * anything else is a finding.
   */
  private static Outcome resumeAndCompare(Baseline b, SandboxDrill d, Path runDir, String crash, List<String> events)
      throws Exception {
    String runId = runDir.getFileName().toString();
    List<String> extra = new ArrayList<>();
    int exit = -1;
    for (int attempt = 1; attempt <= 4; attempt++) {
      Resumed r = resume(d, runId, extra);
      exit = r.exit();
      events.add("resume" + (extra.isEmpty() ? "" : " " + String.join(" ", extra)) + " exit " + exit);
      if (exit != 4) break;
      Matcher m = RERUN.matcher(r.out());
      if (!m.find()) break;
      String step = m.group(1);
      events.add("in doubt: " + step);
      if (!OPERATOR_RERUNS.containsKey(stepId(step))) break;
      extra = new ArrayList<>(List.of("--rerun", step));
    }
    List<String> differences = new ArrayList<>();
    if (exit != 0) {
      String tail = runLogTail(runDir, 6);
      for (var safe : SAFE_STOPS.entrySet()) {
        if (tail.contains(safe.getKey())) {
          events.add("stopped safely (" + safe.getValue() + "): " + tail.substring(tail.indexOf(safe.getKey())));
          return new Outcome(b.scenario().runbook(), crash, events, differences);
        }
      }
      differences.add("resume ended with exit " + exit + ": " + tail);
      keepEvidence(d, runDir, b.scenario(), crash);
      return new Outcome(b.scenario().runbook(), crash, events, differences);
    }
    List<Entry> journal = journal(runDir);
    Map<String, String> outcomes = outcomes(journal);
    if (!outcomes.equals(b.outcomes())) differences.add("step outcomes differ: " + outcomes + " vs " + b.outcomes());
    Map<String, Integer> done = new TreeMap<>();
    for (Entry e : journal) if ("step-succeeded".equals(e.type())) done.merge(e.step(), 1, Integer::sum);
    done.forEach((step, n) -> { if (n > 1) differences.add("step " + step + " reported done " + n + " times"); });
    differences.addAll(b.end().differences(EndState.of(d, runId)));
    if (!differences.isEmpty()) keepEvidence(d, runDir, b.scenario(), crash);
    return new Outcome(b.scenario().runbook(), crash, events, differences);
  }

  /** Copies the run folder, the CLI's output and the servers' error logs out of the estate before it is removed. */
  private static void keepEvidence(SandboxDrill d, Path runDir, Scenario s, String crash) throws Exception {
    Path to = REPORT.resolveSibling("evidence").resolve(s.runbook() + "-" + crash.replaceAll("[^A-Za-z0-9]+", "-"));
    Files.createDirectories(to);
    List<String> argv = new ArrayList<>(List.of("cp", "-r", runDir.toString()));
    try (var files = Files.list(d.estate.root())) {
      files.filter(p -> p.getFileName().toString().startsWith("cli-")).forEach(p -> argv.add(p.toString()));
    }
    argv.add(to.toString());
    new ProcessBuilder(argv).inheritIO().start().waitFor();
    for (String vm : d.estate.cloud().layout().names(d.estate.cloud().layout().vms())) {
      Path err = d.estate.cloud().layout().errorLog(vm);
      if (Files.exists(err)) Files.copy(err, to.resolve(vm + "-mariadbd.err"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    System.out.println("---- evidence kept in " + to);
  }

  /**
   * In-doubt steps where the operator's answer is to run the step again, and why an operator would. Empty: every
   * CHANGES step of the shipped runbooks reconciles, or is idempotent, or is declared READS.
   */
  static final Map<String, String> OPERATOR_RERUNS = Map.of();

  /**
   * Failures that are the right end of a resume, not a finding, and why: the engine cannot make the state right by
   * itself and says what the operator must do.
   */
  static final Map<String, String> SAFE_STOPS = Map.of(
      "restarted while a replay ran on it with relaxed durability",
      "the target lost committed transactions its binlog still lists; only restoring the base again makes it right");

  private record Resumed(int exit, String out) {}

  private static Resumed resume(SandboxDrill d, String runId, List<String> extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--state-dir", d.stateDir.toString(), "resume", runId, "--yes"));
    args.addAll(extra);
    InProcessCli.Out out = InProcessCli.runShown(args);
    return new Resumed(out.exit(), out.text());
  }

  // ---------------------------------------------------------------- the child JVM

  private static Process startCli(SandboxDrill d, String runbook, List<String> params, Map<String, String> env)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
        "io.runbook.cli.Main", "--state-dir", d.stateDir.toString(), "run", runbook + ".yaml",
        "-i", d.inventory.toString(), "--yes"));
    for (String p : params) { cmd.add("-p"); cmd.add(p); }
    Path log = d.estate.root().resolve("cli-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(new File("/dev/null"));
    pb.environment().remove("RUNBOOK_STATE_DIR");
    pb.environment().remove("RUNBOOK_TEST_KILL_AFTER_RECORD");
    pb.environment().putAll(env);
    System.out.println("---- child JVM: runbook run " + runbook + " " + params + " " + env + " (output in " + log + ")");
    return pb.start();
  }

  private static int await(Process p, Duration max) throws InterruptedException {
    if (!p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("the runbook process did not end within " + max);
    }
    return p.exitValue();
  }

  /** Polls the newest run's journal until {@code step} has started; null when the process ended first. */
  private static Path awaitStepStarted(SandboxDrill d, List<String> before, Process p, String step) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      Path runs = d.stateDir.resolve("runs");
      if (Files.isDirectory(runs)) {
        Path run = newRun(d, before);
        if (run != null && journal(run).stream().anyMatch(e -> "step-started".equals(e.type()) && step.equals(e.step()))) {
          return run;
        }
      }
      if (!p.isAlive()) return null;
      Thread.sleep(5);
    }
    p.destroyForcibly();
    throw new AssertionError("step " + step + " did not start within 5 minutes");
  }

  // ---------------------------------------------------------------- journal

  static List<Entry> journal(Path runDir) throws IOException {
    List<Entry> out = new ArrayList<>();
    Path f = runDir.resolve("journal.jsonl");
    if (!Files.exists(f)) return out;
    for (String line : Files.readAllLines(f)) {
      if (line.isBlank()) continue;
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        continue; // a line being written while we read
      }
      out.add(new Entry(n.path("type").asText(), n.hasNonNull("step") ? n.get("step").asText() : null,
          Instant.parse(n.path("at").asText())));
    }
    return out;
  }

  /** How each step ended: succeeded or skipped (the last record of it wins; resume may retry a failed one). */
  static Map<String, String> outcomes(List<Entry> journal) {
    Map<String, String> out = new TreeMap<>();
    for (Entry e : journal) {
      if (e.step() == null) continue;
      switch (e.type()) {
        case "step-succeeded", "step-skipped", "step-failed" -> out.put(e.step(), e.type());
        default -> { }
      }
    }
    return out;
  }

  private static String failureMessage(Path runDir) throws IOException {
    for (String line : Files.readAllLines(runDir.resolve("journal.jsonl"))) {
      JsonNode n = JSON.readTree(line);
      if ("step-failed".equals(n.path("type").asText())) return n.path("message").asText();
    }
    return "(no step-failed record)";
  }

  /** The last lines of the run's run.log, joined. */
  private static String runLogTail(Path runDir, int lines) throws IOException {
    Path f = runDir.resolve("run.log");
    if (!Files.exists(f)) return "(no run.log)";
    return lastLines(Files.readAllLines(f), lines);
  }

  /** The last lines of the child CLI's output (all child runs of this estate), joined. */
  private static String cliOutputTail(SandboxDrill d, int lines) throws IOException {
    List<String> all = new ArrayList<>();
    try (var files = Files.list(d.estate.root())) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("cli-")).sorted().toList()) all.addAll(Files.readAllLines(f));
    }
    return lastLines(all, lines);
  }

  private static String lastLines(List<String> all, int lines) {
    return String.join(" / ", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** The step id of a path like {@code rebuild/replica-1/replica-link}. */
  static String stepId(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The run ids in the state folder now (the setup may have run other runbooks). */
  static List<String> runs(SandboxDrill d) throws IOException {
    Path runs = d.stateDir.resolve("runs");
    if (!Files.isDirectory(runs)) return List.of();
    try (var s = Files.list(runs)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** The run started after {@code before} was listed, or null while there is none. */
  static Path newRun(SandboxDrill d, List<String> before) throws IOException {
    return runs(d).stream().filter(r -> !before.contains(r)).max(Comparator.naturalOrder())
        .map(r -> d.stateDir.resolve("runs").resolve(r)).orElse(null);
  }

  static String estateName(Scenario s) { return "crash-" + s.runbook(); }

  /** Appends outcome lines to {@link #REPORT}. */
  static synchronized void report(String line) {
    System.out.println("[crash-sweep] " + line);
    try {
      Files.createDirectories(REPORT.getParent());
      Files.writeString(REPORT, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

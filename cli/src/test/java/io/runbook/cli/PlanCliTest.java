package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runbook plan and run --plan end to end, each in its own JVM. */
class PlanCliTest {
  @TempDir Path dir;

  static final String RUNBOOK = """
      runbook: reviewed
      params:
        name: { type: string, default: first }
        marker: { type: string }
      steps:
        - id: look
          use: core.exec
          with: { command: [sh, -c, 'cat "$M" 2>/dev/null || echo none'], env: { M: "${{ params.marker }}" }, effect: READS }
        - id: touch
          use: core.exec
          with: { command: [sh, -c, 'echo "$N" > "$M.done"'], env: { N: "${{ params.name }}", M: "${{ params.marker }}" } }
      """;

  @Test
  void planShowsTheStepsAndRunsNothingThatChanges() throws Exception {
    Path rb = dir.resolve("reviewed.yaml");
    Files.writeString(rb, RUNBOOK);
    Path marker = dir.resolve("marker");
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "plan", rb.toString(), "-p", "marker=" + marker);
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("1. look  core.exec  READS  [ran (read only)]"), r.out());
    assertTrue(r.out().contains("outputs: exitCode=0, stdout=none"), r.out());
    assertTrue(r.out().contains("2. touch  core.exec  CHANGES  [would run]"), r.out());
    assertFalse(Files.exists(dir.resolve("marker.done")), "the CHANGES step did not run");

    CliProcess.Result md = CliProcess.run(dir, Map.of(), "plan", rb.toString(), "-p", "marker=" + marker,
        "--format", "markdown");
    assertTrue(md.out().startsWith("# Plan: reviewed\n"), md.out());
    CliProcess.Result json = CliProcess.run(dir, Map.of(), "plan", rb.toString(), "-p", "marker=" + marker,
        "--format", "json");
    assertTrue(json.out().contains("\"disposition\" : \"RAN\""), json.out());
  }

  @Test
  void runPlanRefusesAChangedRunbookOrParamAndWarnsAboutChangedReads() throws Exception {
    Path rb = dir.resolve("reviewed.yaml");
    Files.writeString(rb, RUNBOOK);
    Path marker = dir.resolve("marker");
    Path plan = dir.resolve("plan.json");
    String state = dir.resolve("state").toString();
    CliProcess.Result made = CliProcess.run(dir, Map.of(), "plan", rb.toString(), "-p", "marker=" + marker,
        "-p", "name=first", "--out", plan.toString());
    assertEquals(0, made.exit(), made.all());
    assertTrue(Files.readString(plan).contains("\"sha256\""));

    CliProcess.Result otherParam = CliProcess.run(dir, Map.of(), "--state-dir", state, "run", rb.toString(),
        "-p", "marker=" + marker, "-p", "name=second", "--plan", plan.toString());
    assertEquals(2, otherParam.exit(), otherParam.all());
    assertTrue(otherParam.err().contains("parameter name was first in the plan, second now"), otherParam.err());
    assertFalse(Files.exists(dir.resolve("marker.done")), "nothing ran");

    Files.writeString(rb, RUNBOOK.replace("default: first", "default: changed"));
    CliProcess.Result otherRunbook = CliProcess.run(dir, Map.of(), "--state-dir", state, "run", rb.toString(),
        "-p", "marker=" + marker, "-p", "name=first", "--plan", plan.toString());
    assertEquals(2, otherRunbook.exit(), otherRunbook.all());
    assertTrue(otherRunbook.err().contains("the runbook changed since the plan was made"), otherRunbook.err());
    assertFalse(Files.exists(dir.resolve("marker.done")), "nothing ran");

    Files.writeString(rb, RUNBOOK);
    Files.writeString(marker, "newer\n");
    CliProcess.Result ok = CliProcess.run(dir, Map.of(), "--state-dir", state, "run", rb.toString(),
        "-p", "marker=" + marker, "-p", "name=first", "--plan", plan.toString());
    assertEquals(0, ok.exit(), ok.all());
    assertTrue(ok.err().contains("warning: since the plan was reviewed, step look: stdout was none in the plan, newer now"),
        ok.err());
    assertEquals("first\n", Files.readString(dir.resolve("marker.done")));
    String planned = io.runbook.engine.plan.PlanJson.read(plan).runId();
    assertTrue(Files.isDirectory(dir.resolve("state/runs").resolve(planned)), "the run took the reviewed plan's run id");
    CliProcess.Result again = CliProcess.run(dir, Map.of(), "--state-dir", state, "run", rb.toString(),
        "-p", "marker=" + marker, "-p", "name=first", "--plan", plan.toString());
    assertEquals(2, again.exit(), again.all());
    assertTrue(again.err().contains("a reviewed plan runs once"), again.err());
  }

  @Test
  void offlinePlanLoadsNoCloudDatabaseOrSshClasses() throws Exception {
    CliProcess.Result r = CliProcess.run(dir, Map.of(), List.of("-Xlog:class+load=info"), "plan", "--offline",
        CliTest.EXAMPLES.resolve("plan-review.yaml").toString());
    assertEquals(0, r.exit(), r.err());
    List<String> heavy = r.out().lines()
        .filter(l -> l.contains(" com.azure.") || l.contains(" org.mariadb.") || l.contains(" com.jcraft.")
            || l.contains(" io.netty.") || l.contains(" reactor.") || l.contains(" com.fasterxml.jackson."))
        .toList();
    assertTrue(heavy.isEmpty(), "plan --offline must stay light; loaded: " + heavy.stream().limit(10).toList());
    assertTrue(r.out().contains(" io.runbook.engine.plan.Planner "), "the log really lists classes");
  }

  @Test
  void aCalledRunbookPlansNestedInRunOrderEvenWhenCallerAndCalleeShareStepIds() throws Exception {
    Path callee = dir.resolve("inner.yaml");
    Files.writeString(callee, """
        runbook: inner
        steps:
          - id: zeta
            use: core.log
            with: { message: first inside }
          - id: done
            use: core.log
            with: { message: second inside }
        """);
    Path caller = dir.resolve("outer.yaml");
    Files.writeString(caller, """
        runbook: outer
        steps:
          - id: call
            use: runbook
            with: { name: inner.yaml }
          - id: done
            use: core.log
            with: { message: after the call }
        """);
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "plan", caller.toString(), "--offline");
    assertEquals(0, r.exit(), r.all());
    List<String> numbered = r.out().lines().map(String::strip).filter(l -> l.matches("\\d+\\. .*"))
        .map(l -> l.substring(0, l.indexOf("  "))).toList();
    assertEquals(List.of("1. call/zeta", "2. call/done", "3. done"), numbered, r.out());
  }

  @Test
  void planExitCodesSayWhatThePlanFound() throws Exception {
    Path blocked = dir.resolve("blocked.yaml");
    Files.writeString(blocked, """
        runbook: blocked
        params:
          free_gb: { type: int, default: 3 }
        steps:
          - id: check
            use: core.log
            with: { message: "checking" }
            require:
              - that: ${{ params.free_gb > 10 }}
                because: the copy needs 10 GB free
          - id: after
            use: core.log
            with: { message: after }
        """);
    CliProcess.Result b = CliProcess.run(dir, Map.of(), "plan", blocked.toString());
    assertEquals(3, b.exit(), b.all());
    assertTrue(b.out().contains("2. after"), "the plan still prints in full: " + b.out());

    Path failing = dir.resolve("failing.yaml");
    Files.writeString(failing, """
        runbook: failing
        params:
          free_gb: { type: int, default: 3 }
        steps:
          - id: look
            use: core.exec
            with: { command: [sh, -c, 'exit 7'], effect: READS }
          - id: check
            use: core.log
            with: { message: "checking" }
            require:
              - that: ${{ params.free_gb > 10 }}
                because: the copy needs 10 GB free
        """);
    CliProcess.Result f = CliProcess.run(dir, Map.of(), "plan", failing.toString());
    assertEquals(1, f.exit(), "a failed READS step wins over a false precondition: " + f.all());
    assertTrue(f.out().contains("failed while planning"), f.out());

    Path later = dir.resolve("later.yaml");
    Files.writeString(later, """
        runbook: later
        params:
          free_gb: { type: int, default: 3 }
        steps:
          - id: make-room
            use: core.exec
            with: { command: [sh, -c, 'exit 0'] }
          - id: look
            use: core.exec
            with: { command: [sh, -c, 'exit 7'], effect: READS }
          - id: check
            use: core.log
            with: { message: "checking" }
            require:
              - that: ${{ params.free_gb > 10 }}
                because: the copy needs 10 GB free
        """);
    CliProcess.Result l = CliProcess.run(dir, Map.of(), "plan", later.toString());
    assertEquals(0, l.exit(), "after a step that would change something, nothing is known now: " + l.all());
    assertTrue(l.out().contains("failed while planning") && l.out().contains("BLOCKED"), l.out());

    CliProcess.Result ok = CliProcess.run(dir, Map.of(), "plan", blocked.toString(), "-p", "free_gb=20");
    assertEquals(0, ok.exit(), ok.all());
    CliProcess.Result invalid = CliProcess.run(dir, Map.of(), "plan", blocked.toString(), "-p", "free_gb=lots");
    assertEquals(2, invalid.exit(), invalid.all());
  }

  @Test
  void aLoopOverARunTimeListShowsOneSketchedItemWithItsCommand() throws Exception {
    Path rb = dir.resolve("sketch.yaml");
    Files.writeString(rb, """
        runbook: sketch
        steps:
          - id: list
            use: core.exec
            with: { command: [sh, -c, 'echo replica-1'] }
          - id: each
            foreach: ${{ [steps.list.stdout] }}
            as: replica
            steps:
              - id: check
                use: core.exec
                with: { command: [sh, -c, 'touch "$0.checked"', "${{ replica }}"], effect: READS }
        """);
    CliProcess.Result r = CliProcess.run(dir, Map.of(), "plan", rb.toString());
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("2. each[*]/check  core.exec  READS  [would run]"), r.out());
    assertTrue(r.out().contains("'<replica>'"), "the command with the placeholder item: " + r.out());
    assertFalse(Files.exists(dir.resolve("<replica>.checked")), "the sketched READS step did not run");
  }
  /** --out is checked before planning: a folder, or a file in a folder that does not exist, is refused by name. */
  @Test
  void planRefusesAnOutFileItCannotWriteBeforeAnyStepRuns() throws Exception {
    Path rb = dir.resolve("reads.yaml");
    Files.writeString(rb, """
        runbook: reads
        steps:
          - id: look
            use: core.exec
            with: { command: [touch, "%s"], effect: READS }
        """.formatted(dir.resolve("looked")));
    CliProcess.Result folder = CliProcess.run(dir, Map.of(), "plan", rb.toString(), "--out", dir.toString());
    assertEquals(2, folder.exit(), folder.all());
    assertTrue(folder.err().contains("cannot write the plan to " + dir + ": it is a directory"), folder.err());
    assertFalse(folder.all().contains("internal error") || folder.all().contains("Exception"), folder.all());
    assertEquals("", folder.out(), "nothing was planned");
    assertFalse(Files.exists(dir.resolve("looked")), "the READS step did not run");

    Path missing = dir.resolve("missing").resolve("p.json");
    CliProcess.Result noFolder = CliProcess.run(dir, Map.of(), "plan", rb.toString(), "--out", missing.toString());
    assertEquals(2, noFolder.exit(), noFolder.all());
    assertTrue(noFolder.err().contains("cannot write the plan to " + missing + ": its folder " + missing.getParent()
        + " does not exist"), noFolder.err());
    assertFalse(Files.exists(dir.resolve("looked")), "the READS step did not run");

    CliProcess.Result json = CliProcess.run(dir, Map.of(), "--output", "json", "plan", rb.toString(), "--out", dir.toString());
    assertEquals(2, json.exit(), json.all());
    var events = JsonOutputCliTest.lines(json.err());
    assertEquals(List.of("error"), JsonOutputCliTest.types(events), json.err());
    assertTrue(events.get(0).get("message").asText().contains("it is a directory"), json.err());
  }

  /** A runbook whose steps act on hosts cannot be planned without an inventory, exactly as it cannot run. */
  @Test
  void planRefusesHostStepsWithoutAnInventoryAsRunDoes() throws Exception {
    Path rb = dir.resolve("on-host.yaml");
    Files.writeString(rb, """
        runbook: on-host
        params:
          h: { type: string, default: primary }
        steps:
          - id: q
            use: db.query
            on: ${{ params.h }}
            with: { sql: SELECT 1 }
        """);
    String refusal = "steps q (db.query) need hosts or a cloud: give an inventory with -i FILE";
    for (List<String> plan : List.of(List.of("plan", rb.toString(), "--offline"), List.of("plan", rb.toString()))) {
      CliProcess.Result r = CliProcess.run(dir, Map.of(), plan.toArray(String[]::new));
      assertEquals(2, r.exit(), r.all());
      assertTrue(r.err().contains(refusal), r.err());
      assertFalse(r.all().contains("known hosts"), r.all());
      assertFalse(r.out().contains("the plan is complete"), r.out());
    }
    CliProcess.Result run = CliProcess.run(dir, Map.of(), "--state-dir", dir.resolve("state").toString(), "run", rb.toString());
    assertEquals(2, run.exit(), run.all());
    assertTrue(run.err().contains(refusal), run.err());
  }
  /** A --plan file that is no plan is refused naming the file and why, in words: no parser or exception class names. */
  @Test
  void runPlanNamesTheFileAndWhyItIsNoPlan() throws Exception {
    Path rb = dir.resolve("reviewed.yaml");
    Files.writeString(rb, RUNBOOK);
    Files.writeString(dir.resolve("array.json"), "[]\n");
    Files.writeString(dir.resolve("broken.json"), "{\"runbook\": \n");
    Files.writeString(dir.resolve("wrong.json"), "{\"runbook\": {\"name\": \"x\"}, \"steps\": {\"a\": 1}}\n");
    Files.createDirectories(dir.resolve("folder"));
    Map<String, String> expected = Map.of(
        "array.json", "it holds a JSON array, not a plan written by runbook plan --out",
        "broken.json", "it is not JSON (line 2, column 1)",
        "wrong.json", "its field 'steps' is not what runbook plan --out writes there",
        "missing.json", "no such file",
        "folder", "it is a directory, not a plan file");
    for (var e : expected.entrySet()) {
      CliProcess.Result r = CliProcess.run(dir, Map.of(), "--state-dir", dir.resolve("state").toString(), "run",
          rb.toString(), "-p", "marker=" + dir.resolve("marker"), "--plan", e.getKey());
      assertEquals(2, r.exit(), r.all());
      assertTrue(r.err().contains("cannot read the plan " + e.getKey() + ": " + e.getValue()), r.err());
      assertFalse(BadInputCliTest.LEAK.matcher(r.all()).find() || r.all().contains("Jackson")
          || r.all().contains("PlanDocument") || r.all().contains("JsonToken"), r.all());
      assertFalse(Files.exists(dir.resolve("marker.done")), "nothing ran");
    }
  }
}

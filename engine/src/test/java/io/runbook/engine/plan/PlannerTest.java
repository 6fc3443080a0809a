package io.runbook.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.plan.PlanDocument.Check;
import io.runbook.engine.plan.PlanDocument.Disposition;
import io.runbook.engine.plan.PlanDocument.OutputSource;
import io.runbook.engine.plan.PlanDocument.Step;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.StepLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dry-run planner: READS run, nothing else does; predicted outputs feed later steps and their requires. */
class PlannerTest {
  @TempDir Path dir;

  final PlanTypes.Find find = new PlanTypes.Find();
  final PlanTypes.Command command = new PlanTypes.Command();
  final StepRegistry registry = StepRegistry.ofTypes(find, new PlanTypes.Create(), new PlanTypes.Swap(),
      new PlanTypes.Wipe(), command, new PlanTypes.Wait());

  static final String RESTORE = """
      runbook: restore
      summary: restore a disk from its newest snapshot
      params:
        disk: { type: string, default: data1 }
        password: { type: string, secret: true, default: "env:DB_PASSWORD" }
      steps:
        - id: pick
          use: t.find
          with: { disk: "${{ params.disk }}" }
        - id: create
          use: t.create
          with: { name: "${{ params.disk }}-new", snapshot: "${{ steps.pick.snapshot }}" }
        - id: swap
          use: t.swap
          retry: { attempts: 3, backoff: 2s }
          timeout: 5m
          require:
            - that: ${{ steps.create.disk == 'disk-' + params.disk + '-new' }}
              because: the new disk must be the one just created
          with: { disk: "${{ steps.create.disk }}", password: "${{ params.password }}" }
        - id: wipe
          use: t.wipe
          with: { disk: "${{ params.disk }}" }
        - id: after
          use: t.swap
          require:
            - that: ${{ steps.wipe.wiped != '' }}
              because: the wipe must have reported its disk
          with: { disk: "${{ steps.wipe.wiped }}" }
      """;

  PlanDocument plan(String yaml, Map<String, String> given, boolean offline) throws Exception {
    Path file = dir.resolve("runbook.yaml");
    Files.writeString(file, yaml);
    Runbook rb = RunbookLoader.load(file, registry);
    Map<String, Object> params = ParamBinder.bind(rb, given, Optional.empty(), Inventory.EMPTY, Instant.now());
    return Planner.plan(new Planner.Request(rb, Optional.empty(), Inventory.EMPTY, given, params, offline,
        "20261125-120000-abcd", Instant.parse("2026-11-25T12:00:00Z"), Map.of("DB_PASSWORD", "hunter2-secret"),
        dir, StepLog.NONE), registry);
  }

  static Step step(PlanDocument p, String path) {
    return p.steps().stream().filter(s -> s.path().equals(path)).findFirst().orElseThrow(() -> new AssertionError(
        "no step " + path + " in " + p.steps().stream().map(Step::path).toList()));
  }

  @Test
  void readsRunAndChangesArePredictedAndLaterRequiresSeeThePrediction() throws Exception {
    PlanDocument p = plan(RESTORE, Map.of(), false);
    assertEquals(List.of("pick", "create", "swap", "wipe", "after"), p.steps().stream().map(Step::path).toList());
    assertEquals(List.of(1, 2, 3, 4, 5), p.steps().stream().map(Step::number).toList());
    assertEquals(1, find.runs.get(), "the READS step really ran once");

    Step pick = step(p, "pick");
    assertEquals(Disposition.RAN, pick.disposition());
    assertEquals(OutputSource.REAL, pick.outputSource());
    assertEquals(Map.of("snapshot", "snap-of-data1"), pick.outputs());

    Step create = step(p, "create");
    assertEquals(Disposition.PLANNED, create.disposition());
    assertEquals(Effect.CHANGES, create.effect());
    assertEquals("PUT disk data1-new from snap-of-data1", create.actions().get(0).text(), "planned with the real READS value");
    assertEquals(OutputSource.PREDICTED, create.outputSource());
    assertEquals(Map.of("disk", "disk-data1-new"), create.outputs());

    Step swap = step(p, "swap");
    assertEquals(List.of(new Check("require", "${{ steps.create.disk == 'disk-' + params.disk + '-new' }}",
        "the new disk must be the one just created", "true")), swap.checks(), "the require is judged on the prediction");
    assertEquals("attach disk-data1-new --password ***", swap.actions().get(0).text(), "secret redacted");
    assertEquals(3, swap.attempts());
    assertEquals("2s", swap.backoff());
    assertEquals("5m", swap.timeout());
    assertEquals(OutputSource.NONE, swap.outputSource());

    Step wipe = step(p, "wipe");
    assertEquals(Effect.DESTROYS, wipe.effect());
    assertEquals(OutputSource.RUN_TIME, wipe.outputSource());
    assertEquals("Wipes a disk: wipe data1 (on disk data1)", wipe.atRisk());
    assertEquals(List.of(wipe), p.destructive());

    Step after = step(p, "after");
    assertEquals(Check.RUN_TIME, after.checks().get(0).value(), "a require on an undecided output is decided at run time");
    assertEquals(Disposition.UNRESOLVED, after.disposition());
    assertTrue(after.note().contains("decided at run time") && after.note().contains("steps.wipe"), after.note());
    assertEquals(Map.of("pick", Map.of("snapshot", "snap-of-data1")), p.readResults());
    assertTrue(p.problems().isEmpty(), p.problems().toString());
  }

  @Test
  void aFalsePreconditionOnThePredictedStateBlocksTheStep() throws Exception {
    PlanDocument p = plan(RESTORE.replace("params.disk + '-new'", "'something-else'"), Map.of(), false);
    Step swap = step(p, "swap");
    assertEquals("false", swap.checks().get(0).value());
    assertEquals(Disposition.BLOCKED, swap.disposition());
  }

  @Test
  void nothingThatIsNotReadsExecutesAndOfflineRunsNothing() throws Exception {
    String yaml = RESTORE + """
          - id: changes-by-input
            use: t.command
            with: { text: hello, effect: CHANGES }
          - id: reads-by-input
            use: t.command
            with: { text: hello }
          - id: wait
            use: t.wait
            with: { until: caught up }
        """;
    // Every non-READS type throws AssertionError from run(): the plan would not return if one were called.
    PlanDocument p = plan(yaml, Map.of(), false);
    assertEquals(Effect.CHANGES, step(p, "changes-by-input").effect());
    assertEquals(Disposition.PLANNED, step(p, "changes-by-input").disposition());
    assertEquals(Disposition.RAN, step(p, "reads-by-input").disposition());
    assertEquals(1, command.runs.get());
    assertEquals(Disposition.PLANNED, step(p, "wait").disposition(), "a READS step that only waits is not run");
    assertEquals("a wait: not run while planning", step(p, "wait").note());

    PlanDocument offline = plan(yaml, Map.of(), true);
    assertEquals(1, find.runs.get(), "offline: no READS step ran");
    assertEquals(1, command.runs.get());
    assertEquals(Disposition.PLANNED, step(offline, "pick").disposition());
    assertEquals(OutputSource.RUN_TIME, step(offline, "pick").outputSource());
    assertEquals(Disposition.UNRESOLVED, step(offline, "create").disposition(), "its snapshot is decided at run time");
    assertTrue(offline.readResults().isEmpty());
  }

  @Test
  void foreachItemsAreExpandedInOrderEvenWhenParallel() throws Exception {
    String yaml = """
        runbook: loop
        params:
          disks: { type: list<string>, default: [a, b, c, d] }
        steps:
          - id: each
            foreach: ${{ params.disks }}
            as: d
            parallel: true
            steps:
              - id: look
                use: t.find
                with: { disk: "${{ d }}" }
              - id: make
                use: t.create
                when: ${{ d != 'c' }}
                with: { name: "${{ d }}", snapshot: "${{ steps.look.snapshot }}" }
          - id: last
            use: t.swap
            with: { disk: "${{ steps.each.items[1].make.disk }}" }
        """;
    PlanDocument p = plan(yaml, Map.of(), false);
    assertEquals(List.of("each[0]/look", "each[0]/make", "each[1]/look", "each[1]/make", "each[2]/look",
        "each[2]/make", "each[3]/look", "each[3]/make", "last"), p.steps().stream().map(Step::path).toList());
    assertEquals(Disposition.SKIPPED, step(p, "each[2]/make").disposition());
    assertEquals("PUT disk b from snap-of-b", step(p, "each[1]/make").actions().get(0).text());
    assertEquals("attach disk-b", step(p, "last").actions().get(0).text(), "the predicted item output reaches a later step");
    assertEquals(2, step(p, "each[1]/make").depth());
  }

  @Test
  void aPlanSurvivesJsonAndRunPlanChecksNameWhatChanged(@TempDir Path out) throws Exception {
    PlanDocument p = plan(RESTORE, Map.of("disk", "data1"), false);
    Path file = out.resolve("plan.json");
    Files.writeString(file, PlanJson.write(p));
    assertFalse(Files.readString(file).contains("hunter2-secret"));
    PlanDocument back = PlanJson.read(file);
    assertEquals(PlanJson.write(p), PlanJson.write(back), "written, read and written again: the same JSON");

    assertTrue(PlanCheck.refusals(back, p.runbook().sha256(), Map.of("disk", "data1"), Optional.empty()).isEmpty());
    List<String> changed = PlanCheck.refusals(back, "0".repeat(64), Map.of("disk", "data2"), Optional.of("ab".repeat(32)));
    assertEquals(3, changed.size(), changed.toString());
    assertTrue(changed.get(0).startsWith("the runbook changed"), changed.get(0));
    assertEquals("parameter disk was data1 in the plan, data2 now", changed.get(1));
    assertTrue(changed.get(2).contains("inventory"), changed.get(2));

    PlanDocument now = plan(RESTORE, Map.of("disk", "data1"), false);
    assertTrue(PlanCheck.changedReads(back, now).isEmpty(), "same READS results");
    PlanDocument other = plan(RESTORE, Map.of("disk", "data9"), false);
    assertEquals(List.of("step pick: snapshot was snap-of-data1 in the plan, snap-of-data9 now"),
        PlanCheck.changedReads(back, other));
    assertNull(step(back, "pick").atRisk());
  }

  @Test
  void aLoopOverAListDecidedAtRunTimeIsSketchedAsOneItemWithItsInnerStepsPlanned() throws Exception {
    String yaml = """
        runbook: later
        steps:
          - id: make
            use: t.wipe
            with: { disk: d1 }
          - id: group
            steps:
              - id: inner
                use: t.find
                with: { disk: inside }
          - id: each
            foreach: ${{ [steps.make.wiped] }}
            as: disk
            steps:
              - id: look
                use: t.find
                with: { disk: "${{ disk }}" }
              - id: use-it
                use: t.swap
                when: ${{ disk != 'd0' }}
                with: { disk: "${{ disk }}" }
              - id: typed
                use: t.create
                require:
                  - that: ${{ steps.look.snapshot != '' }}
                    because: it needs a snapshot
                with: { name: "copy", snapshot: "${{ steps.look.snapshot }}" }
          - id: after
            use: t.swap
            with: { disk: "${{ steps.each.items[0].look.snapshot }}" }
        """;
    PlanDocument p = plan(yaml, Map.of(), false);
    assertEquals(List.of("make", "group/inner", "each[*]/look", "each[*]/use-it", "each[*]/typed", "after"),
        p.steps().stream().map(Step::path).toList());
    assertEquals(Disposition.RAN, step(p, "group/inner").disposition());
    assertEquals(1, find.runs.get(), "the READS step of the sketched item did not run (its disk is a placeholder)");
    Step look = step(p, "each[*]/look");
    assertEquals(Disposition.PLANNED, look.disposition());
    assertEquals(OutputSource.RUN_TIME, look.outputSource());
    assertEquals("GET snapshots of <disk>", look.actions().get(0).text(), "planned against the placeholder item");
    assertTrue(look.note().contains("sketched"), look.note());
    assertEquals(2, look.depth());
    Step useIt = step(p, "each[*]/use-it");
    assertEquals(Disposition.PLANNED, useIt.disposition(), "a when on the item is not judged on the placeholder");
    assertEquals(List.of(Check.RUN_TIME), useIt.checks().stream().map(Check::value).toList());
    assertEquals("attach <disk>", useIt.actions().get(0).text());
    Step typed = step(p, "each[*]/typed");
    assertEquals(Check.RUN_TIME, typed.checks().get(0).value(), typed.checks().toString());
    Step after = step(p, "after");
    assertEquals(Disposition.UNRESOLVED, after.disposition());
    assertTrue(after.note().startsWith("decided at run time: it depends on the outputs of steps.each"), after.note());
    assertTrue(p.problems().isEmpty(), p.problems().toString());
  }

  @Test
  void aLoopWhoseListFailsForAnotherReasonIsNotSketched() throws Exception {
    PlanDocument p = plan("""
        runbook: broken-list
        params:
          names: { type: list<string>, default: [] }
        steps:
          - id: each
            foreach: ${{ [params.names[3]] }}
            as: name
            use: t.swap
            with: { disk: "${{ name }}" }
        """, Map.of(), false);
    Step each = step(p, "each");
    assertEquals(Disposition.UNRESOLVED, each.disposition());
    assertTrue(each.note().startsWith("cannot be prepared"), each.note());
  }

  /** Hosts db1 and db2, both local. */
  static Inventory twoHosts() {
    io.runbook.engine.inventory.TransportSpec local = new io.runbook.engine.inventory.TransportSpec("local",
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
    Map<String, io.runbook.engine.inventory.Host> hosts = new java.util.LinkedHashMap<>();
    for (String h : List.of("db1", "db2")) {
      hosts.put(h, new io.runbook.engine.inventory.Host(h, Optional.empty(), Optional.empty(), Optional.empty(), local,
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }
    return new Inventory("two-hosts", null, hosts);
  }

  /**
   * An on: expression whose value is known while planning and names no host is a problem of the plan (the run would
   * stop there, after the steps before it ran), at the on: with the host and the known hosts; one that depends on a
   * value only known at run time, or on a sketched item, stays a note.
   */
  @Test
  void anOnThatResolvesNowToAnUnknownHostIsAProblemAndAnUndecidedOneANote() throws Exception {
    Inventory inventory = twoHosts();
    Path file = dir.resolve("on-expr.yaml");
    Files.writeString(file, """
        runbook: on-expr
        params:
          h: { type: string, default: db3 }
        steps:
          - id: before
            use: t.command
            on: db1
            with: { text: read before }
          - id: stop
            use: t.command
            on: db1
            with: { text: stop the server, effect: CHANGES }
          - id: bad
            use: t.command
            on: ${{ params.h }}
            with: { text: read }
          - id: later
            use: t.command
            on: ${{ steps.stop.echoed }}
            with: { text: read }
          - id: each
            foreach: ${{ [steps.stop.echoed] }}
            as: replica
            use: t.command
            on: ${{ replica }}
            with: { text: read }
        """);
    Runbook rb = RunbookLoader.load(file, registry, Optional.of(inventory));
    Map<String, Object> params = ParamBinder.bind(rb, Map.of(), Optional.empty(), inventory, Instant.now());
    PlanDocument p = Planner.plan(new Planner.Request(rb, Optional.empty(), inventory, Map.of(), params, false,
        "20261125-120000-abcd", Instant.parse("2026-11-25T12:00:00Z"), Map.of(), dir, StepLog.NONE), registry);
    assertEquals(List.of(file + ":15:9: step 'bad': on: ${{ params.h }}: host 'db3' is not in inventory"
        + " 'two-hosts' (did you mean 'db1'?); known hosts: db1, db2; fix the parameters or the inventory"),
        p.problems());
    assertEquals(Disposition.UNRESOLVED, step(p, "bad").disposition());
    assertEquals(Disposition.UNRESOLVED, step(p, "later").disposition());
    assertTrue(step(p, "later").note().startsWith("decided at run time"), step(p, "later").note());
    assertTrue(step(p, "each[*]").note().startsWith("decided at run time"), step(p, "each[*]").note());
  }

  @Test
  void aReadOnAHostThatAnEarlierPlannedStepChangesIsNotRunAgainstTheStaleState() throws Exception {
    Inventory inventory = twoHosts();
    Path file = dir.resolve("stale.yaml");
    Files.writeString(file, """
        runbook: stale
        steps:
          - id: before
            use: t.command
            on: db1
            with: { text: read before }
          - id: stop
            use: t.command
            on: db1
            with: { text: stop the server, effect: CHANGES }
          - id: after
            use: t.command
            on: db1
            with: { text: is it stopped }
          - id: elsewhere
            use: t.command
            on: db2
            with: { text: read another host }
        """);
    Runbook rb = RunbookLoader.load(file, registry);
    PlanDocument p = Planner.plan(new Planner.Request(rb, Optional.empty(), inventory, Map.of(), Map.of(), false,
        "20261125-120000-abcd", Instant.parse("2026-11-25T12:00:00Z"), Map.of(), dir, StepLog.NONE), registry);
    assertEquals(Disposition.RAN, step(p, "before").disposition());
    assertEquals(Disposition.PLANNED, step(p, "stop").disposition());
    Step after = step(p, "after");
    assertEquals(Disposition.PLANNED, after.disposition(), "it would read db1 as it is before the planned stop");
    assertEquals(OutputSource.RUN_TIME, after.outputSource());
    assertTrue(after.note().contains("step stop changes what it reads first"), after.note());
    assertEquals(Disposition.RAN, step(p, "elsewhere").disposition(), "another host is read as it is now");
    assertEquals(2, command.runs.get(), "before and elsewhere ran; stop and after did not");
  }

  @Test
  void aRequiresBecauseShowsItsValuesAndAsWrittenWhenTheyAreOnlyKnownAtRunTime() throws Exception {
    PlanDocument p = plan("""
        runbook: because
        params:
          disk: { type: string, default: data1 }
          password: { type: string, secret: true, default: "env:DB_PASSWORD" }
        steps:
          - id: pick
            use: t.find
            with: { disk: "${{ params.disk }}" }
          - id: wipe
            use: t.wipe
            with: { disk: "${{ params.disk }}" }
          - id: swap
            use: t.swap
            require:
              - that: ${{ steps.pick.snapshot == 'none' }}
                because: "the newest of ${{ params.disk }} is ${{ steps.pick.snapshot }} (login ${{ params.password }})"
              - that: ${{ params.disk != '' }}
                because: "it wiped ${{ steps.wipe.wiped }}"
            with: { disk: "${{ params.disk }}" }
        """, Map.of(), false);
    List<Check> checks = step(p, "swap").checks();
    assertEquals(List.of("false", "true"), checks.stream().map(Check::value).toList());
    assertTrue(checks.get(0).because().startsWith("the newest of data1 is snap-of-data1 (login "), checks.get(0).because());
    assertFalse(checks.get(0).because().contains("hunter2-secret"), checks.get(0).because());
    assertEquals("it wiped ${{ steps.wipe.wiped }}", checks.get(1).because(), "a run-time value shows as written");
    assertTrue(p.problems().isEmpty(), p.problems().toString());
  }
}

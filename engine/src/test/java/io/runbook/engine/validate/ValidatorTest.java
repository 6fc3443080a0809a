package io.runbook.engine.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Problem;
import io.runbook.engine.testtypes.Note;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorTest {
  @TempDir Path tmp;

  private List<String> problems(String steps) throws Exception {
    Path f = tmp.resolve("rb.yaml");
    Files.writeString(f, "runbook: t\nparams:\n  primary: { type: host, default: db1 }\n"
        + "  replicas: { type: list<host>, default: [db2] }\n  n: { type: int, default: 1 }\nsteps:\n" + steps);
    Inventory inv = InventoryLoader.load(Path.of("src/test/resources/valid/inventory.yaml"));
    var rb = RunbookLoader.parse(f);
    return Validator.validate(rb, Note.registry(), Optional.of(inv)).stream().map(Problem::message).toList();
  }

  /** An inventory with no hosts says so, instead of an empty "known hosts:" list that reads as cut off. */
  @Test
  void anUnknownHostOfAnInventoryWithoutHostsSaysItHasNone() throws Exception {
    Path f = tmp.resolve("rb.yaml");
    Files.writeString(f, """
        runbook: t
        steps:
          - id: st
            use: db.state
            on: db1
        """);
    Inventory none = new Inventory("empty", null, java.util.Map.of());
    List<String> messages = Validator.validate(RunbookLoader.parse(f), Note.registry(), Optional.of(none)).stream()
        .map(Problem::message).toList();
    assertEquals(List.of("step 'st': host 'db1' is not in inventory 'empty'; the inventory has no hosts"), messages);
  }

  @Test
  void insideAForeachGroupLaterStepsSeeTheCurrentItem() throws Exception {
    assertEquals(List.of(), problems("""
          - id: each
            foreach: ${{ params.replicas }}
            as: r
            steps:
              - id: st
                use: db.state
                on: ${{ r }}
              - id: say
                use: test.note
                with: { message: "${{ r }} ${{ steps.st.gtid }}" }
          - id: after
            use: test.note
            with: { message: "${{ steps.each.items[0].st.gtid }} ${{ steps.each.items[0].say.printed }}" }
        """));
  }

  @Test
  void aTypedForeachStepHasItems() throws Exception {
    assertEquals(List.of(), problems("""
          - id: states
            foreach: ${{ params.replicas }}
            as: r
            use: db.state
            on: ${{ r }}
            require:
              - that: r != params.primary
                because: a replica is not the primary
          - id: after
            use: test.note
            with:
              message: "${{ join(params.replicas, ',') }}"
              times: "${{ size(steps.states.items) }}"
              tags: "${{ [steps.states.items[0].gtid] }}"
        """));
  }

  @Test
  void foreachDoesNotSeeItsOwnItemButWhenDoes() throws Exception {
    List<String> p = problems("""
          - id: states
            foreach: ${{ [r] }}
            as: r
            when: r != 'db9'
            use: db.state
            on: ${{ r }}
        """);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("unknown name 'r'"), p.toString());
  }

  @Test
  void nestedLoopsNeedDistinctNamesAndReservedNamesAreRefused() throws Exception {
    List<String> p = problems("""
          - id: outer
            foreach: ${{ params.replicas }}
            as: r
            steps:
              - id: inner
                foreach: ${{ [1, 2] }}
                as: r
                use: test.note
                with: { message: hi }
          - id: other
            foreach: ${{ [1] }}
            as: steps
            use: test.note
            with: { message: hi }
        """);
    assertEquals(2, p.size(), p.toString());
    assertTrue(p.get(0).contains("already the item of an enclosing foreach"), p.toString());
    assertTrue(p.get(1).contains("would hide the built-in 'steps'"), p.toString());
  }

  @Test
  void plainGroupsHaveNoOutputsButTheirStepsDo() throws Exception {
    List<String> p = problems("""
          - id: group
            steps:
              - id: st
                use: db.state
                on: db1
          - id: ok
            use: test.note
            with: { message: "${{ steps.st.gtid }}" }
          - id: bad
            use: test.note
            with: { message: "${{ steps.group.st }}" }
        """);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("group 'group' has no outputs of its own"), p.toString());
  }

  @Test
  void inputTypesAreCheckedAgainstExpressionTypes() throws Exception {
    List<String> p = problems("""
          - id: pick
            use: test.snapshot.find
            with:
              disk: "${{ hosts[params.primary].dataDisk.name }}"
              atOrBefore: "${{ run.startedAt - duration('1h') }}"
              maxAge: "${{ params.n }}"
          - id: swap
            use: test.vm.attach-disk
            on: ${{ params.primary }}
            with: { disk: "${{ steps.pick.snapshot }}", lun: "${{ steps.pick.sizeGb }}", replaceExisting: "${{ params.n > 0 }}" }
        """);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("input 'maxAge' expects duration, but the expression gives int"), p.toString());
  }

  @Test
  void unknownStepTypesStillHaveTheirExpressionsChecked() throws Exception {
    List<String> p = problems("""
          - id: x
            use: no.such
            with: { a: "${{ params.nope }}" }
        """);
    assertEquals(2, p.size(), p.toString());
    assertTrue(p.get(0).contains("unknown step type 'no.such'"), p.toString());
    assertTrue(p.get(1).contains("'params' has no field 'nope'"), p.toString());
  }

  @Test
  void expressionsInARequiresBecauseAreCheckedAtTheirLineAndColumn() throws Exception {
    Path f = tmp.resolve("because.yaml");
    Files.writeString(f, """
        runbook: t
        params:
          n: { type: int, default: 1 }
        steps:
          - id: first
            use: test.note
            with: { message: one }
          - id: second
            use: test.note
            with: { message: two }
            require:
              - that: ${{ params.n > 0 }}
                because: "n is ${{ params.m }} after ${{ steps.frist.printed }}; ${{ steps.first.printed }} is fine"
        """);
    Inventory inv = InventoryLoader.load(Path.of("src/test/resources/valid/inventory.yaml"));
    List<Problem> p = Validator.validate(RunbookLoader.parse(f), Note.registry(), Optional.of(inv));
    assertEquals(2, p.size(), p.toString());
    assertTrue(p.get(0).message().startsWith("step 'second': 'require.because': "), p.get(0).message());
    assertTrue(p.get(0).message().contains("'m'"), p.get(0).message());
    assertTrue(p.get(1).message().contains("frist"), p.get(1).message());
    // Line 13, at the offending name: the quoted scalar starts at column 18, 'm' is 17 characters into it.
    assertEquals(f + ":13:35", p.get(0).pos().toString());
    assertTrue(p.get(1).pos().toString().startsWith(f + ":13:"), p.get(1).pos().toString());
  }
}

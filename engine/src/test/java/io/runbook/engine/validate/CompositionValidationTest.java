package io.runbook.engine.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.load.RunbookLocator;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.testtypes.Note;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code use: runbook} at validate time: the callee is found, its params and outputs are typed, cycles refused. */
class CompositionValidationTest {
  @TempDir Path tmp;

  static final String RELINK = """
      runbook: relink
      params:
        primary: { type: host, required: true }
        gtid:    { type: string, required: true }
        wait:    { type: duration, default: 30s }
        mode:    { type: enum, values: [fast, safe], default: safe }
      outputs:
        printed: "${{ steps.say.printed }}"
        length:  "${{ steps.say.length }}"
        label:   "relinked ${{ params.primary }}"
      steps:
        - id: say
          use: test.note
          with: { message: "relink from ${{ params.primary }} at ${{ params.gtid }}" }
      """;

  private Path write(String name, String yaml) throws Exception {
    Path f = tmp.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, yaml);
    return f;
  }

  /** "file:line:col: message" of every problem, with the temp folder cut off. */
  private List<String> problems(Path caller) throws Exception {
    Inventory inv = InventoryLoader.load(Path.of("src/test/resources/valid/inventory.yaml"));
    try {
      RunbookLoader.load(caller, Note.registry(), Optional.of(inv), new RunbookLocator(Optional.of(tmp.resolve("home"))));
      return List.of();
    } catch (ValidationException e) {
      return e.problems().stream().map(Problem::toString).map(s -> s.replace(tmp + "/", "")).toList();
    }
  }

  private Path caller(String steps) throws Exception {
    write("relink.yaml", RELINK);
    return write("caller.yaml", "runbook: caller\nsteps:\n" + steps);
  }

  @Test
  void aValidCallTypesTheCalleesOutputsForTheCaller() throws Exception {
    Path f = caller("""
          - id: relink
            use: runbook
            with: { name: ./relink.yaml, params: { primary: db1, gtid: "0-1-5", wait: 1m } }
          - id: after
            use: test.note
            with: { message: "${{ steps.relink.printed }} ${{ steps.relink.label }}", times: "${{ steps.relink.length }}" }
        """);
    assertEquals(List.of(), problems(f));
    Runbook rb = RunbookLoader.parse(f);
    assertEquals("relink", rb.callees().get("relink").name());
  }

  @Test
  void anUnknownOutputIsAnErrorAtTheCallersExpression() throws Exception {
    Path f = caller("""
          - id: relink
            use: runbook
            with: { name: ./relink.yaml, params: { primary: db1, gtid: x } }
          - id: after
            use: test.note
            with: { message: "${{ steps.relink.prnted }}" }
        """);
    List<String> p = problems(f);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("caller.yaml:8:40"), p.toString());
    assertTrue(p.get(0).contains("'steps.relink' has no field 'prnted' (did you mean 'printed'?)"), p.toString());
  }

  @Test
  void anOutputOfTheWrongTypeIsAnErrorAtTheCallersInput() throws Exception {
    Path f = caller("""
          - id: relink
            use: runbook
            with: { name: ./relink.yaml, params: { primary: db1, gtid: x } }
          - id: after
            use: test.note
            with: { message: m, times: "${{ steps.relink.label }}" }
        """);
    List<String> p = problems(f);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("expects int, but the expression gives string"), p.toString());
  }

  @Test
  void paramsAreCheckedAgainstTheCalleesDeclarations() throws Exception {
    Path f = caller("""
          - id: relink
            use: runbook
            with:
              name: ./relink.yaml
              params:
                primry: db1
                wait: 30
                mode: quick
                gtid: "${{ [1, 2] }}"
        """);
    List<String> p = problems(f);
    assertEquals(5, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("caller.yaml:8:9") && p.get(0).contains("needs parameter 'primary' (host)"), p.toString());
    assertTrue(p.get(1).startsWith("caller.yaml:8:17") && p.get(1).contains("has no parameter 'primry'")
        && p.get(1).contains("did you mean 'primary'"), p.toString());
    assertTrue(p.get(2).startsWith("caller.yaml:9:15") && p.get(2).contains("parameter 'wait' of runbook relink (duration)"),
        p.toString());
    assertTrue(p.get(3).startsWith("caller.yaml:10:15") && p.get(3).contains("'quick' is not one of fast, safe"), p.toString());
    assertTrue(p.get(4).startsWith("caller.yaml:11:") && p.get(4).contains("is string, but the expression gives list<int>"),
        p.toString());
  }

  @Test
  void aHostParamIsCheckedAgainstTheCallersInventory() throws Exception {
    Path f = caller("""
          - id: relink
            use: runbook
            with: { name: ./relink.yaml, params: { primary: db9, gtid: x } }
        """);
    List<String> p = problems(f);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("'db9' is not a host of inventory"), p.toString());
  }

  @Test
  void anUnknownCalleeNamesThePlacesLookedAt() throws Exception {
    Path f = caller("""
          - id: relink
            use: runbook
            with: { name: relink-replicas }
          - id: other
            use: runbook
            with: { name: ./nope.yaml }
          - id: dynamic
            use: runbook
            with: { name: "${{ 'x' }}" }
        """);
    List<String> p = problems(f);
    assertEquals(3, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("caller.yaml:5:19") && p.get(0).contains("unknown runbook 'relink-replicas'")
        && p.get(0).contains("home/runbooks/relink-replicas.yaml"), p.toString());
    assertTrue(p.get(1).contains("unknown runbook './nope.yaml'"), p.toString());
    assertTrue(p.get(2).contains("written out (not an expression)"), p.toString());
  }

  @Test
  void aShippedRunbookIsFoundByNameUnderTheHome() throws Exception {
    write("home/runbooks/relink-replicas.yaml", RELINK);
    Path f = write("caller.yaml", """
        runbook: caller
        steps:
          - id: relink
            use: runbook
            with: { name: relink-replicas, params: { primary: db1, gtid: x } }
        """);
    assertEquals(List.of(), problems(f));
  }

  @Test
  void cyclesAreRefusedNamingTheChain() throws Exception {
    write("a.yaml", "runbook: a\nsteps:\n  - id: to-b\n    use: runbook\n    with: { name: ./b.yaml }\n");
    write("b.yaml", "runbook: b\nsteps:\n  - id: to-c\n    use: runbook\n    with: { name: ./c.yaml }\n");
    write("c.yaml", "runbook: c\nsteps:\n  - id: to-a\n    use: runbook\n    with: { name: ./a.yaml }\n");
    List<String> p = problems(tmp.resolve("a.yaml"));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("c.yaml:5:") && p.get(0).contains("runbook calls form a cycle: a -> b -> c -> a"),
        p.toString());

    write("self.yaml", "runbook: self\nsteps:\n  - id: again\n    use: runbook\n    with: { name: self.yaml }\n");
    List<String> s = problems(tmp.resolve("self.yaml"));
    assertEquals(1, s.size(), s.toString());
    assertTrue(s.get(0).startsWith("self.yaml:5:") && s.get(0).contains("cycle: self -> self"), s.toString());
  }

  @Test
  void aBrokenCalleeIsReportedAtItsOwnFile() throws Exception {
    write("broken.yaml", """
        runbook: broken
        params:
          n: { type: int }
        outputs:
          bad: "${{ steps.nope.x }}"
        steps:
          - id: say
            use: test.nte
            with: { message: "${{ params.m }}" }
        """);
    Path f = write("caller.yaml", """
        runbook: caller
        steps:
          - id: call
            use: runbook
            with: { name: ./broken.yaml, params: { n: 1 } }
        """);
    List<String> p = problems(f);
    assertEquals(3, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("broken.yaml:5:"), p.toString());
    assertTrue(p.get(1).startsWith("broken.yaml:8:") && p.get(1).contains("unknown step type 'test.nte'"), p.toString());
    assertTrue(p.get(2).startsWith("broken.yaml:9:") && p.get(2).contains("params.m") || p.get(2).contains("'m'"),
        p.toString());
  }

  @Test
  void keysThatDoNotApplyToACallAreReported() throws Exception {
    Path f = caller("""
          - id: relink
            use: runbook
            on: db1
            retry: { attempts: 2 }
            with: { name: ./relink.yaml, params: { primary: db1, gtid: x }, extra: 1 }
        """);
    List<String> p = problems(f);
    assertEquals(3, p.size(), p.toString());
    assertTrue(p.get(0).contains("'on' does not apply to 'use: runbook'"), p.toString());
    assertTrue(p.get(2).contains("unknown input 'extra'"), p.toString());
  }

  @Test
  void parseAloneRefusesAnUnresolvableCall() {
    assertThrows(ValidationException.class, () -> RunbookLoader.parse(caller("""
          - id: relink
            use: runbook
            with: { name: ./missing.yaml }
        """)));
  }
}

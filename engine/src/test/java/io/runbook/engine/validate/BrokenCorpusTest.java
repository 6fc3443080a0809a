package io.runbook.engine.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.runbook.engine.bind.ParamBinder;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.testtypes.Note;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broken-runbook corpus: every file under {@code broken/} states in header comments the problems it must
 * produce ({@code # expect: LINE:COL fragment}), and exactly those are reported, all in one pass.
 * {@code inventory-*} files are inventories, {@code params-*} files are params files for the runbook named in
 * {@code # runbook:} (with {@code # cli: name=value} for -p values); {@code # absent: text} must appear in no
 * message (secrets). The same files go through the command line in the cli module's BadInputCliTest
 * ({@code # validate:} lines are what {@code runbook validate} says about a file it cannot classify).
 */
class BrokenCorpusTest {
  static final Path DIR = Path.of("src/test/resources/broken");
  static final Path VALID = Path.of("src/test/resources/valid");

  record Expect(int line, int col, String fragment) {
    boolean matches(Problem p) {
      return p.pos().line() == line && p.pos().col() == col && p.message().contains(fragment);
    }

    @Override
    public String toString() { return line + ":" + col + " " + fragment; }
  }

  static Stream<Path> corpus() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void reportsExactlyTheExpectedProblems(Path file) throws Exception {
    List<String> header = header(file);
    List<Expect> expected = new ArrayList<>();
    for (String h : header) {
      if (h.startsWith("expect:")) {
        String[] parts = h.substring(7).trim().split(" ", 2);
        String[] lc = parts[0].split(":");
        expected.add(new Expect(Integer.parseInt(lc[0]), Integer.parseInt(lc[1]), parts.length > 1 ? parts[1] : ""));
      }
    }
    assertFalse(expected.isEmpty(), file + " has no '# expect: LINE:COL fragment' header");
    List<Problem> problems = problems(file, header);
    String actual = problems.stream().map(p -> p.pos().line() + ":" + p.pos().col() + " " + p.message())
        .collect(Collectors.joining("\n  ", "\n  ", ""));
    for (Expect e : expected) {
      assertTrue(problems.stream().anyMatch(e::matches), file + ": expected " + e + " among" + actual);
    }
    assertEquals(expected.size(), problems.size(), file + ": expected exactly " + expected + " but got" + actual);
    for (Problem p : problems) {
      assertTrue(p.pos().file().endsWith(file.getFileName().toString()) || p.pos().file().equals("command line"),
          "problem must name the file: " + p);
    }
    for (String h : header) {
      if (h.startsWith("absent:")) {
        String secret = h.substring(7).trim();
        for (Problem p : problems) assertFalse(p.toString().contains(secret), "a message shows '" + secret + "': " + p);
      }
    }
  }

  private static List<Problem> problems(Path file, List<String> header) throws Exception {
    Inventory inventory = InventoryLoader.load(VALID.resolve("inventory.yaml"));
    String name = file.getFileName().toString();
    try {
      if (name.startsWith("inventory-")) {
        InventoryLoader.load(file);
      } else if (name.startsWith("params-")) {
        String runbook = header.stream().filter(h -> h.startsWith("runbook:")).findFirst()
            .orElseThrow(() -> new AssertionError(file + " needs '# runbook: FILE'")).substring(8).trim();
        Map<String, String> cli = new LinkedHashMap<>();
        header.stream().filter(h -> h.startsWith("cli:")).map(h -> h.substring(4).trim().split("=", 2))
            .forEach(kv -> cli.put(kv[0], kv[1]));
        var rb = RunbookLoader.load(VALID.resolve(runbook), Note.registry());
        ParamBinder.bind(rb, cli, Optional.of(file), inventory, Instant.parse("2026-11-25T12:00:00Z"));
      } else {
        RunbookLoader.load(file, Note.registry(), Optional.of(inventory));
      }
    } catch (ValidationException e) {
      return e.problems();
    }
    fail(file + " loaded without problems");
    return List.of();
  }

  /** The leading comment lines, without '# '. */
  static List<String> header(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    byte[] bytes = Files.readAllBytes(file);
    for (String line : new String(bytes, StandardCharsets.ISO_8859_1).split("\n")) {
      if (!line.startsWith("#")) break;
      out.add(line.substring(1).trim());
    }
    return out;
  }
}

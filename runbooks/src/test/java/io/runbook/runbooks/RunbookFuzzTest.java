package io.runbook.runbooks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.cli.Main;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the loader and validator with mutants of the shipped runbooks, the examples and the example inventory:
 * lines deleted, duplicated, swapped or re-indented, scalars of the wrong type, random unicode and control bytes,
 * invalid UTF-8, truncation, expressions with typos, deep nesting, huge lines. Every mutant must either load or
 * fail with a {@link ValidationException} whose every problem has a file, a line and a column; nothing else may be
 * thrown and no load may hang. Every fifth mutant ({@code -Dfuzz.cliEvery=N}) also goes through {@code runbook validate} (and, when it still loads,
 * {@code runbook plan --offline}) of the real {@link Main}: no internal error, no exception name on the console. 500 tries by default (seconds); {@code -Dfuzz.tries=N} for more,
 * {@code -Dfuzz.seed=S} to replay (each failure names the seed of its try), {@code -Dfuzz.seed=random} for new ones.
 */
class RunbookFuzzTest {
  static final Path RUNBOOKS = Path.of(".").toAbsolutePath().normalize();
  static final StepRegistry REGISTRY = StepRegistry.load(RunbookFuzzTest.class.getClassLoader());
  /** Generous: the machine is shared; a parse of a small file takes milliseconds. */
  static final long HANG_SECONDS = 30;
  /** Every how many tries the mutant also goes through the CLI ({@code -Dfuzz.cliEvery=1}: all). */
  static final int CLI_EVERY = Integer.getInteger("fuzz.cliEvery", 5);
  static final Path INVENTORY = RUNBOOKS.resolve("inventories/azure-example.yaml");
  /** A Java exception or error class name, or a stack frame: never on the console. */
  static final Pattern LEAK = Pattern.compile("\\b[A-Z][A-Za-z]*(Exception|Error)\\b|\\tat |\\n\\s+at [a-z]");

  @TempDir Path tmp;

  /** One source file to mutate and whether it is an inventory. */
  record Source(Path file, boolean inventory) {}

  @Test
  void mutantsLoadOrFailWithPositionedProblemsOnly() throws Exception {
    long seed = seed();
    int tries = Integer.getInteger("fuzz.tries", 500);
    List<Source> sources = sources();
    Inventory inventory = InventoryLoader.load(INVENTORY);
    // The mutants sit beside copies of the examples, so that a call like name: ./hello.yaml still resolves.
    Path work = Files.createDirectories(tmp.resolve("work"));
    for (Source s : sources) Files.copy(s.file(), work.resolve(s.file().getFileName()));
    System.out.println("RunbookFuzzTest: seed " + seed + ", " + tries + " tries over " + sources.size() + " files"
        + " (replay: -Dfuzz.seed=" + seed + " -Dfuzz.tries=" + tries + ")");
    List<String> failures = new ArrayList<>();
    int refused = 0;
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(null, r, "fuzz-load", 16 * 1024 * 1024);
      t.setDaemon(true);
      return t;
    });
    try {
      Random seeds = new Random(seed);
      for (int i = 0; i < tries; i++) {
        long trySeed = seeds.nextLong();
        Random rnd = new Random(trySeed);
        Source source = sources.get(rnd.nextInt(sources.size()));
        Mutant m = Mutant.of(Files.readAllBytes(source.file()), rnd);
        Path file = work.resolve("mutant-" + i + (source.inventory() ? "-inventory" : "") + ".yaml");
        Files.write(file, m.bytes());
        String what = "try " + i + " (try seed " + trySeed + "): " + source.file().getFileName() + " " + m.mutations();
        Future<List<Problem>> load = pool.submit(() -> {
          try {
            if (source.inventory()) InventoryLoader.load(file);
            else RunbookLoader.load(file, REGISTRY, rnd.nextBoolean() ? Optional.of(inventory) : Optional.empty());
            return List.of();
          } catch (ValidationException e) {
            return e.problems();
          }
        });
        try {
          List<Problem> problems = load.get(HANG_SECONDS, TimeUnit.SECONDS);
          if (!problems.isEmpty()) refused++;
          // The same file through the command line: validate always; a mutant that still loads is also planned
          // (offline, against the example inventory). Neither may end in an internal error or print an exception.
          List<List<String>> commands = new ArrayList<>();
          if (i % CLI_EVERY == 0) commands.add(List.of("validate", file.toString()));
          if (i % CLI_EVERY == 0 && problems.isEmpty() && !source.inventory()) {
            commands.add(List.of("plan", "--offline", file.toString(), "-i", INVENTORY.toString()));
          }
          for (List<String> args : commands) {
            Future<String> cli = pool.submit(() -> cli(args));
            String bad = cli.get(HANG_SECONDS, TimeUnit.SECONDS);
            if (bad != null) failures.add(what + ": runbook " + String.join(" ", args) + " " + bad);
          }
          for (Problem p : problems) {
            if (p.pos().file() == null || p.pos().file().isBlank() || p.pos().line() < 1 || p.pos().col() < 1
                || p.message() == null || p.message().isBlank()) {
              failures.add(what + ": a problem without a position: " + p);
            }
          }
        } catch (TimeoutException e) {
          load.cancel(true);
          failures.add(what + ": still loading after " + HANG_SECONDS + " s");
          break; // the thread is stuck; later tries would queue behind it
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add(what + ": threw " + e.getCause());
        }
        Files.delete(file);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println("RunbookFuzzTest: " + refused + " of " + tries + " mutants refused with positioned problems, "
        + (tries - refused - failures.size()) + " still valid, " + failures.size() + " failures");
    assertTrue(failures.isEmpty(), failures.size() + " mutants broke the loader (seed " + seed + "):\n"
        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    assertTrue(refused > tries / 4, "most mutants should be refused; only " + refused + " of " + tries + " were");
  }

  /** Runs the CLI in this JVM; null when it ended normally, else what went wrong. */
  static String cli(List<String> args) {
    InProcessCli.Out out = InProcessCli.run(args);
    int exit = out.exit();
    String printed = out.text();
    if (exit == 1 && printed.contains("internal error") || exit > 4 || exit < 0) return "exited " + exit + ":\n" + printed;
    Matcher leak = LEAK.matcher(printed);
    return leak.find() ? "printed '" + leak.group() + "':\n" + printed : null;
  }

  static long seed() {
    String s = System.getProperty("fuzz.seed", "20261125");
    return s.equals("random") ? new Random().nextLong() : Long.parseLong(s);
  }

  static List<Source> sources() throws Exception {
    List<Source> out = new ArrayList<>();
    for (Path dir : List.of(RUNBOOKS, RUNBOOKS.resolve("examples"))) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> out.add(new Source(f, false)));
      }
    }
    try (Stream<Path> s = Files.list(RUNBOOKS.resolve("inventories"))) {
      s.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> out.add(new Source(f, true)));
    }
    assertTrue(out.size() >= 10, "the shipped runbooks and examples: " + out);
    return out;
  }

  /** A mutated file and the mutations that made it, for the failure message. */
  record Mutant(byte[] bytes, List<String> mutations) {
    static final String[] SCALARS = {"true", "42", "-1", "1.5", "[]", "{}", "~", "\"\"", "'x'", "[a, [b]]", "{ a: 1 }",
        "9999999999999999999999", "0x1F", ".nan", "2026-13-45T99:00:00Z", "5 parsecs", "&a x", "*nope", "!!binary AA==",
        "!custom x", "|", ">-", "@at", "`tick`", "%dir"};
    static final String[] EXPRESSIONS = {"${{ steps.nope.out }}", "${{ params.primry }}", "${{ size( }}",
        "${{ 1 + 'a' }}", "${{ hosts[ }}", "${{ params.at ) }}", "${{ }}", "${{ ${{ x }} }}", "${{ steps..x }}",
        "${{ !!!true }}", "${{ 'unclosed }}", "${{ a ? b : }}", "${{ params.at < 'x' }}", "${{ hosts['db9'].dataDisk }}",
        "${{ default() }}", "${{ join(1, 2, 3) }}", "${{ run.idd }}", "${{ 1 / 0 }}", "${{ -'a' }}", "${{ x.y.z.w.v }}",
        "${{ steps.pick.snapshot.name.size }}", "${{ params.replicas[99] }}", "${{ size(params) == }}", "${{"};
    static final String[] ODD = {"\u0000", "\u0007", "\u001b[31m", "\ufeff", "\u202e", "\ud83d\udca5", "\u00e9",
        "\t", "\r", "\u2028", "\ufffd", "\\", "\"", "'", "#", ": ", "- ", "? ", "&", "*", "!", "|", ">", "{", "}", "[",
        "]", ",", "%", "@", "`", "${{", "}}"};

    static Mutant of(byte[] source, Random rnd) {
      List<String> lines = new ArrayList<>(List.of(new String(source, StandardCharsets.UTF_8).split("\n", -1)));
      List<String> done = new ArrayList<>();
      byte[] rawTail = null;
      int count = 1 + rnd.nextInt(3);
      for (int k = 0; k < count; k++) {
        int at = rnd.nextInt(lines.size());
        switch (rnd.nextInt(12)) {
          case 0 -> { lines.remove(at); done.add("delete line " + (at + 1)); if (lines.isEmpty()) lines.add(""); }
          case 1 -> { lines.add(at, lines.get(at)); done.add("duplicate line " + (at + 1)); }
          case 2 -> {
            int other = rnd.nextInt(lines.size());
            String a = lines.get(at);
            lines.set(at, lines.get(other));
            lines.set(other, a);
            done.add("swap lines " + (at + 1) + " and " + (other + 1));
          }
          case 3 -> {
            int shift = rnd.nextInt(5) - 2;
            String l = lines.get(at);
            lines.set(at, shift >= 0 ? " ".repeat(shift) + l : l.replaceFirst("^ {1," + -shift + "}", ""));
            done.add("indent line " + (at + 1) + " by " + shift);
          }
          case 4 -> {
            String l = lines.get(at);
            int colon = l.indexOf(": ");
            String v = SCALARS[rnd.nextInt(SCALARS.length)];
            lines.set(at, colon < 0 ? l + " " + v : l.substring(0, colon + 2) + v);
            done.add("value of line " + (at + 1) + " -> " + v);
          }
          case 5 -> {
            String l = lines.get(at);
            int col = l.isEmpty() ? 0 : rnd.nextInt(l.length() + 1);
            String odd = ODD[rnd.nextInt(ODD.length)];
            lines.set(at, l.substring(0, col) + odd + l.substring(col));
            done.add("insert U+" + odd.codePoints().mapToObj(c -> String.format("%04X", c)).toList() + " at " + (at + 1) + ":" + (col + 1));
          }
          case 6 -> {
            String l = lines.get(at);
            int colon = l.indexOf(": ");
            String e = EXPRESSIONS[rnd.nextInt(EXPRESSIONS.length)];
            lines.set(at, colon < 0 ? l + " \"" + e + "\"" : l.substring(0, colon + 2) + "\"" + e + "\"");
            done.add("expression at line " + (at + 1) + " -> " + e);
          }
          case 7 -> {
            int depth = 20 + rnd.nextInt(60);
            String l = lines.get(at);
            int colon = l.indexOf(": ");
            String nest = rnd.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth) : "{a: ".repeat(depth) + "1" + "}".repeat(depth);
            lines.set(at, colon < 0 ? l + nest : l.substring(0, colon + 2) + nest);
            done.add("nesting " + depth + " deep at line " + (at + 1));
          }
          case 8 -> {
            String l = lines.get(at);
            lines.set(at, l + "x".repeat(10_000 + rnd.nextInt(100_000)));
            done.add("long line " + (at + 1));
          }
          case 9 -> {
            String l = lines.get(at);
            String typo = l.replaceFirst("([a-z])([a-z])", "$2$1");
            lines.set(at, typo);
            done.add("typo at line " + (at + 1));
          }
          case 10 -> {
            int len = String.join("\n", lines).length();
            int cut = rnd.nextInt(Math.max(1, len));
            String all = String.join("\n", lines).substring(0, cut);
            lines = new ArrayList<>(List.of(all.split("\n", -1)));
            done.add("truncate at char " + cut);
          }
          default -> {
            rawTail = new byte[1 + rnd.nextInt(4)];
            for (int b = 0; b < rawTail.length; b++) rawTail[b] = (byte) (0x80 + rnd.nextInt(0x80));
            done.add("invalid UTF-8 bytes after line " + (at + 1));
            lines.add(at + 1, "\u0001RAW\u0001");
          }
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] text = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
      byte[] raw = "\u0001RAW\u0001".getBytes(StandardCharsets.UTF_8);
      int i = rawTail == null ? -1 : indexOf(text, raw);
      if (i < 0) {
        out.writeBytes(text);
      } else {
        out.write(text, 0, i);
        out.writeBytes(rawTail);
        out.write(text, i + raw.length, text.length - i - raw.length);
      }
      return new Mutant(out.toByteArray(), done);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= hay.length; i++) {
        for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
        return i;
      }
      return -1;
    }
  }
}

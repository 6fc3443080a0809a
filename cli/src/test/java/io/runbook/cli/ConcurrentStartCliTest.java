package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several CLI processes started at the same moment against one inventory: exactly one runs, every other is refused. */
class ConcurrentStartCliTest {
  static final int PROCESSES = 4;
  static final Pattern HOLDER = Pattern.compile("inventory race is in use by run (\\S+) \\(pid (\\d+) on ");

  @TempDir Path dir;

  @Test
  void exactlyOneOfFourSimultaneousRunsTakesTheInventory() throws Exception {
    Path runbook = dir.resolve("slow.yaml");
    Files.writeString(runbook, """
        runbook: slow
        steps:
          - id: hold
            use: core.exec
            with:
              command: [sh, -c, 'while [ ! -f "$RELEASE" ]; do sleep 0.1; done']
              env: { RELEASE: "%s" }
        """.formatted(dir.resolve("release")));
    Path inventory = dir.resolve("inventory.yaml");
    Files.writeString(inventory, """
        inventory: race
        cloud: { provider: sandbox, root: %s }
        hosts:
          here:
            transport: { kind: local }
        """.formatted(dir.resolve("estate")));
    Path state = dir.resolve("state");
    List<Process> started = new ArrayList<>();
    List<Path> outs = new ArrayList<>();
    for (int i = 0; i < PROCESSES; i++) {
      Path out = dir.resolve("out-" + i + ".txt");
      outs.add(out);
      started.add(CliProcess.builder(dir, Map.of(), List.of("--state-dir", state.toString(), "run", runbook.toString(),
          "-i", inventory.toString())).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(new File("/dev/null")).start());
    }
    // The holder waits for the release file, so that a process that starts late still finds it holding.
    long end = System.currentTimeMillis() + 120_000;
    while (started.stream().filter(Process::isAlive).count() > 1 && System.currentTimeMillis() < end) Thread.sleep(100);
    Files.writeString(dir.resolve("release"), "");
    int ran = 0;
    List<String> refusals = new ArrayList<>();
    for (int i = 0; i < PROCESSES; i++) {
      assertTrue(started.get(i).waitFor(120, TimeUnit.SECONDS), "process " + i + " ended");
      String out = Files.readString(outs.get(i));
      if (started.get(i).exitValue() == 0) {
        ran++;
      } else {
        assertEquals(2, started.get(i).exitValue(), out);
        refusals.add(out);
      }
    }
    assertEquals(1, ran, "exactly one run took the inventory");
    try (Stream<Path> runs = Files.list(state.resolve("runs"))) {
      List<String> ids = runs.map(p -> p.getFileName().toString()).toList();
      assertEquals(1, ids.size(), "refused runs leave no run folder: " + ids);
      for (String refusal : refusals) {
        Matcher m = HOLDER.matcher(refusal);
        assertTrue(m.find(), refusal);
        assertEquals(ids.get(0), m.group(1), "the refusal names the run that holds the inventory: " + refusal);
      }
    }
    try (Stream<Path> locks = Files.list(state.resolve("locks"))) {
      assertEquals(List.of(), locks.toList(), "released");
    }
  }
}

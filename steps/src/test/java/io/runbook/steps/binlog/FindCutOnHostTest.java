package io.runbook.steps.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * binlog.find-cut and binlog.inspect with {@code on:} an SSH host (the real sshd): the files written by the real
 * MariaDB server are read on that host through its transport, and every result equals a local scan of the same files.
 */
@ExtendWith(SshdExtension.class)
class FindCutOnHostTest {
  static PitrHistory h;
  static StandaloneStepContext local;

  @BeforeAll
  static void history() throws Exception {
    h = PitrHistory.write();
    local = StandaloneStepContext.builder().stepId("cut").build();
  }

  @AfterAll
  static void cleanUp() {
    if (h != null) h.close();
  }

  private static StandaloneStepContext onHost(Sshd sshd) {
    return StandaloneStepContext.builder().inventory(TestHosts.inventory(TestHosts.host("db1", TestHosts.ssh(sshd)))).target("db1")
        .stepId("cut").log(new TestHosts.RecordingLog()).runDir(Path.of("target")).build();
  }

  private static FindCut.Input cut(List<String> files, Optional<String> gtid, Optional<String> time, Optional<String> regex) {
    return new FindCut.Input(files, Optional.of(h.basePosition), gtid, time, regex, Optional.empty(), Optional.empty());
  }

  @Test
  void cutsReadOnTheHostEqualLocalCuts(Sshd sshd) throws Exception {
    String folder = h.binlog(1).getParent().toString();
    List<FindCut.Input> inputs = List.of(
        cut(h.files(), Optional.of(h.dropGtid), Optional.empty(), Optional.empty()),
        cut(h.files(), Optional.empty(), Optional.of(Instant.ofEpochSecond(PitrHistory.T0 + 299).toString()), Optional.empty()),
        cut(List.of(folder), Optional.empty(), Optional.empty(), Optional.of("drop\\s+table")),
        new FindCut.Input(h.files(), Optional.of(h.basePosition), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.of("bin.000004:" + new FindCut().run(cut(h.files(), Optional.of(h.dropGtid), Optional.empty(),
                Optional.empty()), local).firstSkipped().get().start()), Optional.of(List.of(h.gtidBeforeDrop))));
    try (StandaloneStepContext ssh = onHost(sshd)) {
      for (FindCut.Input in : inputs) {
        FindCut.Output here = new FindCut().run(in, local);
        FindCut.Output there = new FindCut().run(in, ssh);
        assertEquals(here, there, "the same cut read over ssh: " + FindCut.stopRule(in));
        assertTrue(there.firstSkipped().isPresent() && there.transactions() > 0, there.toString());
      }
      assertTrue(new FindCut().plan(inputs.get(0), ssh).toString().contains("db1:"), "the plan names the host");
    }
  }

  @Test
  void inspectReadOnTheHostEqualsLocal(Sshd sshd) throws Exception {
    Inspect.Input in = new Inspect.Input(h.files(), Optional.of(h.basePosition), Optional.empty(), Optional.empty(),
        Optional.of("DROP TABLE"), Optional.empty(), Optional.empty(), Optional.of(3), Optional.empty());
    try (StandaloneStepContext ssh = onHost(sshd)) {
      Inspect.Output there = new Inspect().run(in, ssh);
      assertEquals(new Inspect().run(in, local), there);
      assertTrue(there.transcript().contains("DROP TABLE `app`.`audit`"), there.transcript());
    }
  }

  @Test
  void damagedAndMissingFilesOnTheHostAreNamed(Sshd sshd) throws Exception {
    Path dir = Files.createDirectories(h.dir.resolve("damaged"));
    Path copy = dir.resolve("bin.000003");
    Files.copy(h.binlog(3), copy);
    FindCut.Output cut = new FindCut().run(cut(h.files(), Optional.of(h.dropGtid), Optional.empty(), Optional.empty()), local);
    FindCutTest.flipByte(copy, cut.segments().get(1).start() + 300);
    List<String> files = List.of(h.files().get(0), h.files().get(1), copy.toString(), h.files().get(3));
    try (StandaloneStepContext ssh = onHost(sshd)) {
      StepFailure damaged = assertThrows(StepFailure.class,
          () -> new FindCut().run(cut(files, Optional.empty(), Optional.empty(), Optional.empty()), ssh));
      StepFailure damagedHere = assertThrows(StepFailure.class,
          () -> new FindCut().run(cut(files, Optional.empty(), Optional.empty(), Optional.empty()), local));
      assertTrue(damaged.getMessage().contains("CRC32 mismatch") && damaged.getMessage().contains(copy.toString()), damaged.getMessage());
      assertEquals(damagedHere.getMessage(), damaged.getMessage(), "the same offset as a local scan");
      String missing = dir.resolve("bin.000009").toString();
      StepFailure gone = assertThrows(StepFailure.class,
          () -> new FindCut().run(cut(List.of(missing), Optional.empty(), Optional.empty(), Optional.empty()), ssh));
      assertTrue(gone.getMessage().contains(missing + " does not exist on db1 (ssh "), gone.getMessage());
    }
  }
}

package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.FileInfo;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.LocalTransport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verification and progress of one file copy, with a destination that corrupts what it receives. */
class FileCopyTest {

  /** A local host whose disk flips one bit of every file written to it. */
  static final class CorruptingDisk implements HostTransport {
    private final LocalTransport real = new LocalTransport("db2");

    @Override public String describe() { return real.describe(); }
    @Override public CommandResult exec(HostCommand c, StepLog l) throws StepFailure, InterruptedException { return real.exec(c, l); }
    @Override public Optional<FileInfo> stat(String p) throws StepFailure { return real.stat(p); }
    @Override public List<FileInfo> glob(String p) throws StepFailure { return real.glob(p); }
    @Override public void read(String p, long o, StreamReader r) throws StepFailure { real.read(p, o, r); }
    @Override public void chmod(String p, int m) throws StepFailure { real.chmod(p, m); }
    @Override public void close() {}

    @Override
    public void write(String path, InputStream data, boolean append) throws StepFailure {
      byte[] bytes;
      try {
        bytes = data.readAllBytes();
      } catch (IOException e) {
        throw StepFailure.fatal(e.getMessage());
      }
      if (bytes.length > 0) bytes[bytes.length / 2] ^= 0x10;
      real.write(path, new ByteArrayInputStream(bytes), append);
    }
  }

  @Test
  void aCorruptedCopyFailsRetryablyAndTheNextAttemptRedoesIt(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("ib_logfile0");
    byte[] data = new byte[200_000];
    new Random(7).nextBytes(data);
    Files.write(src, data);
    Files.createDirectories(dir.resolve("out"));
    HostCopy.Input in = new HostCopy.Input(src.toString(), Optional.empty(), dir + "/out/", Optional.of("db2"));
    var inventory = TestHosts.inventory(TestHosts.host("db2", TestHosts.local()));
    try (StandaloneStepContext c = TestHosts.context(inventory, "db2", new RecordingLog(), dir)) {
      c.<HostTransport>shared("host-transport:db2", CorruptingDisk::new);
      StepFailure f = assertThrows(StepFailure.class, () -> new HostCopy().run(in, c));
      assertTrue(f.getMessage().contains("does not match its source"), f.getMessage());
      assertTrue(f.retryable());
      assertFalse(Files.exists(dir.resolve("out/ib_logfile0")), "a bad copy never takes the final name");
    }
    try (StandaloneStepContext c = TestHosts.context(inventory, "db2", new RecordingLog(), dir)) {
      new HostCopy().run(in, c);
      assertArrayEquals(data, Files.readAllBytes(dir.resolve("out/ib_logfile0")));
    }
  }

  @Test
  void progressIsReportedWhileCopying(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("big.bin");
    Files.write(src, new byte[3 << 20]);
    RecordingLog log = new RecordingLog();
    try (StandaloneStepContext c = TestHosts.context(TestHosts.inventory(), null, log, dir)) {
      LocalTransport local = new LocalTransport("here");
      FileInfo info = local.stat(src.toString()).orElseThrow();
      new FileCopy(local, local, info, dir + "/copy.bin", c, 0).run();
    }
    assertFalse(log.progress.isEmpty());
    assertTrue(log.progress.get(log.progress.size() - 1).matches("copy .*big\\.bin: \\d+ of 3 MiB \\(\\d+%\\)"), log.progress.toString());
  }
}

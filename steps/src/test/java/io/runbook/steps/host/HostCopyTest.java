package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SshdExtension.class)
class HostCopyTest {
  private final HostCopy copy = new HostCopy();
  private Path src;
  private Path dst;

  @BeforeEach
  void folders(@TempDir Path base) throws Exception {
    src = Files.createDirectories(base.resolve("src"));
    dst = base.resolve("dst");
    write(src.resolve("bin.000001"), 300_000, "rw-r-----");
    write(src.resolve("bin.000002"), 5_000, "rw-------");
    write(src.resolve("bin.index"), 30, "rw-r--r--");
  }

  private static void write(Path p, int size, String mode) throws Exception {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Files.write(p, data);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
  }

  /** Two inventory hosts of {@code kind}; over ssh both are the test sshd (data still flows host -> engine -> host). */
  private static StandaloneStepContext twoHosts(String kind, Sshd sshd, RecordingLog log) {
    var t = "ssh".equals(kind) ? TestHosts.ssh(sshd) : TestHosts.local();
    Host a = TestHosts.host("db1", t);
    Host b = TestHosts.host("db2", t);
    return TestHosts.context(TestHosts.inventory(a, b), "db1", log, Path.of("target"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void copiesAGlobBetweenHostsPreservingModesAndSkipsVerifiedFilesOnRerun(String kind, Sshd sshd) throws Exception {
    RecordingLog log = new RecordingLog();
    HostCopy.Input in = new HostCopy.Input(src + "/bin.0*", Optional.of("db1"), dst.toString(), Optional.of("db2"));
    try (StandaloneStepContext c = twoHosts(kind, sshd, log)) {
      assertEquals(Reconciled.Status.NOT_DONE, copy.reconcile(in, c).status());
      HostCopy.Output out = copy.run(in, c);
      assertEquals(List.of(dst + "/bin.000001", dst + "/bin.000002"), out.files());
      assertEquals(2, out.copied());
      assertEquals(305_000, out.bytes());
      for (String name : List.of("bin.000001", "bin.000002")) {
        assertArrayEquals(Files.readAllBytes(src.resolve(name)), Files.readAllBytes(dst.resolve(name)));
        assertEquals(Files.getPosixFilePermissions(src.resolve(name)), Files.getPosixFilePermissions(dst.resolve(name)));
      }
      assertFalse(Files.exists(dst.resolve("bin.index")));
      assertFalse(Files.exists(dst.resolve("bin.000001.part")));

      HostCopy.Output again = copy.run(in, c);
      assertEquals(0, again.copied());
      assertEquals(out.files(), again.files());
      assertEquals(Reconciled.Status.DONE, copy.reconcile(in, c).status());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void interruptedCopyIsResumedWhenThePartIsAPrefixAndRedoneOtherwise(String kind, Sshd sshd) throws Exception {
    Files.createDirectories(dst);
    byte[] source = Files.readAllBytes(src.resolve("bin.000001"));
    Files.write(dst.resolve("bin.000001.part"), Arrays.copyOf(source, 100_000));
    byte[] bad = Arrays.copyOf(source, 1000);
    bad[10] ^= 1;
    Files.write(dst.resolve("bin.000002.part"), bad);
    RecordingLog log = new RecordingLog();
    HostCopy.Input in = new HostCopy.Input(src + "/bin.0*", Optional.of("db1"), dst + "/", Optional.empty());
    try (StandaloneStepContext c = twoHosts(kind, sshd, log)) {
      HostCopy.Output out = copy.run(in, c);
      assertEquals(2, out.copied());
      assertEquals(200_000 + 5_000, out.bytes(), "only the missing 200000 bytes of the first file were sent");
      assertTrue(log.info.stream().anyMatch(l -> l.contains("resuming " + dst + "/bin.000001.part at byte 100000")), log.info.toString());
      assertArrayEquals(source, Files.readAllBytes(dst.resolve("bin.000001")));
      assertArrayEquals(Files.readAllBytes(src.resolve("bin.000002")), Files.readAllBytes(dst.resolve("bin.000002")));
    }
  }

  @Test
  void singleFileFromTheEngineToAnSshHostUnderANewName(Sshd sshd) throws Exception {
    Files.createDirectories(dst);
    Files.write(dst.resolve("renamed.index"), "stale".getBytes());
    HostCopy.Input in = new HostCopy.Input(src + "/bin.index", Optional.empty(), dst + "/renamed.index", Optional.of("db1"));
    try (StandaloneStepContext c = TestHosts.context("ssh", sshd, new RecordingLog())) {
      HostCopy.Output out = copy.run(in, c);
      assertEquals(List.of(dst + "/renamed.index"), out.files());
      assertArrayEquals(Files.readAllBytes(src.resolve("bin.index")), Files.readAllBytes(dst.resolve("renamed.index")));
    }
  }

  @Test
  void nothingMatchingIsAFailure(Sshd sshd) throws Exception {
    HostCopy.Input in = new HostCopy.Input(src + "/nope*", Optional.of("db1"), dst.toString(), Optional.empty());
    try (StandaloneStepContext c = TestHosts.context("ssh", sshd, new RecordingLog())) {
      StepFailure f = assertThrows(StepFailure.class, () -> copy.run(in, c));
      assertTrue(f.getMessage().contains("nothing matches"), f.getMessage());
    }
  }
}

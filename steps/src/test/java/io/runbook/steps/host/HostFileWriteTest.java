package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.Reconciled;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.TestHosts.RecordingLog;
import io.runbook.testkit.sshd.OsUser;
import io.runbook.testkit.sshd.Sshd;
import io.runbook.testkit.sshd.SshdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.host.transport.CommandResult;
import io.runbook.steps.host.transport.FileInfo;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(SshdExtension.class)
class HostFileWriteTest {
  private final HostFileWrite write = new HostFileWrite();
  private final HostFileRead read = new HostFileRead();

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void writesOnceThenReportsUnchangedAndFixesModeDrift(String kind, Sshd sshd, @TempDir Path dir) throws Exception {
    String path = dir + "/my.cnf";
    HostFileWrite.Input in = new HostFileWrite.Input(path, "[mysqld]\nserver-id=7\n", Optional.of("0640"), Optional.of("root"));
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      assertEquals(Reconciled.Status.NOT_DONE, write.reconcile(in, c).status());
      HostFileWrite.Output first = write.run(in, c);
      assertTrue(first.changed());
      assertEquals("[mysqld]\nserver-id=7\n", Files.readString(Path.of(path)));
      assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(path))));
      long inode = (Long) Files.getAttribute(Path.of(path), "unix:ino");

      assertFalse(write.run(in, c).changed(), "same content, mode and owner: nothing to do");
      assertEquals(inode, (Long) Files.getAttribute(Path.of(path), "unix:ino"), "the file was not rewritten");
      assertEquals(Reconciled.Status.DONE, write.reconcile(in, c).status());

      Files.setPosixFilePermissions(Path.of(path), PosixFilePermissions.fromString("rw-rw-rw-"));
      assertTrue(write.run(in, c).changed(), "mode drift is repaired");
      assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(path))));

      HostFileWrite.Output changed = write.run(new HostFileWrite.Input(path, "[mysqld]\nserver-id=8\n", Optional.of("0640"),
          Optional.empty()), c);
      assertTrue(changed.changed());
      assertTrue(inode != (Long) Files.getAttribute(Path.of(path), "unix:ino"), "new content arrives by rename");
      try (var left = Files.list(dir)) {
        assertEquals(1, left.count(), "no temp file left behind");
      }

      HostFileRead.Output got = read.run(new HostFileRead.Input(path, Optional.empty()), c);
      assertEquals("[mysqld]\nserver-id=8\n", got.content());
      assertEquals(changed.sha256(), got.sha256());
      StepFailure tooBig = assertThrows(StepFailure.class, () -> read.run(new HostFileRead.Input(path, Optional.of(4)), c));
      assertTrue(tooBig.getMessage().contains("more than maxBytes 4"), tooBig.getMessage());
    }
  }

  /** owner: for real, with an account other than the one the engine logs in as. */
  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void ownerIsSetAndOwnerDriftIsRepaired(String kind, Sshd sshd, @TempDir Path dir) throws Exception {
    Path path = dir.resolve("owned.cnf");
    try (OsUser user = OsUser.create(); StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      HostFileWrite.Input in = new HostFileWrite.Input(path.toString(), "owned\n", Optional.of("0640"),
          Optional.of(user.name() + ":" + user.name()));
      assertTrue(write.run(in, c).changed());
      assertEquals(user.name(), Files.getOwner(path).getName());
      assertEquals(user.name(), Files.readAttributes(path, PosixFileAttributes.class).group().getName());
      assertFalse(write.run(in, c).changed(), "owner already right: nothing to do");

      UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(path, users.lookupPrincipalByName("root"));
      assertEquals(Reconciled.Status.NOT_DONE, write.reconcile(in, c).status(), "owner drift: not as desired");
      long inode = (Long) Files.getAttribute(path, "unix:ino");
      assertTrue(write.run(in, c).changed(), "owner drift is repaired");
      assertEquals(user.name(), Files.getOwner(path).getName());
      assertEquals(inode, (Long) Files.getAttribute(path, "unix:ino"), "same content: chown in place, no rewrite");

      HostFileWrite.Input userOnly = new HostFileWrite.Input(path.toString(), "owned\n", Optional.of("0640"),
          Optional.of(user.name()));
      assertFalse(write.run(userOnly, c).changed(), "owner as a user name alone matches whatever the group is");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void missingFolderAndBadModeAreClearFailures(String kind, Sshd sshd) throws Exception {
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      StepFailure f = assertThrows(StepFailure.class, () -> write.run(
          new HostFileWrite.Input("/nonexistent-dir/x.conf", "x", Optional.empty(), Optional.empty()), c));
      assertTrue(f.getMessage().contains("/nonexistent-dir does not exist on db1"), f.getMessage());
      assertThrows(StepFailure.class, () -> write.run(
          new HostFileWrite.Input("/tmp/x.conf", "x", Optional.of("rw-r--r--"), Optional.empty()), c));
    }
  }

  /**
   * A secret written to a file must not be readable by others on the host for a moment, nor for good when the run
   * dies half-way: here the run "dies" when it would set the mode, after the content was written to the temp file.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ssh", "local"})
  void theTempFileIsForItsOwnerOnlyWhileItHoldsTheContent(String kind, Sshd sshd, @TempDir Path dir) throws Exception {
    String path = dir + "/secret.cnf";
    String canary = "Kx7canaryQz93Lp";
    Files.writeString(Path.of(AtomicFileWriter.tempPath(path, "standalone")), "left by an earlier try\n");
    Files.setPosixFilePermissions(Path.of(AtomicFileWriter.tempPath(path, "standalone")),
        PosixFilePermissions.fromString("rw-r--r--"));
    try (StandaloneStepContext c = TestHosts.context(kind, sshd, new RecordingLog())) {
      HostTransport real = Transports.forTarget(c);
      List<String> modesAtWrite = new ArrayList<>();
      HostTransport dying = new HostTransport() {
        public String describe() { return real.describe(); }
        public CommandResult exec(HostCommand command, StepLog log) throws StepFailure, InterruptedException {
          return real.exec(command, log);
        }
        public Optional<FileInfo> stat(String p) throws StepFailure { return real.stat(p); }
        public List<FileInfo> glob(String pattern) throws StepFailure { return real.glob(pattern); }
        public void read(String p, long offset, StreamReader reader) throws StepFailure { real.read(p, offset, reader); }
        public void write(String p, InputStream data, boolean append) throws StepFailure {
          modesAtWrite.add(real.stat(p).map(f -> Integer.toOctalString(f.mode())).orElse("missing"));
          real.write(p, data, append);
        }
        public void chmod(String p, int mode) throws StepFailure {
          throw StepFailure.fatal("the run died before chmod " + p);
        }
        public void close() {}
      };
      AtomicFileWriter.Desired d = new AtomicFileWriter.Desired(path, ("password=" + canary + "\n").getBytes(
          java.nio.charset.StandardCharsets.UTF_8), Optional.of(0640), Optional.empty());
      assertThrows(StepFailure.class, () -> AtomicFileWriter.apply(dying, d, c));
      assertEquals(List.of("600"), modesAtWrite, "the temp file exists, for its owner only, before the content is written");
      Path left = Path.of(AtomicFileWriter.tempPath(path, "standalone"));
      assertEquals("password=" + canary + "\n", Files.readString(left));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(left)),
          "what a dead run leaves behind is not readable by others");
    }
  }
}

package io.runbook.steps.cloud.sandbox;

import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * A crash-consistent copy of a disk folder, the way a hypervisor snapshot freezes block writes: the mariadbd of the
 * VM the disk is attached to is paused (SIGSTOP) for the copy and always resumed (SIGCONT), also when the copy fails.
 * The copy uses reflinks where the file system has them ({@code cp --reflink=auto}), so large data is cheap.
 */
final class FrozenCopy {
  private FrozenCopy() {}

  /** Copies the content of {@code from} into {@code to} (created); returns the instant the copy represents. */
  static Instant copy(Path from, Path to, VmServer server, StepLog log) throws StepFailure, InterruptedException {
    OptionalLong pid = server == null ? OptionalLong.empty() : server.pid();
    if (pid.isPresent()) VmServer.freeze(pid.getAsLong());
    try {
      Instant at = Instant.now();
      long t0 = System.nanoTime();
      plainCopy(from, to);
      if (pid.isPresent()) {
        log.info("copied " + from + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms with mariadbd (pid "
            + pid.getAsLong() + ") paused");
      }
      return at;
    } finally {
      if (pid.isPresent()) VmServer.resume(pid.getAsLong());
    }
  }

  /**
   * Ends every process still working on a half-made folder before it is removed and made again: an engine killed in
   * the middle of a copy (or a delete) leaves its {@code cp} (or {@code rm}) running, and removing the folder under it
   * then fails with "Directory not empty" or races a second copy into the same place (found by the crash sweep: SIGKILL
   * in the middle of cloud.disk.from-snapshot, then resume).
   */
  static void stopProcessesOn(Path folder) throws InterruptedException {
    String prefix = folder.toString();
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> left = ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(p -> p.info().arguments().map(a -> java.util.Arrays.stream(a).anyMatch(x -> x.equals(prefix) || x.startsWith(prefix + "/"))).orElse(false))
        .toList();
    for (ProcessHandle p : left) p.destroyForcibly();
    for (ProcessHandle p : left) {
      try {
        p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // gone or stuck: the removal that follows reports what is left
      }
    }
  }

  /** {@code cp -a --reflink=auto FROM/. TO/}: modes and times kept, as a block copy would. */
  static void plainCopy(Path from, Path to) throws StepFailure, InterruptedException {
    try {
      Files.createDirectories(to);
    } catch (IOException e) {
      throw StepFailure.fatal("sandbox: cannot create " + to + ": " + e.getMessage());
    }
    var r = VmServer.run(List.of("cp", "-a", "--reflink=auto", "--", from + "/.", to + "/"));
    if (r.exitCode() != 0) {
      throw StepFailure.fatal("sandbox: copying " + from + " to " + to + " failed: " + r.stderr().strip(),
          "check free space under the sandbox root");
    }
  }
}

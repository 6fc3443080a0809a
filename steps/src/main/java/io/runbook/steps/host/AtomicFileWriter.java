package io.runbook.steps.host;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.transport.FileInfo;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * Puts a file in place with given content, mode and owner, only changing what differs. New content is written to a
 * temp file beside the target and renamed over it, so readers see the old file or the new one, never half of one.
 * The temp file is readable by its owner only until the content is complete and the mode set.
 */
public final class AtomicFileWriter {
  static final int DEFAULT_MODE = 0644;

  private AtomicFileWriter() {}

  /** The desired state of one file. Mode empty: keep the current one (0644 for a new file). Owner: user or user:group. */
  public record Desired(String path, byte[] content, Optional<Integer> mode, Optional<String> owner) {}

  /** Whether the file already is as desired (content, mode and owner). */
  public static boolean matches(HostTransport host, Desired d, StepContext ctx) throws StepFailure, InterruptedException {
    Optional<FileInfo> now = host.stat(d.path());
    return now.isPresent() && sameContent(host, d, now.get())
        && d.mode().map(m -> m == now.get().mode()).orElse(true)
        && ownerMatches(host, d, ctx);
  }

  /** Makes the file as desired; returns whether anything changed. */
  public static boolean apply(HostTransport host, Desired d, StepContext ctx) throws StepFailure, InterruptedException {
    Optional<FileInfo> now = host.stat(d.path());
    if (now.isPresent() && now.get().directory()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + d.path() + " on " + host.describe() + " is a directory");
    }
    int mode = d.mode().orElse(now.map(FileInfo::mode).orElse(DEFAULT_MODE));
    if (now.isEmpty() || !sameContent(host, d, now.get())) {
      String tmp = tempPath(d.path(), ctx.runId());
      int slash = d.path().lastIndexOf('/');
      String dir = slash <= 0 ? "/" : d.path().substring(0, slash);
      if (host.stat(dir).filter(FileInfo::directory).isEmpty()) {
        throw StepFailure.fatal("step " + ctx.stepId() + ": the folder " + dir + " does not exist on " + host.describe(),
            "create it first (host.exec with mkdir -p) or fix the path");
      }
      // The temp file exists, empty and for its owner only, before any content arrives: one made by the write
      // itself would get the default mode (0644 under the usual umask) until the chmod, and keep it if the run died
      // in between. Made anew (noclobber: O_EXCL), so that no one holds it open from an earlier, readable life.
      HostCommands.check(host, HostCommand.script("umask 077 && rm -f -- \"$1\" && set -C && : > \"$1\"", tmp), ctx);
      host.write(tmp, new ByteArrayInputStream(d.content()), false);
      host.chmod(tmp, mode);
      if (d.owner().isPresent()) HostCommands.check(host, HostCommand.of("chown", "--", d.owner().get(), tmp), ctx);
      HostCommands.check(host, HostCommand.of("mv", "-f", "--", tmp, d.path()), ctx);
      return true;
    }
    boolean changed = false;
    if (mode != now.get().mode()) {
      host.chmod(d.path(), mode);
      changed = true;
    }
    if (!ownerMatches(host, d, ctx)) {
      HostCommands.check(host, HostCommand.of("chown", "--", d.owner().get(), d.path()), ctx);
      changed = true;
    }
    return changed;
  }

  static String tempPath(String path, String runId) {
    int slash = path.lastIndexOf('/');
    String safeRun = runId.replaceAll("[^A-Za-z0-9_.-]", "_");
    return path.substring(0, slash + 1) + "." + path.substring(slash + 1) + ".runbook-" + safeRun + ".tmp";
  }

  private static boolean sameContent(HostTransport host, Desired d, FileInfo now) throws StepFailure {
    if (now.directory() || now.size() != d.content().length) return false;
    ByteArrayOutputStream current = new ByteArrayOutputStream();
    host.read(d.path(), 0, in -> in.transferTo(current));
    return Arrays.equals(current.toByteArray(), d.content());
  }

  private static boolean ownerMatches(HostTransport host, Desired d, StepContext ctx) throws StepFailure, InterruptedException {
    if (d.owner().isEmpty()) return true;
    String actual = HostCommands.check(host, HostCommand.of("stat", "-c", "%U:%G", "--", d.path()), ctx).strip();
    String want = d.owner().get();
    return want.contains(":") ? actual.equals(want) : actual.startsWith(want + ":");
  }
}

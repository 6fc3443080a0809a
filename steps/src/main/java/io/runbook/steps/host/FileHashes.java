package io.runbook.steps.host;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;

/** SHA-256 of files where they are (coreutils on the host), so large files are not pulled over the network to hash. */
public final class FileHashes {
  private FileHashes() {}

  public static String sha256(HostTransport host, String path, StepContext ctx) throws StepFailure, InterruptedException {
    return firstWord(HostCommands.check(host, HostCommand.of("sha256sum", "--", path), ctx));
  }

  /** SHA-256 of the first {@code length} bytes (to check that a partial copy is a true prefix of its source). */
  public static String sha256Prefix(HostTransport host, String path, long length, StepContext ctx)
      throws StepFailure, InterruptedException {
    return firstWord(HostCommands.check(host,
        HostCommand.script("head -c \"$1\" -- \"$2\" | sha256sum", Long.toString(length), path), ctx));
  }

  private static String firstWord(String out) {
    String t = out.strip();
    int sp = t.indexOf(' ');
    return sp < 0 ? t : t.substring(0, sp);
  }
}

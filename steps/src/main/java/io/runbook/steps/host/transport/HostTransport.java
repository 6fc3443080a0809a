package io.runbook.steps.host.transport;

import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * How steps act on a host: run a command, and read, write and inspect files. The same step types work over
 * {@link SshTransport} and {@link LocalTransport}. Failures are {@link StepFailure}s naming the host.
 */
public interface HostTransport extends AutoCloseable {
  /** The host as operators know it, e.g. {@code db1 (ssh root@10.0.0.4:22)}. */
  String describe();

  /** Runs a command; each output line goes to {@code log.output} as it arrives. A non-zero exit is a result, not a failure. */
  CommandResult exec(HostCommand command, StepLog log) throws StepFailure, InterruptedException;

  /** The file or directory at {@code path}, if it exists. */
  Optional<FileInfo> stat(String path) throws StepFailure;

  /** Regular files matching a path whose last part may hold {@code *} and {@code ?} globs, sorted by path. */
  List<FileInfo> glob(String pattern) throws StepFailure;

  /** Reads a file from byte {@code offset} on. */
  void read(String path, long offset, StreamReader reader) throws StepFailure;

  /** Writes a file from {@code data}, appending when {@code append}, else creating or truncating it. */
  void write(String path, InputStream data, boolean append) throws StepFailure;

  /** Sets permission bits, e.g. 0640. */
  void chmod(String path, int mode) throws StepFailure;

  @Override
  void close();

  /** Consumes a file's bytes. */
  @FunctionalInterface
  interface StreamReader {
    void read(InputStream in) throws IOException;
  }
}

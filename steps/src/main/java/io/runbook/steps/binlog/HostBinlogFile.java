package io.runbook.steps.binlog;

import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.transport.HostTransport;
import java.io.IOException;
import java.nio.channels.Channels;

/**
 * A binlog file on a host, streamed through the host's transport (SFTP over its SSH session) from the offset a
 * scan asks for: a scan pulls the bytes it reads, not the whole file, and nothing is copied to disk.
 */
record HostBinlogFile(HostTransport host, String path, long size) implements BinlogSource {

  @Override
  public void read(long offset, Reader reader) throws IOException, BinlogException {
    try {
      host.read(path, offset, in -> {
        try {
          reader.read(Channels.newChannel(in));
        } catch (BinlogException | IOException e) {
          throw new Carried(e); // through the transport, which would report any IOException as a dropped connection
        }
      });
    } catch (StepFailure f) {
      for (Throwable c = f.getCause(); c != null; c = c.getCause()) {
        if (c instanceof Carried carried) {
          if (carried.getCause() instanceof BinlogException b) throw b;
          throw (IOException) carried.getCause();
        }
      }
      throw new TransportFailure(f);
    }
  }

  /** A scan's own failure, carried through the transport's stream reader. */
  private static final class Carried extends IOException {
    Carried(Exception cause) { super(cause); }
  }

  /** The transport failed (connection, permissions): the step reports its StepFailure as it is. */
  static final class TransportFailure extends IOException {
    final StepFailure failure;

    TransportFailure(StepFailure failure) {
      super(failure.getMessage(), failure);
      this.failure = failure;
    }
  }
}

package io.runbook.steps.host;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.host.transport.FileInfo;
import io.runbook.steps.host.transport.HostCommand;
import io.runbook.steps.host.transport.HostTransport;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** One verified, resumable file copy from one transport to another (see {@link HostCopy}). */
final class FileCopy {
  /** Progress is reported at most this often, so small files never print any. */
  static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

  private final HostTransport src;
  private final HostTransport dst;
  private final FileInfo source;
  private final String dest;
  private final StepContext ctx;
  private final long progressEveryNanos;

  FileCopy(HostTransport src, HostTransport dst, FileInfo source, String dest, StepContext ctx) {
    this(src, dst, source, dest, ctx, PROGRESS_EVERY_NANOS);
  }

  FileCopy(HostTransport src, HostTransport dst, FileInfo source, String dest, StepContext ctx, long progressEveryNanos) {
    this.progressEveryNanos = progressEveryNanos;
    this.src = src;
    this.dst = dst;
    this.source = source;
    this.dest = dest;
    this.ctx = ctx;
  }

  /** Whether {@code dest} already holds exactly the source's bytes. */
  static boolean alreadyThere(HostTransport src, HostTransport dst, FileInfo source, String dest, StepContext ctx)
      throws StepFailure, InterruptedException {
    Optional<FileInfo> d = dst.stat(dest);
    return d.isPresent() && !d.get().directory() && d.get().size() == source.size()
        && FileHashes.sha256(dst, dest, ctx).equals(FileHashes.sha256(src, source.path(), ctx));
  }

  /** Copies unless already there; returns the bytes sent, or -1 when the file was already in place. */
  long run() throws StepFailure, InterruptedException {
    if (alreadyThere(src, dst, source, dest, ctx)) {
      ctx.log().info(dest + " already holds " + source.path() + " (size and sha256 match): skipped");
      return -1;
    }
    String part = dest + ".part";
    long offset = resumableOffset(part);
    if (offset > 0) ctx.log().info("resuming " + part + " at byte " + offset + " of " + source.size());
    Progress progress = new Progress(offset);
    boolean append = offset > 0;
    StepFailure[] writeFailed = new StepFailure[1];
    try {
      src.read(source.path(), offset, in -> {
        try {
          dst.write(part, new Counting(in, progress), append);
        } catch (StepFailure e) {
          writeFailed[0] = e;
          throw new IOException("writing " + part + " failed");
        }
      });
    } catch (StepFailure e) {
      // Report the side that failed: a full destination disk is not the source's fault.
      throw writeFailed[0] != null ? writeFailed[0] : e;
    }
    verify(part);
    dst.chmod(part, source.mode());
    HostCommands.check(dst, HostCommand.of("mv", "-f", "--", part, dest), ctx);
    return progress.bytes - offset;
  }

  // A .part is kept only if it is a true prefix of the source; anything else is started over.
  private long resumableOffset(String part) throws StepFailure, InterruptedException {
    Optional<FileInfo> p = dst.stat(part);
    if (p.isEmpty() || p.get().size() == 0 || p.get().size() > source.size()) return 0;
    long have = p.get().size();
    return FileHashes.sha256(dst, part, ctx).equals(FileHashes.sha256Prefix(src, source.path(), have, ctx)) ? have : 0;
  }

  private void verify(String part) throws StepFailure, InterruptedException {
    long size = dst.stat(part).map(FileInfo::size).orElse(-1L);
    String want = FileHashes.sha256(src, source.path(), ctx);
    String got = size == source.size() ? FileHashes.sha256(dst, part, ctx) : "(size differs)";
    if (size != source.size() || !got.equals(want)) {
      throw new StepFailure("step " + ctx.stepId() + ": copy of " + source.path() + " to " + dst.describe() + ":" + part
          + " does not match its source (size " + size + " vs " + source.size() + ", sha256 " + got + " vs " + want + ")",
          true, "retry the step: the partial file is checked and redone; if it repeats, check the disks on both hosts", null);
    }
  }

  /** Counts bytes and reports progress now and then. */
  private final class Progress {
    long bytes;
    private long lastReport = System.nanoTime();

    Progress(long start) { bytes = start; }

    void add(long n) {
      bytes += n;
      long now = System.nanoTime();
      if (now - lastReport >= progressEveryNanos) {
        lastReport = now;
        long pct = source.size() == 0 ? 100 : bytes * 100 / source.size();
        ctx.log().progress("copy " + source.path() + ": " + mib(bytes) + " of " + mib(source.size()) + " MiB (" + pct + "%)");
      }
    }

    private long mib(long b) { return b >> 20; }
  }

  private static final class Counting extends FilterInputStream {
    private final Progress progress;

    Counting(InputStream in, Progress progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) progress.add(1);
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) progress.add(n);
      return n;
    }
  }
}

package io.runbook.steps.binlog;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Scans a list of files in order for one visitor, using a second core: while the caller's thread scans one file
 * with the visitor, a background thread scans the next one and records its transactions' positions; the visitor
 * then gets that file from the recording. The visitor sees exactly what a scan on its own thread would show, in the
 * same order: cursors carry positions, times, flags and the match result (what {@link BinlogScanner.Detail#POSITIONS}
 * gives), and a file whose recording failed is scanned again on the caller's thread, so its errors surface as they would.
 */
final class ScanAhead implements AutoCloseable {
  private final List<BinlogSource> files;
  private final BinlogScanner scanner;
  private final Supplier<BinlogScanner> backgroundScanner;
  private ExecutorService background;
  private Future<Recording> ahead;
  private int aheadIndex = -1;
  private volatile boolean closed;

  /** {@code backgroundScanner} makes the background thread's scanner, configured like {@code scanner}; null: no second thread. */
  ScanAhead(List<BinlogSource> files, BinlogScanner scanner, Supplier<BinlogScanner> backgroundScanner) {
    this.files = files;
    this.scanner = scanner;
    this.backgroundScanner = backgroundScanner;
  }

  /** Scans file {@code i} (called for 0, 1, 2... in order, possibly stopping early). */
  BinlogFileInfo scan(int i, BinlogScanner.Visitor visitor) throws IOException, BinlogException {
    if (aheadIndex == i) {
      Recording r = take();
      if (r.info != null) return r.replay(visitor);
      // the recording failed: scan the file here, so its problem surfaces exactly as in a plain scan
    } else if (i + 1 < files.size() && backgroundScanner != null) {
      recordAhead(i + 1);
    }
    return scanner.scan(files.get(i), 4, visitor);
  }

  private void recordAhead(int i) {
    if (background == null) {
      background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "binlog-scan-ahead");
        t.setDaemon(true);
        return t;
      });
    }
    BinlogSource file = files.get(i);
    aheadIndex = i;
    ahead = background.submit(() -> {
      Recording r = new Recording(file.path());
      try {
        r.info = backgroundScanner.get().scan(file, 4, r::add);
      } catch (IOException | BinlogException | RuntimeException e) {
        r.info = null;
      }
      return r;
    });
  }

  private Recording take() throws IOException {
    try {
      return ahead.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for the scan of " + files.get(aheadIndex).path());
    } catch (ExecutionException e) {
      Recording failed = new Recording(files.get(aheadIndex).path());
      return failed; // info null: scanned again on the caller's thread
    } finally {
      ahead = null;
      aheadIndex = -1;
    }
  }

  /** Stops the background scan (it ends at its next transaction) and waits for it, so no thread outlives the step. */
  @Override
  public void close() {
    closed = true;
    if (background == null) return;
    background.shutdown();
    try {
      if (ahead != null) ahead.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException ignored) {
      // nobody wants its result any more
    }
  }

  /** One file's transactions as a POSITIONS scan sees them, kept in flat arrays (a file holds hundreds of thousands). */
  private final class Recording {
    private static final int FIELDS = 7;
    private final String path;
    private long[] tx = new long[FIELDS * 1024];
    private int count;
    BinlogFileInfo info;

    Recording(String path) { this.path = path; }

    boolean add(TransactionCursor c) {
      if (closed) return false;
      if ((count + 1) * FIELDS > tx.length) tx = Arrays.copyOf(tx, tx.length * 2);
      int at = count * FIELDS;
      tx[at] = c.domain;
      tx[at + 1] = c.serverId;
      tx[at + 2] = c.seq;
      tx[at + 3] = c.start;
      tx[at + 4] = c.end;
      tx[at + 5] = c.timestamp;
      tx[at + 6] = (c.standalone ? 1 : 0) | (c.ddl ? 0x20 : 0) | (c.matched ? 0x100 : 0);
      count++;
      return true;
    }

    /** Hands the transactions to {@code visitor}; its file info is what a scan stopping where the visitor stops reports. */
    BinlogFileInfo replay(BinlogScanner.Visitor visitor) throws BinlogException {
      TransactionCursor c = new TransactionCursor();
      for (int i = 0; i < count; i++) {
        int at = i * FIELDS;
        int flags = (int) tx[at + 6];
        c.begin(path, tx[at], tx[at + 1], tx[at + 2], tx[at + 3], tx[at + 5], flags & 0xff);
        c.end = tx[at + 4];
        c.matched = (flags & 0x100) != 0;
        if (!visitor.onTransaction(c)) {
          return new BinlogFileInfo(info.file(), info.size(), info.serverVersion(), info.checksums(), info.inUse(),
              info.gtidListAtStart(), c.end, false, Optional.empty(), Optional.empty(), Optional.empty(), i + 1);
        }
      }
      return info;
    }
  }
}

package io.runbook.steps.binlog;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * Maps a local binlog file read-only for a scan, and unmaps it as soon as the scan ends. Java unmaps a mapping only
 * when its buffer is garbage-collected, which in a long-running engine can be much later: until then a deleted
 * harvest of gigabytes would keep its disk space. The scan that maps a file is its only user, so releasing it at the
 * scan's end is safe; Java 17 offers that only as {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported,
 * which the JDK keeps open to applications). When it is not available the mapping is left to the garbage collector.
 */
final class MappedBinlog {
  /** Files over this are streamed: one mapping (a ByteBuffer) cannot exceed 2 GiB. */
  static final long MAX = Integer.MAX_VALUE - 8;
  private static final Object UNSAFE = unsafe();
  private static final Method INVOKE_CLEANER = invokeCleaner();

  private static final int PAGE = 4096;
  /** Touches the pages of mappings ahead of their scans: page faults are kernel work another core can take. */
  private static final ExecutorService PREFAULT = Executors.newCachedThreadPool(new PrefaultThreads());

  private MappedBinlog() {}

  /**
   * Starts touching every page of {@code mapping} on another core, so the scan finds them mapped instead of taking
   * the page faults itself; {@link Prefault#stop} must be called (it returns once the thread has let go of the
   * mapping) before the mapping is released.
   */
  static Prefault prefault(ByteBuffer mapping) {
    Prefault p = new Prefault(mapping.duplicate());
    p.done = PREFAULT.submit(p);
    return p;
  }

  /** Daemon threads: a prefault never keeps the JVM alive. (Classes, not lambdas: a cold scan pays for a JVM's first lambda.) */
  private static final class PrefaultThreads implements ThreadFactory {
    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "binlog-prefault");
      t.setDaemon(true);
      return t;
    }
  }

  /** A running prefault of one mapping. */
  static final class Prefault implements Callable<Integer> {
    private final ByteBuffer view;
    private volatile boolean stopped;
    private Future<Integer> done;

    private Prefault(ByteBuffer view) { this.view = view; }

    /** Reads a byte of every page (the sum keeps the reads from being optimised away). */
    @Override
    public Integer call() {
      int sum = 0;
      for (int i = 0, n = view.capacity(); i < n && !stopped; i += PAGE) sum += view.get(i);
      return sum;
    }

    /** Stops touching pages and waits until the thread no longer reads the mapping. */
    void stop() {
      stopped = true;
      boolean interrupted = false;
      while (true) {
        try {
          done.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the mapping must not be released under the thread: wait on, then restore the flag
        } catch (ExecutionException e) {
          break; // e.g. the file shrank under the mapping: the scan meets that itself
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /** The file's first {@code size} bytes, little-endian; null when it is too big to map or mapping fails. */
  static ByteBuffer map(Path file, long size) {
    if (size > MAX) return null;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException | UnsupportedOperationException e) {
      return null; // e.g. a file system without mmap: the scan streams the file instead
    }
  }

  /** Unmaps {@code mapping}; it must not be touched afterwards. */
  static void release(ByteBuffer mapping) {
    if (INVOKE_CLEANER == null || mapping == null || !mapping.isDirect()) return;
    try {
      INVOKE_CLEANER.invoke(UNSAFE, mapping);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // left to the garbage collector
    }
  }

  private static Method invokeCleaner() {
    try {
      return UNSAFE == null ? null : UNSAFE.getClass().getMethod("invokeCleaner", ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Object unsafe() {
    try {
      Class<?> c = Class.forName("sun.misc.Unsafe");
      Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return f.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}

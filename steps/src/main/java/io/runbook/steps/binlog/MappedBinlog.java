package io.runbook.steps.binlog;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

  private MappedBinlog() {}

  /**
   * Starts touching every page of {@code mapping} from {@code from} on, on another core, so the scan finds them
   * mapped instead of taking the page faults itself (kernel work another core can do); {@link Prefault#finish} must be
   * called (it returns once the thread has let go of the mapping) before the mapping is released.
   */
  static Prefault prefault(ByteBuffer mapping, long from) {
    Prefault p = new Prefault(mapping.duplicate(), (int) Math.min(from, mapping.capacity()) & -PAGE);
    p.start();
    return p;
  }

  /**
   * A thread touching one mapping's pages: a plain daemon thread per scanned file (no executor: a cold JVM would load
   * and initialise a thread pool's classes for it), never keeping the JVM alive.
   */
  static final class Prefault extends Thread {
    private final ByteBuffer view;
    private final int from;
    private volatile boolean stopped;
    /** What the reads summed to: kept so they are not optimised away. */
    private int sum;

    private Prefault(ByteBuffer view, int from) {
      super("binlog-prefault");
      this.view = view;
      this.from = from;
      setDaemon(true);
    }

    @Override
    public void run() {
      int s = 0;
      try {
        for (int i = from, n = view.capacity(); i < n && !stopped; i += PAGE) s += view.get(i);
      } catch (InternalError e) {
        // the file shrank under the mapping: the scan meets that itself and reports it
      }
      sum = s;
    }

    /** Stops touching pages and waits until the thread no longer reads the mapping. */
    void finish() {
      stopped = true;
      boolean interrupted = false;
      while (true) {
        try {
          join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the mapping must not be released under the thread: wait on, then restore the flag
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

package io.runbook.engine.lock;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * One run per inventory target at a time: {@code <state-dir>/locks/<inventory>.lock} names its holder
 * (run id, pid, host, start); a run without an inventory locks {@code run-<run-id>}, so that it is not resumed
 * twice at once. It is created atomically (a hard link of a fully written file), so a reader
 * never sees a half-written lock. A lock whose pid is dead on this host is stale and taken over with a warning.
 */
public final class RunLock implements AutoCloseable {
  /** Who holds a lock; {@code processStart} (null when unknown) tells a reused pid from the holder. */
  public record Holder(String runId, long pid, String host, Instant started, Instant processStart) {
    String describe() { return "run " + runId + " (pid " + pid + " on " + host + ", since " + started + ")"; }
  }

  /** The lock is held by a live run; the message names it. */
  public static final class HeldException extends Exception {
    private final Holder holder;

    private HeldException(String message, Holder holder) {
      super(message);
      this.holder = holder;
    }

    /** {@code what} (e.g. "inventory prod", "the MariaDB server at 10.0.0.4:3306") is held by {@code holder}. */
    static HeldException inUse(String what, Holder holder) {
      return new HeldException(what + " is in use by " + holder.describe()
          + "; wait for it to end, or stop it and resume it later", holder);
    }

    public Holder holder() { return holder; }
  }

  private final Path file;
  private final Holder mine;
  private boolean released;
  private Holder tookOver;

  private RunLock(Path file, Holder mine) {
    this.file = file;
    this.mine = mine;
  }

  /** Takes the lock of {@code target} for {@code runId}; warnings (a stale lock taken over) go to {@code warn}. */
  public static RunLock acquire(Path locksDir, String target, String runId, Consumer<String> warn)
      throws HeldException, IOException {
    return acquire(locksDir, target, describe(target), runId, warn);
  }

  /** As {@link #acquire(Path, String, String, Consumer)}; messages name the target as {@code what}. */
  public static RunLock acquire(Path locksDir, String target, String what, String runId, Consumer<String> warn)
      throws HeldException, IOException {
    Files.createDirectories(locksDir);
    Path file = locksDir.resolve(safeName(target) + ".lock");
    ProcessHandle self = ProcessHandle.current();
    Holder me = new Holder(runId, self.pid(), hostName(), Instant.now(), self.info().startInstant().orElse(null));
    Holder staleHolder = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Path tmp = Files.createTempFile(locksDir, safeName(target) + ".", ".tmp");
      try {
        Files.writeString(tmp, format(me), StandardCharsets.UTF_8);
        readableByAll(tmp); // in a lock folder shared by several operators, each must be able to read the holder
        Files.createLink(file, tmp);
        RunLock lock = new RunLock(file, me);
        lock.tookOver = staleHolder;
        return lock;
      } catch (FileAlreadyExistsException held) {
        Holder holder;
        try {
          holder = read(file);
        } catch (NoSuchFileException gone) {
          continue; // released between our attempt and the read: try again
        }
        if (!isStale(holder, me.host())) throw HeldException.inUse(what, holder);
        // Move the stale lock aside atomically: of two runs taking over, only one move succeeds.
        Path aside = locksDir.resolve(safeName(target) + ".stale-" + me.pid());
        try {
          Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
          Files.deleteIfExists(aside);
        } catch (NoSuchFileException alreadyTaken) {
          continue;
        }
        staleHolder = holder;
        warn.accept("took over the stale lock of " + what + " held by " + holder.describe()
            + ": that process is no longer running");
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    throw new IOException("could not take the lock " + file + " after 3 attempts; another run is starting at the same time");
  }

  /** The current holder of a target's lock, if any. */
  public static java.util.Optional<Holder> holder(Path locksDir, String target) throws IOException {
    try {
      return java.util.Optional.of(read(locksDir.resolve(safeName(target) + ".lock")));
    } catch (NoSuchFileException e) {
      return java.util.Optional.empty();
    }
  }

  public Holder holder() { return mine; }

  /** The holder of the stale lock this run took over, if it took one over. */
  public Optional<Holder> tookOverFrom() { return Optional.ofNullable(tookOver); }

  /** Releases the lock if this run still holds it. */
  @Override
  public synchronized void close() {
    if (released) return;
    released = true;
    try {
      Holder now = read(file);
      if (now.runId().equals(mine.runId()) && now.pid() == mine.pid()) Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Already gone or unreadable: nothing of ours to release.
    }
  }

  static boolean isStale(Holder h, String thisHost) {
    if (!h.host().equals(thisHost)) return false; // a pid on another machine cannot be checked from here
    Optional<ProcessHandle> p = ProcessHandle.of(h.pid()).filter(ProcessHandle::isAlive);
    if (p.isEmpty()) return true;
    // The pid of a killed run may since belong to another process: its start time tells them apart.
    Optional<Instant> start = p.get().info().startInstant();
    return h.processStart() != null && start.isPresent()
        && Duration.between(h.processStart(), start.get()).abs().toMillis() > 1000;
  }

  private static void readableByAll(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException | IOException notPosix) {
      // the platform's default then
    }
  }

  private static String describe(String target) {
    return target.startsWith("run-") ? "run " + target.substring(4) : "inventory " + target;
  }

  private static Holder read(Path file) throws IOException {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    try {
      String processStart = p.getProperty("processStart", "");
      return new Holder(p.getProperty("runId", "?"), Long.parseLong(p.getProperty("pid", "-1")),
          p.getProperty("host", "?"), Instant.parse(p.getProperty("started", Instant.EPOCH.toString())),
          processStart.isEmpty() ? null : Instant.parse(processStart));
    } catch (RuntimeException e) {
      throw new IOException("the lock file " + file + " is damaged; remove it if no run is active");
    }
  }

  private static String format(Holder h) {
    return "runId=" + h.runId() + "\npid=" + h.pid() + "\nhost=" + h.host() + "\nstarted=" + h.started() + "\n"
        + (h.processStart() == null ? "" : "processStart=" + h.processStart() + "\n");
  }

  private static String safeName(String target) { return target.replaceAll("[^A-Za-z0-9._-]", "_"); }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
  }
}

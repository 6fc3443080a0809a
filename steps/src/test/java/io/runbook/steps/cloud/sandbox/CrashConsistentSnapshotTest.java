package io.runbook.steps.cloud.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.testkit.mariadb.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A snapshot of a disk whose server is under write load boots cleanly (InnoDB crash recovery), passes CHECK TABLE and
 * holds exactly the committed transactions: one row per GTID of the load. The server is always resumed.
 */
class CrashConsistentSnapshotTest {
  private final Path root = Path.of("target", "sandbox-crash-" + ProcessHandle.current().pid()).toAbsolutePath();
  private final SandboxLayout layout = new SandboxLayout(root);
  private final SandboxCloud cloud = new SandboxCloud(layout);

  @AfterEach
  void clean() throws Exception {
    for (String vm : layout.names(layout.vms())) new VmServer(layout, vm).kill();
    MariaDbServer.deleteTree(root);
  }

  /** A VM with an empty data disk at LUN 9 mounted at mnt/data, its server running; returns the port. */
  private int vmWithServer(String vm, int serverId, Disk disk, boolean install) throws Exception {
    cloud.createVm(vm, serverId);
    cloud.attach(vm, disk.name(), 9);
    Files.createSymbolicLink(layout.mounts(vm).resolve("data"), layout.diskFs(disk.name()));
    Path datadir = layout.mounts(vm).resolve("data").resolve("mysql");
    if (install) {
      var r = VmServer.run(List.of("mariadb-install-db", "--no-defaults", "--user=" + System.getProperty("user.name"),
          "--datadir=" + datadir, "--auth-root-authentication-method=normal", "--skip-test-db"));
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    }
    int port = MariaDbServer.freePort();
    new VmServer(layout, vm).start(new VmServer.Settings(datadir, port, layout.socket(vm), serverId), StepLog.NONE);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (Connection c = connect(port)) {
        return port;
      } catch (Exception notYet) {
        if (System.nanoTime() > deadline) throw notYet;
        Thread.sleep(100);
      }
    }
  }

  private static Connection connect(int port) throws Exception {
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?user=root&connectTimeout=5000");
  }

  private static String value(int port, String sql) throws Exception {
    try (Connection c = connect(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long seqNo(String gtidPos) { return Long.parseLong(gtidPos.substring(gtidPos.lastIndexOf('-') + 1)); }

  /** VM src with its server on disk src-data and an empty table load_db.t to write to; returns the port. */
  private int sourceWithTable() throws Exception {
    Disk data = cloud.createEmptyDisk(new NewDisk("src-data", "sandbox", null, "Premium_LRS", Map.of()), 4);
    int port = vmWithServer("src", 1, data, true);
    try (Connection c = connect(port); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE load_db");
      st.execute("CREATE TABLE load_db.t (id BIGINT AUTO_INCREMENT PRIMARY KEY, payload VARCHAR(200), n BIGINT) ENGINE=InnoDB");
    }
    return port;
  }

  @Test
  void snapshotUnderWriteLoadBootsWithExactlyTheCommittedTransactions() throws Exception {
    int port = sourceWithTable();
    long baseSeq = seqNo(value(port, "SELECT @@gtid_binlog_pos"));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong committed = new AtomicLong();
    Thread writer = new Thread(() -> {
      try (Connection c = connect(port); var ps = c.prepareStatement("INSERT INTO load_db.t (payload, n) VALUES (?, ?)")) {
        while (!stop.get()) {
          ps.setString(1, "x".repeat(150));
          ps.setLong(2, committed.get());
          ps.executeUpdate(); // autocommit: one transaction, one GTID
          committed.incrementAndGet();
        }
      } catch (Exception e) {
        if (!stop.get()) throw new IllegalStateException(e);
      }
    });
    writer.start();
    while (committed.get() < 200) Thread.sleep(10);
    Snapshot snap = cloud.snapshot(cloud.findDisk("src-data").orElseThrow(), "src-data-1", Map.of(), StepLog.NONE);
    long atSnapshot = committed.get();
    Thread.sleep(300);
    assertTrue(committed.get() > atSnapshot, "the source server must run on after the snapshot (SIGCONT)");
    stop.set(true);
    writer.join(10_000);

    Disk copy = cloud.createDiskFromSnapshot(snap, new NewDisk("copy-data", "sandbox", null, "Premium_LRS", Map.of()),
        io.runbook.engine.run.StandaloneStepContext.builder().build());
    int copyPort = vmWithServer("copy", 2, copy, false);
    try (Connection c = connect(copyPort); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("CHECK TABLE load_db.t")) {
      rs.next();
      assertEquals("OK", rs.getString("Msg_text"));
    }
    long rows = Long.parseLong(value(copyPort, "SELECT COUNT(*) FROM load_db.t"));
    long gtids = seqNo(value(copyPort, "SELECT @@gtid_binlog_pos")) - baseSeq;
    assertEquals(gtids, rows, "rows in the copy = transactions in its binlog");
    assertTrue(rows > 0 && rows < committed.get(), rows + " rows of " + committed.get());
    assertEquals(Long.toString(rows - 1), value(copyPort, "SELECT MAX(n) FROM load_db.t"), "no gap: a prefix of the commits");
    assertNotEquals("0", value(port, "SELECT COUNT(*) FROM load_db.t"));
  }

  @Test
  void theServerIsResumedWhenTheCopyFails() throws Exception {
    Disk data = cloud.createEmptyDisk(new NewDisk("src-data", "sandbox", null, "Premium_LRS", Map.of()), 4);
    int port = vmWithServer("src", 1, data, true);
    long pid = new VmServer(layout, "src").pid().orElseThrow();
    Files.createDirectories(layout.snapshots());
    Files.writeString(layout.snapshots().resolve(".new-broken"), "a file where the copy's folder must go");
    assertThrows(StepFailure.class, () -> FrozenCopy.copy(layout.diskFs("src-data"),
        layout.snapshots().resolve(".new-broken").resolve("fs"), new VmServer(layout, "src"), StepLog.NONE));
    assertEquals("R-or-S", processState(pid), "mariadbd must not stay stopped (SIGCONT in finally)");
    assertEquals("1", value(port, "SELECT 1"));
  }

  /**
   * The pause a snapshot copies under holds every thread of the server, not only its main thread: under write load a
   * worker thread can still run (and write) for a millisecond or two after the main thread shows stopped, long enough
   * for a data page whose redo the copy has already passed. Checked after each of {@link #PAUSES} pauses, from /proc.
   */
  static final int PAUSES = Integer.getInteger("pauses", 200);

  @Test
  void thePauseReturnsOnlyOnceEveryThreadOfTheServerIsStopped() throws Exception {
    int port = sourceWithTable();
    long pid = new VmServer(layout, "src").pid().orElseThrow();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new java.util.ArrayList<>();
    for (int w = 0; w < 4; w++) {
      writers.add(new Thread(() -> {
        try (Connection c = connect(port); var ps = c.prepareStatement("INSERT INTO load_db.t (payload) VALUES (?)")) {
          while (!stop.get()) {
            ps.setString(1, "x".repeat(150));
            ps.executeUpdate();
          }
        } catch (Exception e) {
          if (!stop.get()) throw new IllegalStateException(e);
        }
      }));
    }
    writers.forEach(Thread::start);
    List<String> running = new java.util.ArrayList<>();
    int pauses = 0;
    try {
      for (; pauses < PAUSES && running.isEmpty(); pauses++) {
        VmServer.freeze(pid);
        try {
          running.addAll(VmServer.threadsNotStopped(Path.of("/proc/" + pid)));
        } finally {
          VmServer.resume(pid);
        }
        Thread.sleep(2);
      }
    } finally {
      stop.set(true);
      for (Thread w : writers) w.join(10_000);
    }
    assertEquals(List.of(), running, "threads of mariadbd still running when pause " + pauses + " returned");
  }

  /** The same rule on a made-up /proc folder: one thread still in a disk write (D) means not stopped yet. */
  @Test
  void aProcessIsStoppedOnlyWhenEveryThreadIs(@org.junit.jupiter.api.io.TempDir Path proc) throws Exception {
    Path task = Files.createDirectories(proc.resolve("task"));
    java.util.function.BiConsumer<String, String> thread = (tid, state) -> {
      try {
        Files.createDirectories(task.resolve(tid));
        Files.writeString(task.resolve(tid).resolve("stat"), tid + " (mariadbd (x)) " + state + " 1 2 3 4");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    thread.accept("100", "T");
    thread.accept("101", "t");
    assertEquals(List.of(), VmServer.threadsNotStopped(proc));
    thread.accept("102", "D");
    assertEquals(List.of("102:D"), VmServer.threadsNotStopped(proc), "the main thread is stopped, thread 102 is still in a write");
    thread.accept("102", "T");
    Files.createDirectories(task.resolve("103")); // a thread that ended while it was read: no stat file
    assertEquals(List.of(), VmServer.threadsNotStopped(proc));
    thread.accept("104", "R");
    assertEquals(List.of("104:R"), VmServer.threadsNotStopped(proc));
    assertFalse(VmServer.threadsNotStopped(proc.resolve("gone")).isEmpty(), "a process that is gone is not stopped");
  }

  /** R-or-S when running or sleeping, T when stopped by a signal. */
  private static String processState(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
    return state == 'T' || state == 't' ? "T" : "R-or-S";
  }
}

package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.steps.cloud.sandbox.SandboxCloud;
import io.runbook.steps.cloud.sandbox.SandboxEstate;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import io.runbook.steps.cloud.sandbox.VmServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code runbook sandbox snapshot --every}: scheduled snapshots of a real estate under write load. A bounded schedule
 * ({@code --count}) ends by itself with snapshots in time order, the newest boots with exactly a prefix of the
 * committed writes; an unbounded one stopped with SIGTERM leaves no paused server and no half-copied snapshot.
 */
class SandboxSnapshotCliTest {
  private static final Path ROOT = Path.of("target", "sandbox-snap-" + ProcessHandle.current().pid()).toAbsolutePath();
  private static SandboxEstate estate;
  private static String password;
  private static int primaryPort;

  @BeforeAll
  static void up() throws Exception {
    estate = new SandboxEstate(ROOT, StepLog.NONE);
    estate.up(1);
    password = Files.readString(estate.passwordFile()).strip();
    primaryPort = estate.inventory().host("primary").orElseThrow().db().orElseThrow().portOrDefault();
    sql(primaryPort, "CREATE DATABASE load_db");
  }

  @AfterAll
  static void down() throws Exception {
    if (estate != null) estate.down();
  }

  /** Inserts one row per transaction into its own table (n = 0, 1, 2, ...) until stopped. */
  private static final class Writer implements AutoCloseable {
    final AtomicLong committed = new AtomicLong();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicReference<Exception> failure = new AtomicReference<>();
    final Thread thread;
    /** The primary's GTID sequence number right before the first row. */
    final long baseSeq;

    Writer(String table) throws Exception {
      sql(primaryPort, "CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, n BIGINT NOT NULL, pad VARCHAR(200))");
      baseSeq = seqNo(value(primaryPort, "SELECT @@gtid_binlog_pos"));
      thread = new Thread(() -> {
        try (Connection c = connect(primaryPort); var ps = c.prepareStatement("INSERT INTO " + table + " (n, pad) VALUES (?, ?)")) {
          while (!stop.get()) {
            ps.setLong(1, committed.get());
            ps.setString(2, "x".repeat(150));
            ps.executeUpdate(); // autocommit: one transaction, one GTID
            committed.incrementAndGet();
          }
        } catch (Exception e) {
          failure.set(e);
        }
      }, "snapshot-test-writer");
      thread.start();
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      thread.join(30_000);
      if (failure.get() != null) throw new AssertionError("the writer failed (a paused server?)", failure.get());
    }
  }

  @Test
  void everyWithCountTakesThatManyRoundsInTimeOrderAndTheNewestBoots() throws Exception {
    List<Snapshot> earlier = estate.cloud().listSnapshots(); // the other test's, when it ran first
    String out;
    int exit;
    long baseSeq;
    try (Writer w = new Writer("load_db.t1")) {
      baseSeq = w.baseSeq;
      while (w.committed.get() < 50 && w.failure.get() == null) Thread.sleep(10);
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
      exit = Main.run(new String[] {"sandbox", "snapshot", "--root", ROOT.toString(), "--every", "300ms", "--count", "3"}, ps, ps);
      out = buf.toString(StandardCharsets.UTF_8);
      long atEnd = w.committed.get();
      Thread.sleep(200);
      assertTrue(w.committed.get() > atEnd, "the primary takes writes after the last snapshot (resumed)");
    }
    assertEquals(0, exit, out);
    assertEquals(3, out.lines().filter(l -> l.startsWith("snapshot primary-data-")).count(), out);
    assertEquals(3, out.lines().filter(l -> l.startsWith("snapshot replica-1-data-")).count(), out);

    SandboxCloud cloud = estate.cloud();
    Disk primaryDisk = cloud.findDisk("primary-data").orElseThrow();
    Disk replicaDisk = cloud.findDisk("replica-1-data").orElseThrow();
    List<Snapshot> ofPrimary = scheduled(cloud, "primary-data-").stream().filter(s -> !earlier.contains(s)).toList();
    List<Snapshot> ofReplica = scheduled(cloud, "replica-1-data-").stream().filter(s -> !earlier.contains(s)).toList();
    assertEquals(3, ofPrimary.size(), ofPrimary.toString());
    assertEquals(3, ofReplica.size(), ofReplica.toString());
    for (int i = 1; i < ofPrimary.size(); i++) {
      assertTrue(ofPrimary.get(i).createdAt().isAfter(ofPrimary.get(i - 1).createdAt()), ofPrimary.toString());
    }
    for (Snapshot s : ofPrimary) {
      assertEquals(primaryDisk.id(), s.sourceDiskId());
      assertEquals(primaryDisk.uniqueId(), s.sourceUniqueId());
      assertTrue(out.contains("snapshot " + s.name() + " taken at " + s.createdAt()), out);
    }
    for (Snapshot s : ofReplica) assertEquals(replicaDisk.id(), s.sourceDiskId());

    // The newest snapshot of the primary boots on the scratch VM with exactly a prefix of the committed rows.
    Snapshot newest = ofPrimary.get(ofPrimary.size() - 1);
    int port = bootOnScratch(cloud, newest);
    try (Connection c = connect(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("CHECK TABLE load_db.t1")) {
      rs.next();
      assertEquals("OK", rs.getString("Msg_text"));
    }
    long rows = Long.parseLong(value(port, "SELECT COUNT(*) FROM load_db.t1"));
    assertTrue(rows >= 50, rows + " rows");
    assertEquals(rows - 1, Long.parseLong(value(port, "SELECT MAX(n) FROM load_db.t1")), "no gap: a prefix of the commits");
    assertEquals(rows, seqNo(value(port, "SELECT @@gtid_binlog_pos")) - baseSeq, "rows = transactions in its binlog");
    new VmServer(cloud.layout(), SandboxEstate.SCRATCH).stop(Duration.ofSeconds(60), StepLog.NONE);
  }

  @Test
  void sigtermStopsTheScheduleWithTheServerRunningAndNoHalfCopiedSnapshot() throws Exception {
    long before = scheduled(estate.cloud(), "primary-data-").size();
    Path out = Files.createTempFile(ROOT.getParent(), "snap-out", ".txt");
    Path err = Files.createTempFile(ROOT.getParent(), "snap-err", ".txt");
    int exit;
    try (Writer w = new Writer("load_db.t2")) {
      Process p = CliProcess.builder(ROOT.getParent(), Map.of(), List.of("sandbox", "snapshot", "--root", ROOT.toString(),
          "--every", "10ms")).redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(new File("/dev/null")).start();
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (Files.readString(out).lines().filter(l -> l.startsWith("snapshot primary-data-")).count() < 2) {
          assertTrue(p.isAlive(), "the schedule ended by itself: " + Files.readString(out) + Files.readString(err));
          assertTrue(System.nanoTime() < deadline, "no 2 snapshots in 120 s");
          Thread.sleep(50);
        }
        p.destroy(); // SIGTERM, most likely while a copy is in progress (copies follow each other 10 ms apart)
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "SIGTERM ends the schedule");
        exit = p.exitValue();
      } finally {
        p.destroyForcibly();
      }
      long atStop = w.committed.get();
      Thread.sleep(300);
      assertTrue(w.committed.get() > atStop, "the primary still takes writes: it was not left paused");
    }
    String printed = Files.readString(out) + Files.readString(err);
    Files.delete(out);
    Files.delete(err);
    assertEquals(143, exit, printed);
    assertFalse(printed.contains("Exception") || printed.contains("\tat "), printed);
    for (String vm : List.of("primary", "replica-1")) {
      long pid = new VmServer(estate.cloud().layout(), vm).pid().orElseThrow();
      assertNotEquals('T', processState(pid), vm + "'s mariadbd is stopped (SIGSTOP without SIGCONT)");
    }
    SandboxLayout layout = estate.cloud().layout();
    try (Stream<Path> s = Files.list(layout.snapshots())) {
      List<Path> all = s.toList();
      assertTrue(all.stream().noneMatch(f -> f.getFileName().toString().startsWith(".new-")), "a half-copied snapshot: " + all);
      for (Path f : all) assertTrue(Files.isRegularFile(f.resolve("snapshot.json")), f + " has no snapshot.json");
    }
    long taken = printed.lines().filter(l -> l.startsWith("snapshot primary-data-")).count();
    assertEquals(before + taken, scheduled(estate.cloud(), "primary-data-").size(), "every snapshot printed exists, no other");
  }

  /** The snapshots `sandbox snapshot` took of one disk, oldest first. */
  private static List<Snapshot> scheduled(SandboxCloud cloud, String prefix) throws Exception {
    return cloud.listSnapshots().stream().filter(s -> s.name().startsWith(prefix))
        .sorted(Comparator.comparing(Snapshot::createdAt)).toList();
  }

  /** A disk from the snapshot at the scratch VM's LUN 9, mounted, its server started on the scratch host's port. */
  private static int bootOnScratch(SandboxCloud cloud, Snapshot snap) throws Exception {
    Disk disk = cloud.createDiskFromSnapshot(snap, new NewDisk("scratch-boot-check", "sandbox", null, "Premium_LRS", Map.of()),
        StandaloneStepContext.builder().build());
    cloud.attach(SandboxEstate.SCRATCH, disk.name(), SandboxEstate.DATA_LUN);
    SandboxLayout layout = cloud.layout();
    Path mount = layout.mounts(SandboxEstate.SCRATCH).resolve("data");
    Files.createSymbolicLink(mount, layout.diskFs(disk.name()));
    Host scratch = estate.inventory().host(SandboxEstate.SCRATCH).orElseThrow();
    int port = scratch.db().orElseThrow().portOrDefault();
    new VmServer(layout, SandboxEstate.SCRATCH).start(new VmServer.Settings(mount.resolve("mysql"), port,
        layout.socket(SandboxEstate.SCRATCH), 100), StepLog.NONE);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
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
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=5000", "runbook", password);
  }

  private static void sql(int port, String... statements) throws Exception {
    try (Connection c = connect(port); Statement st = c.createStatement()) {
      for (String s : statements) st.execute(s);
    }
  }

  private static String value(int port, String query) throws Exception {
    try (Connection c = connect(port); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long seqNo(String gtidPos) { return Long.parseLong(gtidPos.substring(gtidPos.lastIndexOf('-') + 1)); }

  /** The state letter of /proc/PID/stat: T when stopped by a signal. */
  private static char processState(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
  }
}

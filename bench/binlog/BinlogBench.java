import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.binlog.BinlogFileInfo;
import io.runbook.steps.binlog.BinlogScanner;
import io.runbook.steps.binlog.BinlogTransaction;
import io.runbook.steps.binlog.BinlogSource;
import io.runbook.steps.binlog.Cut;
import io.runbook.steps.binlog.CutFinder;
import io.runbook.steps.binlog.CutRequest;
import io.runbook.steps.binlog.Replay;
import io.runbook.steps.db.Gtid;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Benchmark driver (not a test): runs the scanner's cut by time, GTID or regex over real binlog files, or
 * binlog.replay against a server, and prints one line of figures. Driven by bench/binlog/run.sh.
 *
 * <pre>
 * BinlogBench cut time|gtid|regex VALUE FILE...   (-Drepeat=N: N times in one JVM, cold then warm)
 * BinlogBench raw-no-crc GTID FILE...      (scanner alone, CRC32 not verified: shows what the checksums cost)
 * BinlogBench replay pipe|replication TARGET_PORT DONOR_PORT THROUGH_GTID relax|durable FILE...
 * </pre>
 */
public final class BinlogBench {
  public static void main(String[] a) throws Exception {
    if (a[0].equals("cut")) cut(a);
    else if (a[0].equals("raw-no-crc")) raw(a);
    else replay(a);
  }

  static void cut(String[] a) throws Exception {
    String by = a[1];
    String value = a[2];
    int first = 3;
    List<BinlogSource> files = new ArrayList<>();
    for (int i = first; i < a.length; i++) files.add(BinlogSource.local(Path.of(a[i])));
    CutRequest req = new CutRequest(files, null,
        by.equals("gtid") ? Optional.of(Gtid.parse(value)) : Optional.empty(), Optional.empty(),
        by.equals("time") ? Optional.of(Instant.parse(value)) : Optional.empty(),
        by.equals("regex") ? Optional.of(Pattern.compile(value, Pattern.CASE_INSENSITIVE)) : Optional.empty(),
        Optional.empty(), Set.of(), 0);
    // -Drepeat=N: the same cut N times in this JVM; the later ones show the scanner warm (as in dr-pitr after find-cut)
    for (int i = 0, n = Integer.getInteger("repeat", 1); i < n; i++) {
      long t0 = System.nanoTime();
      // -Dcpu=true: the scanning thread's CPU time too (for A/B comparisons on a busy machine); off by default, as
      // loading java.lang.management costs a cold JVM tens of milliseconds
      boolean cpuToo = Boolean.getBoolean("cpu");
      long cpu0 = cpuToo ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : 0;
      Cut cut = new CutFinder().find(req);
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpu = cpuToo ? (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9 : 0;
      long scanned = 0;
      for (BinlogFileInfo f : cut.files()) scanned += f.scannedTo();
      // no printf: java.util.Formatter's first use loads locale data, some 20 ms of the wall time measured around this;
      // no lambda either (a JVM's first one costs ~10 ms)
      BinlogTransaction skipped = cut.firstSkipped().isPresent() ? cut.firstSkipped().get() : null;
      System.out.println("cut by " + by + (n > 1 ? " #" + (i + 1) : "") + ": " + Math.round(secs * 1000) / 1000.0 + " s in-process, "
          + (cpuToo ? "scanning thread's CPU " + Math.round(cpu * 1000) / 1000.0 + " s, " : "")
          + scanned / 1_000_000 + " MB scanned (" + Math.round(scanned / 1e6 / secs) + " MB/s), " + cut.transactions()
          + " transactions before the cut, first skipped " + (skipped == null ? "-" : skipped.gtid() + " " + skipped.summary()));
    }
  }

  static void raw(String[] a) throws Exception {
    Gtid stop = Gtid.parse(a[1]);
    BinlogScanner scanner = new BinlogScanner(BinlogScanner.Detail.POSITIONS, false, null);
    long t0 = System.nanoTime();
    long[] n = {0};
    long bytes = 0;
    boolean[] found = {false};
    for (int i = 2; i < a.length && !found[0]; i++) {
      bytes += scanner.scan(Path.of(a[i]), tx -> {
        if (tx.domain() == stop.domain() && tx.seq() == stop.seq()) {
          found[0] = true;
          return false;
        }
        n[0]++;
        return true;
      }).scannedTo();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "raw scan without CRC32 to %s: %.3f s in-process, %d MB (%.0f MB/s), %d transactions%n", stop,
        secs, bytes / 1_000_000, bytes / 1e6 / secs, n[0]);
  }

  static void replay(String[] a) throws Exception {
    String method = a[1];
    int targetPort = Integer.parseInt(a[2]);
    int donorPort = Integer.parseInt(a[3]);
    String through = a[4];
    boolean relax = a[5].equals("relax");
    List<String> files = new ArrayList<>();
    for (int i = 6; i < a.length; i++) files.add(a[i]);
    Map<String, Host> hosts = new LinkedHashMap<>();
    hosts.put("base", host("base", targetPort));
    hosts.put("donor", host("donor", donorPort));
    StepLog log = new StepLog() {
      public void info(String m) { System.err.println(m); }
      public void warn(String m) { System.err.println("WARN " + m); }
      public void output(String l) { System.err.println(l); }
      public void progress(String m) { System.err.println(m); }
    };
    Path runDir = java.nio.file.Files.createTempDirectory("binlog-bench");
    runDir.toFile().deleteOnExit(); // empty once the replay restored the target's settings
    try (StandaloneStepContext ctx = StandaloneStepContext.builder().inventory(new Inventory("bench", null, hosts)).target("base")
        .runDir(runDir).env(Map.of("BENCH_PW", "bench", "BENCH_REPL_PW", "bench")).log(log).stepId("replay").build()) {
      Replay.Output out = new Replay().run(new Replay.Input(files, Optional.of(through), Optional.empty(), Optional.of(method),
          method.equals("replication") ? Optional.of("donor") : Optional.empty(), Optional.of(relax), Optional.empty(),
          Optional.empty()), ctx);
      System.out.printf(Locale.ROOT, "replay %s (%s): %d transactions in %.1f s = %.0f trx/s, target now at %s%n", method,
          method.equals("pipe") ? "durability as configured" : (relax ? "relaxed while read_only" : "durable"), out.applied(),
          out.seconds(), out.transactionsPerSecond(), out.gtidBinlogPos());
    }
  }

  static Host host(String name, int port) {
    DbSpec db = new DbSpec(Optional.of("127.0.0.1"), Optional.of(port), Optional.empty(), "bench",
        Optional.of(SecretRef.parse("env:BENCH_PW")), Optional.empty(), Optional.of("bench"),
        Optional.of(SecretRef.parse("env:BENCH_REPL_PW")));
    TransportSpec local = new TransportSpec("local", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
    return new Host(name, Optional.empty(), Optional.empty(), Optional.empty(), local, Optional.empty(), Optional.empty(),
        Optional.of(db), Optional.empty());
  }
}

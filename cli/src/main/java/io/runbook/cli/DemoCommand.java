package io.runbook.cli;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.steps.cloud.sandbox.SandboxEstate;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import io.runbook.steps.cloud.sandbox.VmServer;
import io.runbook.steps.db.MariaDbClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code runbook demo}: the whole story on this machine. Builds a sandbox estate, writes traffic with snapshots between
 * bursts, drops a table by mistake, shows the dry-run plan of dr-pitr for "just before the drop", runs it and proves
 * the result (checksums, the table, the later good writes, the relinked replica). Exit 0 only when every proof holds.
 */
@Command(name = "demo", description = "Build a sandbox estate, break it with a bad migration, recover it with dr-pitr, and prove it.")
final class DemoCommand implements Callable<Integer> {
  static final List<String> TABLES = List.of("shop.customers", "shop.orders", "shop.payments");
  static final String REPLICA = "replica-1";

  @Option(names = "--root", hidden = true, description = "The demo estate's folder (default: ~/.runbook/demo)")
  String root = "~/.runbook/demo";

  @Option(names = "--runbook", hidden = true, description = "The dr-pitr runbook to run (default: the shipped one)")
  String runbook = "dr-pitr";

  @Option(names = "--burst", hidden = true, description = "Transactions per traffic burst")
  int burst = 150;

  @Spec CommandSpec spec;
  @picocli.CommandLine.ParentCommand Main main;

  private PrintWriter out;
  private Console console;
  private final Map<String, Duration> phases = new LinkedHashMap<>();
  private final List<String> failedProofs = new ArrayList<>();

  @Override
  public Integer call() {
    console = Console.of(spec);
    // The narration: as it is, or {"type":"narration","text":...} events with --output json.
    out = console.lines("narration");
    Path dir = SandboxLayout.expand(root).toAbsolutePath();
    try {
      VmServer.binary();
    } catch (StepFailure f) {
      console.error("demo: " + f.getMessage(), f.hint());
      return 2;
    }
    SandboxEstate estate = new SandboxEstate(dir, SandboxCommand.ConsoleLog.to(out));
    try {
      return story(estate);
    } catch (StepFailure f) {
      out.flush();
      console.error("demo: " + f.getMessage(), (f.hint() == null ? "" : f.hint() + "; ")
          + "the estate stays at " + dir + " for a look; remove it with: runbook sandbox down --root " + dir);
      return 1;
    } catch (InterruptedException e) {
      out.flush();
      console.error("demo: interrupted", "remove the estate with: runbook sandbox down --root " + dir);
      return 130;
    } finally {
      out.flush();
    }
  }

  private int story(SandboxEstate estate) throws StepFailure, InterruptedException {
    chapter("1. Build the estate: a primary and a replica on sandbox VMs (data disks at LUN 9), a scratch VM");
    long t = System.nanoTime();
    if (estate.exists()) estate.down(); // every demo starts from nothing
    Path inventoryFile = estate.up(1);
    Inventory inv = estate.inventory();
    phase("build the estate", t);

    try (StandaloneStepContext ctx = estate.context(inv)) {
      MariaDbClient primary = MariaDbClient.of(ctx, inv.host("primary").orElseThrow());
      MariaDbClient replica = MariaDbClient.of(ctx, inv.host(REPLICA).orElseThrow());

      chapter("2. Traffic, with snapshots between the bursts (as a snapshot schedule would take them)");
      t = System.nanoTime();
      traffic(primary, "burst 1");
      snapshot(estate, "scheduled snapshot T0");
      traffic(primary, "burst 2 (after T0: only the binlogs hold it)");
      long lastGoodOrder = Long.parseLong(primary.value("SELECT MAX(id) FROM shop.orders"));
      long goodOrders = Long.parseLong(primary.value("SELECT COUNT(*) FROM shop.orders"));
      long payments = Long.parseLong(primary.value("SELECT COUNT(*) FROM shop.payments"));
      Map<String, String> before = checksums(primary);
      String gtidBefore = primary.value("SELECT @@gtid_binlog_pos");
      say("right before the migration: GTID " + gtidBefore + ", " + goodOrders + " orders, " + payments + " payments");
      before.forEach((table, sum) -> say("  CHECKSUM TABLE " + table + " = " + sum));
      phase("traffic and snapshots", t);

      chapter("3. The bad migration: DROP TABLE shop.payments (" + payments + " rows), then more traffic");
      t = System.nanoTime();
      Instant bracketAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      Thread.sleep(20); // the drop is strictly after bracketAt
      primary.execute("DROP TABLE shop.payments");
      say("dropped shop.payments at GTID " + primary.value("SELECT @@gtid_binlog_pos"));
      traffic(primary, "burst 3 (after the drop: it is lost by the recovery, the data-loss window)");
      snapshot(estate, "scheduled snapshot T1 (holds the binlogs with the drop)");
      phase("bad migration and later traffic", t);

      List<String> args = new ArrayList<>(List.of(runbook, "-i", inventoryFile.toString(),
          "-p", "beforeMatch=DROP TABLE .*payments", "-p", "bracketAt=" + bracketAt, "-p", "replicas=" + REPLICA,
          "-p", "workdir=" + estate.root().resolve("pitr-work")));
      chapter("4. The dry-run plan of dr-pitr for \"just before the drop\" (nothing changes)");
      t = System.nanoTime();
      int planned = cli("plan", args);
      phase("plan", t);
      if (planned != 0) throw StepFailure.fatal("runbook plan dr-pitr exited with " + planned, "read the plan's problems above");

      chapter("5. Run dr-pitr");
      t = System.nanoTime();
      List<String> runArgs = new ArrayList<>(args);
      runArgs.add("--yes");
      int ran = cli("run", runArgs);
      phase("dr-pitr (the recovery)", t);
      if (ran != 0) throw StepFailure.fatal("runbook run dr-pitr exited with " + ran, "read the run's output above");

      chapter("6. Proofs");
      t = System.nanoTime();
      prove(primary, replica, inv, before, lastGoodOrder, goodOrders, payments);
      phase("proofs", t);
    }

    chapter("Measured time of each phase");
    phases.forEach((name, d) -> say(String.format("  %-34s %6.1f s", name, d.toMillis() / 1000.0)));
    out.println();
    if (!failedProofs.isEmpty()) {
      say("DEMO FAILED: " + failedProofs.size() + " proof(s) did not hold: " + String.join("; ", failedProofs));
      return 1;
    }
    say("Every proof holds. The estate stays up for you to explore:");
    say("  runbook sandbox status --root " + estate.root());
    say("  runbook sandbox down --root " + estate.root() + "   (stop and remove it)");
    return 0;
  }

  /** Runs a runbook CLI command in this process (same code path as typing it). */
  private int cli(String command, List<String> args) {
    List<String> argv = new ArrayList<>(console.json() ? List.of("--output", "json", command) : List.of(command));
    argv.addAll(args);
    argv.addAll(List.of("--state-dir", SandboxLayout.expand(root).toAbsolutePath().resolve("state").toString()));
    say("$ runbook " + String.join(" ", argv.stream().map(a -> a.contains(" ") ? "'" + a + "'" : a).toList()));
    out.flush();
    return Main.run(argv.toArray(String[]::new), main.stdout, main.stderr);
  }

  /** A burst of small committed transactions: new orders, and payments for most of them. */
  private void traffic(MariaDbClient primary, String name) throws StepFailure {
    long t = System.nanoTime();
    boolean withPayments = tableExists(primary);
    for (int i = 0; i < burst; i++) {
      int customer = 1 + (int) ((System.nanoTime() / 1000) % 200);
      primary.execute("INSERT INTO shop.orders (customer_id, amount, status) VALUES (?, ?, 'paid')",
          List.of(customer, 10 + i % 90));
      if (i % 3 != 0 && withPayments) {
        primary.execute("INSERT INTO shop.payments (order_id, amount, method) SELECT MAX(id), 10, 'card' FROM shop.orders", List.of());
      }
    }
    say(name + ": " + burst + " orders written in " + (System.nanoTime() - t) / 1_000_000 + " ms");
  }

  private static boolean tableExists(MariaDbClient primary) throws StepFailure {
    return "1".equals(primary.value("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'payments'"));
  }

  private void snapshot(SandboxEstate estate, String what) throws StepFailure, InterruptedException {
    for (Snapshot s : estate.snapshotNow()) {
      if (s.name().startsWith("primary-")) say(what + ": " + s.name() + " at " + s.createdAt());
    }
  }

  private static Map<String, String> checksums(MariaDbClient db) throws StepFailure {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map<String, Object> row : db.query("CHECKSUM TABLE " + String.join(", ", TABLES))) {
      out.put(String.valueOf(row.get("Table")), String.valueOf(row.get("Checksum")));
    }
    return out;
  }

  private void prove(MariaDbClient primary, MariaDbClient replica, Inventory inv, Map<String, String> before,
                     long lastGoodOrder, long goodOrders, long payments) throws StepFailure {
    Map<String, String> after = checksums(primary);
    proof("checksums of the recovered tables equal those recorded right before the drop", before.equals(after),
        "before " + before + ", after " + after);
    long paymentsNow = tableExists(primary) ? Long.parseLong(primary.value("SELECT COUNT(*) FROM shop.payments")) : -1;
    proof("the dropped table shop.payments is back with its " + payments + " rows", paymentsNow == payments,
        "it has " + paymentsNow);
    long lastOrder = Long.parseLong(primary.value("SELECT MAX(id) FROM shop.orders"));
    long orders = Long.parseLong(primary.value("SELECT COUNT(*) FROM shop.orders"));
    proof("the good writes after snapshot T0 up to the cut are present (last order " + lastGoodOrder + ")",
        lastOrder == lastGoodOrder && orders == goodOrders, "last order " + lastOrder + ", " + orders + " orders");
    proof("nothing after the cut was replayed (burst 3 is gone)", orders == goodOrders, orders + " orders");
    proof("the primary takes writes again", "0".equals(primary.value("SELECT @@global.read_only")), "read_only is on");

    int primaryPort = inv.host("primary").orElseThrow().db().orElseThrow().portOrDefault();
    primary.execute("INSERT INTO shop.orders (customer_id, amount, status) VALUES (1, 1, 'after-recovery')");
    String target = primary.value("SELECT @@gtid_binlog_pos");
    String waited = replica.value("SELECT MASTER_GTID_WAIT(?, 30)", List.of(target));
    Map<String, Object> slave = replica.query("SHOW SLAVE STATUS").stream().findFirst().orElse(Map.of());
    boolean linked = "Yes".equals(String.valueOf(slave.get("Slave_IO_Running")))
        && "Yes".equals(String.valueOf(slave.get("Slave_SQL_Running")))
        && String.valueOf(primaryPort).equals(String.valueOf(slave.get("Master_Port")));
    proof("the replica is relinked to the recovered primary (IO and SQL threads running)", linked, "SHOW SLAVE STATUS: " + slave);
    proof("the replica caught up (a write after the recovery reached it: " + target + ")", "0".equals(waited),
        "MASTER_GTID_WAIT returned " + waited);
    Map<String, String> onReplica = checksums(replica);
    Map<String, String> onPrimary = checksums(primary);
    proof("the replica's tables equal the primary's", onReplica.equals(onPrimary), "replica " + onReplica + ", primary " + onPrimary);
  }

  private void proof(String claim, boolean holds, String otherwise) {
    say((holds ? "  PROOF OK    " : "  PROOF FAILED ") + claim + (holds ? "" : ": " + otherwise));
    if (!holds) failedProofs.add(claim);
  }

  private void chapter(String title) {
    out.println();
    out.println("== " + title);
    out.flush();
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private void phase(String name, long startNanos) {
    Duration d = Duration.ofNanos(System.nanoTime() - startNanos);
    phases.put(name, d);
    say(String.format("(%s: %.1f s)", name, d.toMillis() / 1000.0));
  }
}

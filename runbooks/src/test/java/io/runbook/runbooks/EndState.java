package io.runbook.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runbook.steps.cloud.sandbox.SandboxLayout;
import io.runbook.steps.cloud.sandbox.VmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a runbook leaves behind in a sandbox estate, in terms that must be equal between an uninterrupted run and a
 * crashed-and-resumed run of the same runbook on a fresh estate with the same setup.
 *
 * <p>What legitimately differs between the two estates is normalised away, and nothing else:
 * <ul>
 *   <li>the run id (it is in the names of the disks and snapshots a run makes, and in their {@code runbook-run} tag):
 *       replaced by {@code <run>}; the run ids of runbooks the setup ran (backup-disk-refresh names its snapshot
 *       after its run) by {@code <setup-run>};</li>
 *   <li>the time stamps in the names of the snapshots the test setup takes ({@code snapshotNow}): replaced by
 *       {@code <stamp>} (they are kept as a list, so two of them still count as two);</li>
 *   <li>disks' random unique ids and creation times, and binlog FILE names/offsets: a resumed run may start a server
 *       once more than the uninterrupted run (each start rotates the binlog), so only GTID positions are compared,
 *       which is what replication and a double apply would show.</li>
 * </ul>
 * The database state is compared per server: checksums of every table of the test schema, GTID binlog and slave
 * positions, read_only, the replication threads; the cloud state per VM: which disk (by normalised name and tags)
 * is at which LUN, whether its server runs; and the lists of every disk, snapshot and vault point of the estate.
 */
record EndState(
    Map<String, String> servers,
    Map<String, Map<String, Long>> checksums,
    Map<String, String> gtids,
    Map<String, String> replication,
    Map<String, Map<Integer, String>> luns,
    List<String> disks,
    List<String> snapshots,
    List<String> leftovers) {

  static final String SCHEMA = "drill";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the end state of the estate; {@code runId} is the run whose names are normalised. */
  static EndState of(SandboxDrill d, String runId) throws Exception {
    SandboxLayout layout = d.estate.cloud().layout();
    Map<String, String> servers = new TreeMap<>();
    Map<String, Map<String, Long>> checksums = new TreeMap<>();
    Map<String, String> gtids = new TreeMap<>();
    Map<String, String> replication = new TreeMap<>();
    Map<String, Map<Integer, String>> luns = new TreeMap<>();
    for (String vm : layout.names(layout.vms())) {
      boolean running = new VmServer(layout, vm).running();
      servers.put(vm, layout.readVm(vm).orElseThrow().powerState() + (running ? ", mariadbd up" : ", mariadbd down"));
      Map<Integer, String> at = new TreeMap<>();
      for (var e : layout.luns(vm).entrySet()) at.put(e.getKey(), describeDisk(layout, e.getValue(), runId));
      luns.put(vm, at);
    }
    for (String host : d.hosts()) {
      if (!d.answers(host)) continue;
      checksums.put(host, d.checksums(host, SCHEMA));
      gtids.put(host, "binlog " + d.value(host, "SELECT @@global.gtid_binlog_pos") + "; slave "
          + d.value(host, "SELECT @@global.gtid_slave_pos") + "; read_only " + d.value(host, "SELECT @@global.read_only"));
      Map<String, String> s = d.replicaStatus(host);
      replication.put(host, s.isEmpty() ? "not a replica" : "io " + s.get("Slave_IO_Running") + ", sql "
          + s.get("Slave_SQL_Running") + ", errno " + s.get("Last_Errno") + ", from " + d.hostOfPort(s.get("Master_Port")));
    }
    List<String> disks = new ArrayList<>();
    for (String name : layout.names(layout.disks())) disks.add(describeDisk(layout, name, runId));
    disks.sort(null);
    List<String> snapshots = new ArrayList<>();
    for (String name : layout.names(layout.snapshots())) {
      JsonNode meta = JSON.readTree(layout.snapshot(name).resolve("snapshot.json").toFile());
      snapshots.add(normalise(name, runId) + " of " + normalise(meta.path("sourceDisk").asText(), runId) + " "
          + tags(meta.path("tags"), runId));
    }
    snapshots.sort(null);
    return new EndState(servers, checksums, gtids, replication, luns, disks, snapshots, leftovers(layout));
  }

  /** A disk by what a person would recognise it: its name without the run id, and its tags. */
  private static String describeDisk(SandboxLayout layout, String name, String runId) throws Exception {
    Path meta = layout.disk(name).resolve("disk.json");
    if (!Files.isRegularFile(meta)) return normalise(name, runId) + " (no disk.json)";
    return normalise(name, runId) + " " + tags(JSON.readTree(meta.toFile()).path("tags"), runId);
  }

  private static String tags(JsonNode tags, String runId) {
    Map<String, String> out = new TreeMap<>();
    tags.fields().forEachRemaining(e -> out.put(e.getKey(), normalise(e.getValue().asText(), runId)));
    return out.toString();
  }

  static String normalise(String s, String runId) {
    String out = runId == null ? s : s.replace(runId, "<run>");
    // Run ids of the setup's own runs (backup-disk-refresh names its snapshot after its run) differ per estate too.
    out = out.replaceAll("\\d{8}-\\d{6}-[0-9a-f]{4}", "<setup-run>");
    return out.replaceAll("\\d{8}T\\d{9}", "<stamp>");
  }

  /** Half-made or half-deleted resources ({@code .new-*}, {@code .deleting-*}) anywhere in disks/, snapshots/, vault/. */
  private static List<String> leftovers(SandboxLayout layout) throws Exception {
    List<String> out = new ArrayList<>();
    for (Path dir : List.of(layout.disks(), layout.snapshots(), layout.root().resolve("vault"))) {
      if (!Files.isDirectory(dir)) continue;
      try (var s = Files.walk(dir, 2)) {
        s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".new-") || n.startsWith(".deleting-")).forEach(out::add);
      }
    }
    out.sort(null);
    return out;
  }

  /** The differences to another end state, one line each (empty when equal). */
  List<String> differences(EndState other) {
    List<String> out = new ArrayList<>();
    diff(out, "server", servers, other.servers);
    diff(out, "checksums", checksums, other.checksums);
    diff(out, "gtid", gtids, other.gtids);
    diff(out, "replication", replication, other.replication);
    diff(out, "luns", luns, other.luns);
    if (!disks.equals(other.disks)) out.add("disks: " + disks + " vs " + other.disks);
    if (!snapshots.equals(other.snapshots)) out.add("snapshots: " + snapshots + " vs " + other.snapshots);
    if (!leftovers.equals(other.leftovers)) out.add("leftovers: " + leftovers + " vs " + other.leftovers);
    return out;
  }

  private static <V> void diff(List<String> out, String what, Map<String, V> a, Map<String, V> b) {
    var keys = new java.util.TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String k : keys) {
      if (!java.util.Objects.equals(a.get(k), b.get(k))) out.add(what + " " + k + ": " + a.get(k) + " vs " + b.get(k));
    }
  }
}

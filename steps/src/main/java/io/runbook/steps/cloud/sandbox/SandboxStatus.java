package io.runbook.steps.cloud.sandbox;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.CloudProvider.Disk;
import io.runbook.steps.cloud.CloudProvider.Snapshot;
import io.runbook.steps.cloud.CloudProvider.Vm;
import io.runbook.steps.db.MariaDbClient;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The text of {@code runbook sandbox status}: VMs with their LUNs and servers, replication, disks, snapshots. */
public final class SandboxStatus {
  private final SandboxEstate estate;

  public SandboxStatus(SandboxEstate estate) { this.estate = estate; }

  public String render() throws StepFailure, InterruptedException {
    StringBuilder out = new StringBuilder();
    if (!estate.exists()) return "no sandbox estate at " + estate.root() + " (create one with `runbook sandbox up`)\n";
    if (!estate.ready()) {
      return "HALF-BUILT sandbox estate at " + estate.root() + ": `runbook sandbox up` cleans and rebuilds it, "
          + "`runbook sandbox down` removes it\n";
    }
    SandboxCloud cloud = estate.cloud();
    Inventory inv = estate.inventory();
    out.append("sandbox estate ").append(estate.root()).append("\n  inventory: ").append(estate.inventoryFile()).append("\n\n");
    try (StandaloneStepContext ctx = estate.context(inv)) {
      for (Host h : inv.hosts().values()) {
        Vm vm = cloud.vm(h.vmName());
        OptionalLong pid = new VmServer(cloud.layout(), vm.name()).pid();
        out.append(String.format("VM %-10s %-16s mariadbd %s%n", vm.name(), "(" + vm.powerState() + ")",
            pid.isPresent() ? "pid " + pid.getAsLong() + " on 127.0.0.1:" + h.db().orElseThrow().portOrDefault() : "not running"));
        for (io.runbook.steps.cloud.CloudProvider.AttachedDisk d : vm.dataDisks()) out.append(String.format("   LUN %-3d %s%n", d.lun(), d.diskName()));
        if (pid.isPresent()) out.append("   ").append(replication(MariaDbClient.of(ctx, h))).append('\n');
      }
    }
    out.append("\ndisks:\n");
    for (Disk d : cloud.listDisks()) {
      out.append(String.format("   %-36s %-10s %s%n", d.name(), d.state(), d.attached() ? "on " + SandboxLayout.nameOf(d.attachedTo()) : ""));
    }
    List<Snapshot> snaps = cloud.listSnapshots();
    out.append("\nsnapshots: ").append(snaps.size());
    if (!snaps.isEmpty()) out.append(" (newest ").append(snaps.get(snaps.size() - 1).name()).append(" at ")
        .append(snaps.get(snaps.size() - 1).createdAt()).append(')');
    out.append("\nrecovery points of primary-data: ").append(cloud.recoveryPoints("primary-data").size()).append('\n');
    return out.toString();
  }

  private static String replication(MariaDbClient db) {
    try {
      String gtid = db.value("SELECT @@gtid_current_pos");
      List<Map<String, Object>> rows = db.query("SHOW SLAVE STATUS");
      if (rows.isEmpty()) return "primary, gtid " + gtid;
      Map<String, Object> r = rows.get(0);
      return "replica of 127.0.0.1:" + r.get("Master_Port") + ", IO " + r.get("Slave_IO_Running") + ", SQL "
          + r.get("Slave_SQL_Running") + ", behind " + r.get("Seconds_Behind_Master") + " s, gtid " + gtid
          + (r.get("Last_Error") == null || r.get("Last_Error").toString().isEmpty() ? "" : ", error: " + r.get("Last_Error"));
    } catch (StepFailure e) {
      return "database: " + e.getMessage();
    }
  }
}

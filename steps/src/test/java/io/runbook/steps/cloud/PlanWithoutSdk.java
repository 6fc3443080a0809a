package io.runbook.steps.cloud;

import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Run in a child JVM by {@link PlanLoadsNoSdkTest}: plans and predicts every registered {@code cloud.*} step type
 * for an Azure inventory, then prints how many it planned. The parent checks no Azure SDK class was loaded.
 */
public final class PlanWithoutSdk {
  public static void main(String[] args) {
    CloudSpec spec = new CloudSpec("azure", Optional.of("sub"), Optional.empty(), Optional.of("rg"), Optional.empty(),
        Optional.of("westeurope"), Optional.of(new CloudSpec.BackupVaultSpec("vault", Optional.empty())),
        Optional.empty(), Optional.empty(), Optional.of("https://unreachable.invalid"), Optional.empty());
    Map<String, Host> hosts = new LinkedHashMap<>();
    // Built here, not with EmulatedAzure (whose test credential is an SDK type).
    TransportSpec local = new TransportSpec("local", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    DiskSpec data = new DiskSpec("db1-data", 9, "/data", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.of("db1-bi"));
    hosts.put("db1", new Host("db1", Optional.empty(), Optional.of("db1-vm"), Optional.of("1"), local,
        Optional.of(data), Optional.empty(), Optional.empty(), Optional.empty()));
    StandaloneStepContext ctx = StandaloneStepContext.builder().runId("r1").mode(StepContext.Mode.PLAN)
        .inventory(new Inventory("t", spec, hosts)).target("db1").build();
    Map<String, Object> inputs = Map.ofEntries(
        Map.entry("cloud.snapshot.create", new CreateSnapshot.Input(Optional.empty(), Optional.empty())),
        Map.entry("cloud.snapshot.list", new ListSnapshots.Input(Optional.empty(), Optional.empty())),
        Map.entry("cloud.snapshot.find", new FindSnapshot.Input(Optional.empty(), Optional.of(Instant.EPOCH),
            Optional.empty(), Optional.empty(), Optional.empty())),
        Map.entry("cloud.disk.from-snapshot", new CreateDiskFromSnapshot.Input("s", "d", Optional.empty())),
        Map.entry("cloud.vm.attach-disk", new AttachDisk.Input("d", 9, Optional.of(true))),
        Map.entry("cloud.vm.detach-disk", new DetachDisk.Input(9, Optional.empty())),
        Map.entry("cloud.vm.status", new VmStatus.Input(java.util.Optional.empty(), java.util.Optional.empty())),
        Map.entry("cloud.vm.start", new StartVm.Input()),
        Map.entry("cloud.vm.stop", new StopVm.Input(Optional.of(true))),
        Map.entry("cloud.disk.delete", new DeleteDisk.Input("d", Optional.empty())),
        Map.entry("cloud.disk.status", new DiskStatus.Input("d")),
        Map.entry("cloud.recovery-point.list", new ListRecoveryPoints.Input(Optional.empty())),
        Map.entry("cloud.recovery-point.restore-disk", new RestoreDiskFromRecoveryPoint.Input(Optional.empty(), "rp", "d")));
    int planned = 0;
    for (StepType<?, ?> type : ServiceLoader.load(StepType.class)) {
      if (!type.name().startsWith("cloud.")) continue;
      Object in = inputs.get(type.name());
      if (in == null) throw new IllegalStateException("no sample input for " + type.name());
      @SuppressWarnings("unchecked") StepType<Object, Object> t = (StepType<Object, Object>) type;
      if (t.plan(in, ctx).actions().isEmpty()) throw new IllegalStateException(type.name() + " planned nothing");
      t.predict(in, ctx);
      planned++;
    }
    System.out.println("planned " + planned);
  }
}

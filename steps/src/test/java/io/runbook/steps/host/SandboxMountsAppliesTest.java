package io.runbook.steps.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.InventoryLoader;
import io.runbook.engine.run.StandaloneStepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which hosts get the sandbox's mount table: every host of a sandbox inventory, and under another cloud provider only
 * a host whose service is a sandbox VM's server (the tests' Azure estate backed by the sandbox); a real Azure host keeps
 * real mounts.
 */
class SandboxMountsAppliesTest {
  @TempDir Path dir;

  boolean applies(String cloud, String service) throws Exception {
    Path f = dir.resolve("inventory.yaml");
    Files.writeString(f, "inventory: t\n" + cloud + "hosts:\n  db:\n    transport: { kind: local }\n"
        + "    dataDisk: { name: db-data, lun: 9, mount: /data }\n" + service);
    Inventory inv = InventoryLoader.load(f);
    try (StandaloneStepContext ctx = StandaloneStepContext.builder().inventory(inv).target("db").build()) {
      return SandboxMounts.applies(ctx);
    }
  }

  @Test
  void sandboxInventoriesAndSandboxServicesOnlyRealAzureHostsKeepRealMounts() throws Exception {
    String azure = "cloud: { provider: azure, subscription: s, resourceGroup: rg, root: /tmp/estate }\n";
    assertEquals(false, applies(azure, "    service: { kind: compose, project: /opt/db }\n"), "a real Azure host");
    assertEquals(false, applies(azure, ""), "an Azure host without a service");
    assertEquals(true, applies(azure, "    service: { kind: sandbox }\n"), "a sandbox VM under the Azure provider");
    assertEquals(true, applies("cloud: { provider: sandbox, root: /tmp/estate }\n", ""), "any host of a sandbox inventory");
  }
}

package io.runbook.steps.cloud;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.inventory.DiskSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.inventory.TransportSpec;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.steps.cloud.azure.AzureCloud;
import io.runbook.testkit.arm.ArmEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The production Azure provider pointed at the ARM emulator: a custom endpoint (inventory cloud.endpoint), an HTTP
 * client that trusts the emulator's certificate, a fixed-token credential and short SDK retry delays. No SDK class is
 * mocked. Also an inventory with two database hosts (db1, db2) and the estate they live in.
 */
final class EmulatedAzure {
  static final String RG = "rg-db";
  static final String SNAP_RG = "rg-snap";
  static final String LOCATION = "westeurope";
  static final String VAULT = "vault-db";

  private EmulatedAzure() {}

  static CloudSpec spec(ArmEmulator arm) {
    return new CloudSpec("azure", Optional.of(arm.subscription()), Optional.of(ArmEmulator.TENANT), Optional.of(RG),
        Optional.of(SNAP_RG), Optional.of(LOCATION), Optional.of(new CloudSpec.BackupVaultSpec(VAULT, Optional.empty())),
        Optional.empty(), Optional.empty(), Optional.of(arm.endpoint()), Optional.empty());
  }

  static Host host(String name, String zone) {
    TransportSpec local = new TransportSpec("local", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    DiskSpec data = new DiskSpec(name + "-data", 9, "/var/lib/mysql", Optional.empty(), Optional.empty(),
        Optional.of("PremiumV2_LRS"), Optional.empty(), Optional.of(name + "-data-bi"));
    return new Host(name, Optional.of("primary"), Optional.of(name + "-vm"), Optional.of(zone), local,
        Optional.of(data), Optional.empty(), Optional.empty(), Optional.empty());
  }

  static Inventory inventory(ArmEmulator arm) {
    Map<String, Host> hosts = new LinkedHashMap<>();
    hosts.put("db1", host("db1", "1"));
    hosts.put("db2", host("db2", "2"));
    return new Inventory("test", spec(arm), hosts);
  }

  /** The estate: VMs db1-vm (zone 1) and db2-vm (zone 2), each with its data disk at LUN 9. */
  static void seedEstate(ArmEmulator arm) {
    arm.addVm(RG, "db1-vm", LOCATION, "1");
    arm.addVm(RG, "db2-vm", LOCATION, "2");
    arm.addDisk(RG, "db1-data", LOCATION, "1", 256);
    arm.addDisk(RG, "db2-data", LOCATION, "2", 256);
    arm.attach(RG, "db1-vm", "db1-data", 9);
    arm.attach(RG, "db2-vm", "db2-data", 9);
  }

  static ArmEmulator start() { return ArmEmulator.start(Path.of("target", "arm-emulator")); }

  static HttpClient httpClient(ArmEmulator arm) {
    try {
      SslContext ssl = SslContextBuilder.forClient().trustManager(arm.certificate().trustManagerFactory()).build();
      return new NettyAsyncHttpClientBuilder(
          reactor.netty.http.client.HttpClient.create().secure(s -> s.sslContext(ssl))).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final TokenCredential FIXED_TOKEN = request ->
      Mono.just(new AccessToken("emulator-token", OffsetDateTime.now().plusHours(1)));

  /** The production provider with test plumbing: SDK retries after milliseconds instead of seconds. */
  static AzureCloud cloud(ArmEmulator arm) {
    try {
      RetryOptions retry = new RetryOptions(new ExponentialBackoffOptions()
          .setMaxRetries(3).setBaseDelay(Duration.ofMillis(20)).setMaxDelay(Duration.ofMillis(100)));
      AzureCloud cloud = AzureCloud.connect(spec(arm),
          new AzureCloud.Settings(FIXED_TOKEN, httpClient(arm), retry, Duration.ofMillis(20)));
      // One request up front (a 404) loads the SDK's classes and opens the TLS connection, so that tests with a
      // step deadline measure the operation, not the first-call warm-up.
      cloud.findDisk("warm-up");
      return cloud;
    } catch (StepFailure e) {
      throw new IllegalStateException(e);
    }
  }

  /** A log that keeps every line, for assertions on progress and warnings. */
  static final class RecordingLog implements StepLog {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    @Override public void info(String m) { lines.add("info: " + m); }
    @Override public void warn(String m) { lines.add("warn: " + m); }
    @Override public void output(String l) { lines.add("output: " + l); }
    @Override public void progress(String m) { lines.add("progress: " + m); }

    boolean has(String prefix, String part) {
      synchronized (lines) {
        return lines.stream().anyMatch(l -> l.startsWith(prefix) && l.contains(part));
      }
    }
  }

  /** A run context on the emulator: the test's provider is put in the run's shared clients first. */
  static StandaloneStepContext context(ArmEmulator arm, AzureCloud cloud, String runId, String host,
                                       StepContext.Mode mode, Instant deadline, StepLog log) {
    java.nio.file.Path runDir = java.nio.file.Path.of("target", "emulated-azure-runs", runId).toAbsolutePath();
    try {
      java.nio.file.Files.createDirectories(runDir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    StandaloneStepContext ctx = StandaloneStepContext.builder().runId(runId).stepId("step").mode(mode)
        .inventory(inventory(arm)).target(host).deadline(deadline).log(log).runDir(runDir).build();
    // AzureCloud.close() releases nothing, so many contexts may share the class's provider.
    ctx.shared(CloudProviders.SHARED_KEY, () -> cloud);
    return ctx;
  }
}

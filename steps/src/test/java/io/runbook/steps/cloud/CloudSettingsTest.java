package io.runbook.steps.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.run.StandaloneStepContext;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.azure.AzureCloud;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Choosing the provider and the production credential from the inventory (no request is sent). */
class CloudSettingsTest {
  static CloudSpec spec(String provider, Optional<String> clientId, Optional<SecretRef> secret, Optional<String> tenant) {
    return new CloudSpec(provider, Optional.of("sub"), tenant, Optional.of("rg"), Optional.empty(), Optional.empty(),
        Optional.empty(), clientId, secret, Optional.empty(), Optional.empty());
  }

  static StandaloneStepContext ctx(CloudSpec spec) {
    return StandaloneStepContext.builder().inventory(new Inventory("t", spec, Map.of()))
        .env(Map.of("SP_SECRET", "s3cr3t-value-for-the-sp")).build();
  }

  @Test
  void servicePrincipalSecretComesThroughCtxSecretAndIsRedacted() throws Exception {
    try (var ctx = ctx(spec("azure", Optional.of("app-id"), Optional.of(SecretRef.parse("env:SP_SECRET")),
        Optional.of("tenant")))) {
      AzureCloud.Settings s = AzureCloud.Settings.production(ctx.inventory().cloud(), ctx);
      assertNotNull(s.credential());
      assertEquals("token ***", ctx.redactor().redact("token s3cr3t-value-for-the-sp"));
    }
  }

  @Test
  void aServicePrincipalWithoutTenantIsRefused() {
    try (var ctx = ctx(spec("azure", Optional.of("app-id"), Optional.of(SecretRef.parse("env:SP_SECRET")), Optional.empty()))) {
      StepFailure f = assertThrows(StepFailure.class, () -> AzureCloud.Settings.production(ctx.inventory().cloud(), ctx));
      assertTrue(f.getMessage().contains("cloud.tenant"), f.getMessage());
    }
  }

  @Test
  void anUnknownProviderIsNamedWithTheKnownOnes() {
    try (var ctx = ctx(spec("gcp", Optional.empty(), Optional.empty(), Optional.empty()))) {
      StepFailure f = assertThrows(StepFailure.class, () -> CloudProviders.open(ctx));
      assertTrue(f.getMessage().contains("no cloud provider 'gcp'"), f.getMessage());
      assertTrue(f.hint().contains("azure"), f.hint());
    }
  }

  @Test
  void anInventoryWithoutCloudIsRefused() {
    try (var ctx = StandaloneStepContext.builder().build()) {
      StepFailure f = assertThrows(StepFailure.class, () -> CloudProviders.planner(ctx));
      assertTrue(f.getMessage().contains("no cloud: section"), f.getMessage());
    }
  }
}

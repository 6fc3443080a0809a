package io.runbook.steps.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import java.util.Map;
import io.runbook.engine.inventory.CloudSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** cloud.endpoint: a sovereign cloud's endpoint picks that cloud (login host included); any other only redirects ARM calls. */
class AzureEnvironmentTest {
  static CloudSpec spec(Optional<String> endpoint) {
    return new CloudSpec("azure", Optional.of("s"), Optional.empty(), Optional.of("rg"), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), endpoint, Optional.empty());
  }

  @Test
  void noEndpointIsPublicAzure() {
    assertSame(AzureEnvironment.AZURE, AzureCloud.environment(spec(Optional.empty())));
  }

  @Test
  void aSovereignEndpointPicksThatCloud() {
    AzureEnvironment env = AzureCloud.environment(spec(Optional.of("https://management.chinacloudapi.cn")));
    assertSame(AzureEnvironment.AZURE_CHINA, env);
  }

  @Test
  void anyOtherEndpointRedirectsOnlyResourceManagerCalls() {
    AzureEnvironment env = AzureCloud.environment(spec(Optional.of("https://127.0.0.1:8443/")));
    assertEquals("https://127.0.0.1:8443/", env.getResourceManagerEndpoint());
    assertEquals(AzureEnvironment.AZURE.getActiveDirectoryEndpoint(), env.getActiveDirectoryEndpoint());
  }

  @Test
  void aCustomEndpointSignsInAtTheConfiguredAuthorityHost() {
    assertEquals("https://127.0.0.1:8443/", AzureCloud.authorityHost(spec(Optional.of("https://127.0.0.1:8443/")),
        environment("https://127.0.0.1:8443/")));
    assertEquals(AzureEnvironment.AZURE.getActiveDirectoryEndpoint(),
        AzureCloud.authorityHost(spec(Optional.of("https://127.0.0.1:8443/")), environment(null)));
  }

  @Test
  void aKnownCloudAlwaysSignsInAtItsOwnLoginHost() {
    Configuration env = environment("https://127.0.0.1:8443/");
    assertEquals(AzureEnvironment.AZURE_CHINA.getActiveDirectoryEndpoint(),
        AzureCloud.authorityHost(spec(Optional.of("https://management.chinacloudapi.cn")), env));
    assertEquals(AzureEnvironment.AZURE.getActiveDirectoryEndpoint(), AzureCloud.authorityHost(spec(Optional.empty()), env));
  }

  /** A process environment with AZURE_AUTHORITY_HOST set to {@code authorityHost}, or without it (null). */
  static Configuration environment(String authorityHost) {
    Map<String, String> env = authorityHost == null ? Map.of()
        : Map.of(Configuration.PROPERTY_AZURE_AUTHORITY_HOST, authorityHost);
    return new ConfigurationBuilder(path -> Map.of(), path -> Map.of(), path -> env).build();
  }
}

package io.runbook.runbooks;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.runbook.engine.inventory.CloudSpec;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.CloudPlanner;
import io.runbook.steps.cloud.CloudProvider;
import io.runbook.steps.cloud.CloudProviderFactory;
import io.runbook.steps.cloud.azure.AzureCloud;
import io.runbook.steps.cloud.azure.AzureProviderFactory;
import io.runbook.testkit.arm.ArmEmulator;
import java.time.Duration;
import java.time.OffsetDateTime;
import reactor.core.publisher.Mono;

/**
 * {@code provider: azure} for this module's tests: the production Azure provider, but when a test has set
 * {@link #emulator} it connects to the ARM emulator (trusting its certificate, with a fixed token) instead of signing
 * in to Azure. Listed in the test resources' services file, which comes first on the test class path.
 */
public final class EmulatedAzureProvider implements CloudProviderFactory {
  /** The emulator the next opened provider talks to; null: behave exactly as production. */
  public static volatile ArmEmulator emulator;

  private final AzureProviderFactory production = new AzureProviderFactory();

  @Override public String provider() { return "azure"; }

  @Override public CloudPlanner planner(CloudSpec spec) { return production.planner(spec); }

  @Override
  public CloudProvider open(CloudSpec spec, StepContext ctx) throws StepFailure {
    ArmEmulator arm = emulator;
    if (arm == null) return production.open(spec, ctx);
    TokenCredential token = request -> Mono.just(new AccessToken("emulator-token", OffsetDateTime.now().plusHours(1)));
    RetryOptions retry = new RetryOptions(new ExponentialBackoffOptions()
        .setMaxRetries(3).setBaseDelay(Duration.ofMillis(20)).setMaxDelay(Duration.ofMillis(100)));
    return AzureCloud.connect(spec, new AzureCloud.Settings(token, httpClient(arm), retry, Duration.ofMillis(20)));
  }

  private static HttpClient httpClient(ArmEmulator arm) {
    try {
      SslContext ssl = SslContextBuilder.forClient().trustManager(arm.certificate().trustManagerFactory()).build();
      return new NettyAsyncHttpClientBuilder(
          reactor.netty.http.client.HttpClient.create().secure(s -> s.sslContext(ssl))).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

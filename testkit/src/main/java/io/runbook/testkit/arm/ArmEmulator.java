package io.runbook.testkit.arm;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An Azure Resource Manager emulator: WireMock over HTTPS serving the REST shapes of Microsoft.Compute disks,
 * snapshots and virtual machines and of a Microsoft.DataProtection Backup Vault, with state (a whole recovery can
 * run against it), long-running operations that go InProgress then Succeeded, and injectable faults. Requests it
 * does not know are answered 400 {@code EmulatorUnexpectedRequest} and listed in {@link #unexpectedRequests()}.
 * Start one per test class; {@link #reset()} between tests.
 */
public final class ArmEmulator implements AutoCloseable {
  public static final String SUBSCRIPTION = "8f0c2a6e-1b7d-4c3e-9a55-0d2f6b1e7c01";
  public static final String TENANT = "3c1d9e2b-7a44-4f0e-8b6d-5e2a9c0f1d11";

  private final WireMockServer server;
  private final ArmRouter router;
  private final TestCertificate certificate;

  private ArmEmulator(WireMockServer server, ArmRouter router, TestCertificate certificate) {
    this.server = server;
    this.router = router;
    this.certificate = certificate;
  }

  /** Starts on a free port of 127.0.0.1; the certificate is kept in {@code workDir} (e.g. target/arm-emulator). */
  public static ArmEmulator start(Path workDir) {
    TestCertificate cert = TestCertificate.in(workDir);
    ArmRouter router = new ArmRouter(SUBSCRIPTION);
    WireMockServer server = new WireMockServer(options()
        .bindAddress("127.0.0.1")
        .httpDisabled(true)
        .dynamicHttpsPort()
        .keystorePath(cert.keystore().toString())
        .keystoreType("PKCS12")
        .keystorePassword(TestCertificate.PASSWORD)
        .keyManagerPassword(TestCertificate.PASSWORD)
        .containerThreads(16)
        .extensions(router));
    server.start();
    router.baseUrl("https://127.0.0.1:" + server.httpsPort());
    // One catch-all stub; ArmRouter (a global response transformer) decides every answer.
    server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
    return new ArmEmulator(server, router, cert);
  }

  /** The Resource Manager endpoint to give the SDK (inventory {@code cloud.endpoint}). */
  public String endpoint() { return router.baseUrl(); }

  public TestCertificate certificate() { return certificate; }

  /** A plain JDK HTTP client that trusts the emulator's certificate (for tests that talk to it without the SDK). */
  public java.net.http.HttpClient httpClient() {
    try {
      javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      ssl.init(null, certificate.trustManagerFactory().getTrustManagers(), null);
      return java.net.http.HttpClient.newBuilder().sslContext(ssl).build();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust the emulator's certificate", e);
    }
  }

  public String subscription() { return SUBSCRIPTION; }

  // ---- seeding the estate

  /** An empty managed disk; returns its id. */
  public String addDisk(String rg, String name, String location, String zone, int sizeGb) {
    return router.addDisk(rg, name, location, zone, sizeGb);
  }

  /** Deletes a disk outright (to recreate one under the same name, with a new unique id). */
  public void removeDisk(String rg, String name) { router.removeDisk(rg, name); }

  /** A running VM with no data disks; returns its id. */
  public String addVm(String rg, String name, String location, String zone) { return router.addVm(rg, name, location, zone); }

  /** Sets a VM's power state without an operation: {@code running}, {@code stopped} or {@code deallocated}. */
  public void powerState(String rg, String vm, String state) { router.powerState(rg, vm, state); }

  /** Attaches without an operation (the estate as it was before the test). */
  public void attach(String rg, String vm, String diskName, int lun) { router.attach(rg, vm, diskName, lun); }

  /** Detaches without an operation (a change made by hand, outside the run). */
  public void detach(String rg, String vm, int lun) { router.detach(rg, vm, lun); }

  /** A snapshot of a disk as it is now (its id and unique id), taken at {@code time}; returns its id. */
  public String addSnapshot(String rg, String name, String sourceDiskRg, String sourceDisk, Instant time) {
    return router.addSnapshot(rg, name, sourceDiskRg, sourceDisk, time);
  }

  /** A Backup Vault backup instance with recovery points (name, time). */
  public void addBackupInstance(String rg, String vault, String instance, String location, List<RecoveryPointSeed> points) {
    router.addBackupInstance(rg, vault, instance, location, points);
  }

  /** A recovery point to seed: its name (recoveryPointId) and time. */
  public record RecoveryPointSeed(String name, Instant time) {}

  // ---- reading the estate back

  /** The resource as the emulator holds it (JSON), or null. */
  public com.fasterxml.jackson.databind.JsonNode resource(String id) { return router.resource(id); }

  /** The ids of every disk, snapshot and VM the emulator holds now, in the order they were made. */
  public List<String> resourceIds() { return router.ids(); }

  public String diskId(String rg, String name) { return router.id(rg, "Microsoft.Compute/disks", name); }

  public String snapshotId(String rg, String name) { return router.id(rg, "Microsoft.Compute/snapshots", name); }

  public String vmId(String rg, String name) { return router.id(rg, "Microsoft.Compute/virtualMachines", name); }

  // ---- behaviour

  /** Every later operation stays InProgress for this many polls (default 1). */
  public void operationPolls(int polls) { router.operationPolls(polls); }

  /** The next operation ends Failed with this Azure error. */
  public void failNextOperation(String code, String message) { router.failNextOperation(code, message); }

  /** The operation the next request of this method and path starts ends Failed with this Azure error. */
  public void failOperationOf(String method, String pathRegex, String code, String message) {
    router.failOperationOf(method, pathRegex, code, message);
  }

  /** The next operation never finishes (until {@link #finishOperations()}). */
  public void stallNextOperation() { router.stallNextOperation(); }

  /** The next Backup Vault job (a restore) stays InProgress (until {@link #finishOperations()}). */
  public void stallNextJob() { router.stallNextJob(); }

  /** Finishes every running or stalled operation and job now, successfully (what Azure did while we were away). */
  public void finishOperations() { router.finishOperations(); }

  public void inject(Fault fault) { router.inject(fault); }

  /** Who is told when an accepted change takes effect (until {@link #reset()}); null: nobody. */
  public void onEffects(ArmEffects listener) { router.effects(listener); }

  /**
   * A service principal of tenant {@link #TENANT} that may sign in with this client secret at
   * {@link #authorityHost()}; from then on Resource Manager calls need a token the emulator issued.
   */
  public void addServicePrincipal(String clientId, String clientSecret) { router.principals.add(clientId, clientSecret); }

  /** When a sign-in fails, the token endpoint's error repeats the secret and the request body it got. */
  public void echoRequestOnFailedSignIn(boolean echo) { router.principals.echoRequestOnFailure(echo); }

  /** The Microsoft Entra ID authority host to sign in at (the same server): {@code AZURE_AUTHORITY_HOST}. */
  public String authorityHost() { return router.baseUrl() + "/"; }

  /** Requests whose method matches and whose path matches the regex, as received (faults included). */
  public List<LoggedRequest> requests(String method, String pathRegex) {
    Pattern p = Pattern.compile(pathRegex);
    return server.getAllServeEvents().stream().map(e -> e.getRequest())
        .filter(r -> r.getMethod().getName().equals(method) && p.matcher(r.getUrl().split("\\?")[0]).find())
        .toList();
  }

  /**
   * The ids of the disks and snapshots PUTs and Backup Vault restores created, in order, one entry per creation: a
   * PUT of a resource that exists (a retry, a resumed step) updates it and adds nothing, a second entry for one id
   * means it was deleted and made again. Seeded resources are not listed.
   */
  public List<String> creations() { return router.creations(); }

  /** Requests the emulator did not recognise (wrong path, method or api-version); tests assert this is empty. */
  public List<String> unexpectedRequests() { return router.unexpected(); }

  /** Forgets all resources, operations, faults and requests. */
  public void reset() {
    router.reset();
    server.resetRequests();
  }

  @Override
  public void close() { server.stop(); }
}

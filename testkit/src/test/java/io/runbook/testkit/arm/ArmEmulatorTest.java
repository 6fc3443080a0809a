package io.runbook.testkit.arm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The emulator's own contract, seen by a plain HTTPS client: TLS with its certificate, auth, strictness, operations. */
class ArmEmulatorTest {
  @RegisterExtension static final ArmEmulatorExtension ARM = ArmEmulatorExtension.lenient();
  static ArmEmulator arm;
  static HttpClient http;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void connect() {
    arm = ARM.get();
    http = arm.httpClient();
  }

  HttpResponse<String> send(String method, String pathAndQuery, String body, boolean auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(pathAndQuery.startsWith("https:") ? pathAndQuery
        : arm.endpoint() + pathAndQuery))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (auth) b.header("Authorization", "Bearer t");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesHttpsAndRequiresABearerToken() throws Exception {
    String disk = arm.addDisk("rg", "d1", "westeurope", "1", 32);
    HttpResponse<String> noAuth = send("GET", disk + "?api-version=2025-01-02", null, false);
    assertEquals(401, noAuth.statusCode());
    HttpResponse<String> ok = send("GET", disk + "?api-version=2025-01-02", null, true);
    assertEquals(200, ok.statusCode());
    JsonNode d = JSON.readTree(ok.body());
    assertEquals("d1", d.path("name").asText());
    assertEquals("1", d.path("zones").path(0).asText());
    assertTrue(d.path("properties").path("uniqueId").asText().length() > 30);
  }

  @Test
  void unknownRequestsAndWrongApiVersionsAreRefusedAndRecorded() throws Exception {
    String disk = arm.addDisk("rg", "d1", "westeurope", "1", 32);
    assertEquals(400, send("GET", disk + "?api-version=2019-07-01", null, true).statusCode());
    assertEquals(400, send("GET", "/subscriptions/x/whatever", null, true).statusCode());
    assertEquals(2, arm.unexpectedRequests().size());
    assertTrue(arm.unexpectedRequests().get(0).contains("api-version=2019-07-01"));
  }

  @Test
  void aSnapshotPutRunsAsAnOperationThatSucceedsAfterPolling() throws Exception {
    String disk = arm.addDisk("rg", "d1", "westeurope", "1", 32);
    arm.operationPolls(2);
    String snap = arm.snapshotId("rg", "s1");
    HttpResponse<String> put = send("PUT", snap + "?api-version=2025-01-02",
        "{\"location\":\"westeurope\",\"properties\":{\"incremental\":true,\"creationData\":{\"createOption\":\"Copy\","
            + "\"sourceResourceId\":\"" + disk + "\"}}}", true);
    assertEquals(202, put.statusCode());
    String op = put.headers().firstValue("Azure-AsyncOperation").orElseThrow();
    assertEquals("Creating", arm.resource(snap).path("properties").path("provisioningState").asText());
    assertEquals("InProgress", JSON.readTree(send("GET", op, null, true).body()).path("status").asText());
    assertEquals("InProgress", JSON.readTree(send("GET", op, null, true).body()).path("status").asText());
    assertEquals("Succeeded", JSON.readTree(send("GET", op, null, true).body()).path("status").asText());
    JsonNode s = arm.resource(snap);
    assertEquals("Succeeded", s.path("properties").path("provisioningState").asText());
    assertEquals(arm.resource(disk).path("properties").path("uniqueId").asText(),
        s.path("properties").path("creationData").path("sourceUniqueId").asText());
    assertEquals(List.of(), arm.unexpectedRequests());
  }

  @Test
  void injectedFaultsComeFirstAndRunOut() throws Exception {
    String disk = arm.addDisk("rg", "d1", "westeurope", "1", 32);
    arm.inject(Fault.throttle("GET", "/disks/d1$", 1, 7));
    arm.inject(Fault.status("GET", "/disks/d1$", 1, 503));
    HttpResponse<String> throttled = send("GET", disk + "?api-version=2025-01-02", null, true);
    assertEquals(429, throttled.statusCode());
    assertEquals("7", throttled.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(503, send("GET", disk + "?api-version=2025-01-02", null, true).statusCode());
    assertEquals(200, send("GET", disk + "?api-version=2025-01-02", null, true).statusCode());
  }

  @Test
  void recoveryPointsAreListed() throws Exception {
    arm.addBackupInstance("rg", "v", "bi", "westeurope",
        List.of(new ArmEmulator.RecoveryPointSeed("rp1", Instant.parse("2026-11-01T00:00:00Z"))));
    HttpResponse<String> r = send("GET", "/subscriptions/" + arm.subscription()
        + "/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/v/backupInstances/bi/recoveryPoints?api-version=2024-04-01",
        null, true);
    assertEquals(200, r.statusCode());
    JsonNode p = JSON.readTree(r.body()).path("value").path(0).path("properties");
    assertEquals("rp1", p.path("recoveryPointId").asText());
    assertEquals("2026-11-01T00:00:00Z", p.path("recoveryPointTime").asText());
  }
}

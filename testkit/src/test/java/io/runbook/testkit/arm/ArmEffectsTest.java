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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The effect listener: told when an operation completes (not when the request arrives); a throwing one fails it. */
class ArmEffectsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final ArmEmulatorExtension ARM = ArmEmulatorExtension.lenient();
  static ArmEmulator arm;
  static HttpClient http;
  final List<String> told = Collections.synchronizedList(new ArrayList<>());
  String snapshot;

  @BeforeAll
  static void connect() {
    arm = ARM.get();
    http = arm.httpClient();
  }

  @BeforeEach
  void seed() {
    arm.addVm("rg", "vm1", "westeurope", "1");
    arm.addDisk("rg", "d1", "westeurope", "1", 32);
    arm.attach("rg", "vm1", "d1", 9);
    snapshot = arm.addSnapshot("rg", "s1", "rg", "d1", Instant.parse("2026-11-25T01:00:00Z"));
    told.clear();
  }

  HttpResponse<String> send(String method, String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url.startsWith("https:") ? url : arm.endpoint() + url))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").header("Authorization", "Bearer t").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls the operation an answer started until it ends; returns its status. */
  String follow(HttpResponse<String> started) throws Exception {
    String url = started.headers().firstValue("Azure-AsyncOperation").orElseThrow();
    for (int i = 0; i < 10; i++) {
      JsonNode s = JSON.readTree(send("GET", url, null).body());
      if (!s.path("status").asText().equals("InProgress")) return s.path("status").asText() + " " + s.path("error").path("code").asText();
    }
    throw new AssertionError("the operation did not end");
  }

  HttpResponse<String> putDisk(String name) throws Exception {
    return send("PUT", arm.diskId("rg", name) + "?api-version=2025-01-02", "{\"location\":\"westeurope\",\"tags\":{\"k\":\"v\"},"
        + "\"properties\":{\"creationData\":{\"createOption\":\"Copy\",\"sourceResourceId\":\"" + snapshot + "\"}}}");
  }

  @Test
  void aDiskIsReportedWhenItsOperationCompletesAndADetachWithItsLun() throws Exception {
    arm.onEffects(new ArmEffects() {
      @Override public void diskCreated(String diskId, String source, Map<String, String> tags) {
        told.add("created " + diskId.substring(diskId.lastIndexOf('/') + 1) + " from " + source.substring(source.lastIndexOf('/') + 1) + " " + tags);
      }
      @Override public void detached(String vmId, String diskId, int lun) {
        told.add("detached " + diskId.substring(diskId.lastIndexOf('/') + 1) + " at " + lun);
      }
    });
    HttpResponse<String> put = putDisk("d2");
    assertEquals(List.of(), told, "nothing while Azure is still making the disk");
    assertEquals("Succeeded ", follow(put));
    assertEquals(List.of("created d2 from s1 {k=v}"), told);

    HttpResponse<String> detach = send("POST", arm.vmId("rg", "vm1") + "/attachDetachDataDisks?api-version=2025-04-01",
        "{\"dataDisksToDetach\":[{\"diskId\":\"" + arm.diskId("rg", "d1") + "\"}]}");
    assertEquals(202, detach.statusCode());
    assertEquals("Succeeded ", follow(detach));
    assertEquals("detached d1 at 9", told.get(1));
  }

  @Test
  void aListenerThatThrowsFailsTheOperationAndIsListedAsUnexpected() throws Exception {
    arm.onEffects(new ArmEffects() {
      @Override public void diskCreated(String diskId, String source, Map<String, String> tags) {
        throw new IllegalStateException("no room in the sandbox");
      }
    });
    assertEquals("Failed " + ArmEffects.FAILED_CODE, follow(putDisk("d3")));
    assertEquals("Failed", arm.resource(arm.diskId("rg", "d3")).path("properties").path("provisioningState").asText());
    assertTrue(arm.unexpectedRequests().stream().anyMatch(u -> u.contains("no room in the sandbox")), arm.unexpectedRequests().toString());
  }

  @Test
  void aTagsPatchIsAppliedAtOnceAndReported() throws Exception {
    arm.onEffects(new ArmEffects() {
      @Override public void tagsChanged(String id, Map<String, String> tags) { told.add("tags " + tags); }
    });
    HttpResponse<String> r = send("PATCH", arm.diskId("rg", "d1") + "?api-version=2025-01-02", "{\"tags\":{\"runbook-run\":\"r1\"}}");
    assertEquals(200, r.statusCode());
    assertEquals("r1", JSON.readTree(r.body()).path("tags").path("runbook-run").asText());
    assertEquals(List.of("tags {runbook-run=r1}"), told);
  }
}

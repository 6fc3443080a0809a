package io.runbook.testkit.arm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The emulator's dropped connections, late answers, creation list and Entra ID token endpoint, seen by plain HTTPS. */
class ArmEmulatorFaultsTest {
  static final String TENANT_TOKEN = "/" + ArmEmulator.TENANT + "/oauth2/v2.0/token";
  @RegisterExtension static final ArmEmulatorExtension ARM = ArmEmulatorExtension.lenient();
  static ArmEmulator arm;
  static HttpClient http;
  String snapshot;

  @BeforeAll
  static void connect() {
    arm = ARM.get();
    http = arm.httpClient();
  }

  @BeforeEach
  void seed() {
    arm.addDisk("rg", "d1", "westeurope", "1", 32);
    snapshot = arm.addSnapshot("rg", "s1", "rg", "d1", Instant.parse("2026-11-25T01:00:00Z"));
  }

  HttpResponse<String> send(String method, String path, String body, String token, String contentType) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(arm.endpoint() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", contentType);
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> putDisk(String name) throws Exception {
    return send("PUT", arm.diskId("rg", name) + "?api-version=2025-01-02", "{\"location\":\"westeurope\",\"properties\":"
        + "{\"creationData\":{\"createOption\":\"Copy\",\"sourceResourceId\":\"" + snapshot + "\"}}}", "t", "application/json");
  }

  @Test
  void aResetAfterApplyingLosesTheAnswerButTheDiskIsMadeOnce() throws Exception {
    arm.inject(Fault.resetAfterApplying("PUT", "/disks/d2$", 1));
    assertThrows(IOException.class, () -> putDisk("d2"));
    assertNotNull(arm.resource(arm.diskId("rg", "d2")), "the PUT took effect");
    assertEquals(200, putDisk("d2").statusCode(), "the retry updates the disk");
    assertEquals(List.of(arm.diskId("rg", "d2")), arm.creations());
  }

  @Test
  void aResetOrAnEmptyAnswerHasNoEffect() throws Exception {
    arm.inject(Fault.reset("PUT", "/disks/d2$", 1));
    arm.inject(Fault.emptyResponse("PUT", "/disks/d3$", 1));
    assertThrows(IOException.class, () -> putDisk("d2"));
    assertThrows(IOException.class, () -> putDisk("d3"));
    assertEquals(List.of(), arm.creations());
    assertEquals(202, putDisk("d2").statusCode(), "the fault is spent: the disk is made now");
    assertEquals(List.of(arm.diskId("rg", "d2")), arm.creations());
  }

  @Test
  void aSlowFaultGivesTheRealAnswerLate() throws Exception {
    arm.inject(Fault.slow("GET", "/disks/d1$", 1, 700));
    long t0 = System.nanoTime();
    HttpResponse<String> r = send("GET", arm.diskId("rg", "d1") + "?api-version=2025-01-02", null, "t", "application/json");
    assertEquals(200, r.statusCode());
    assertEquals("d1", new ObjectMapper().readTree(r.body()).path("name").asText());
    assertTrue((System.nanoTime() - t0) / 1_000_000 >= 700, "came no earlier than the delay");
  }

  @Test
  void aServicePrincipalGetsATokenAndOnlyIssuedTokensAreAccepted() throws Exception {
    String disk = arm.diskId("rg", "d1") + "?api-version=2025-01-02";
    assertEquals(200, send("GET", disk, null, "anything", "application/json").statusCode(), "no principal: any token");
    arm.addServicePrincipal("client-1", "right secret+/");
    String form = "grant_type=client_credentials&client_id=client-1&scope=x&client_secret="
        + URLEncoder.encode("right secret+/", StandardCharsets.UTF_8);
    HttpResponse<String> token = send("POST", TENANT_TOKEN, form, null, "application/x-www-form-urlencoded");
    assertEquals(200, token.statusCode(), token.body());
    String issued = new ObjectMapper().readTree(token.body()).path("access_token").asText();
    assertEquals(200, send("GET", disk, null, issued, "application/json").statusCode());
    assertEquals(401, send("GET", disk, null, "anything", "application/json").statusCode());
  }

  @Test
  void aWrongSecretIsRefusedAndRepeatedOnlyWhenAsked() throws Exception {
    arm.addServicePrincipal("client-1", "right");
    String form = "grant_type=client_credentials&client_id=client-1&scope=x&client_secret=wrong%2Bsecret";
    HttpResponse<String> quiet = send("POST", TENANT_TOKEN, form, null, "application/x-www-form-urlencoded");
    assertEquals(401, quiet.statusCode());
    assertTrue(quiet.body().contains("AADSTS7000215"), quiet.body());
    assertFalse(quiet.body().contains("wrong"), quiet.body());
    arm.echoRequestOnFailedSignIn(true);
    HttpResponse<String> echo = send("POST", TENANT_TOKEN, form, null, "application/x-www-form-urlencoded");
    assertTrue(echo.body().contains("wrong+secret") && echo.body().contains("wrong%2Bsecret"), echo.body());
    assertEquals(400, send("POST", "/other-tenant/oauth2/v2.0/token", form, null, "application/x-www-form-urlencoded")
        .statusCode());
  }
}

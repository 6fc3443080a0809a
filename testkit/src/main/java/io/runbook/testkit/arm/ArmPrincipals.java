package io.runbook.testkit.arm;

import static io.runbook.testkit.arm.ArmResponses.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The emulator's Microsoft Entra ID token endpoint ({@code POST /{tenant}/oauth2/v2.0/token}, client credentials):
 * service principals registered with {@link ArmEmulator#addServicePrincipal} get a bearer token, and once one is
 * registered the Resource Manager routes accept only tokens it issued. Guarded by its own lock.
 */
final class ArmPrincipals {
  private final Map<String, String> secrets = new HashMap<>();
  private final Set<String> issued = new HashSet<>();
  private boolean echoRequest;

  synchronized void reset() {
    secrets.clear();
    issued.clear();
    echoRequest = false;
  }

  synchronized void add(String clientId, String secret) { secrets.put(clientId, secret); }

  synchronized void echoRequestOnFailure(boolean echo) { echoRequest = echo; }

  /** Any bearer token until a principal is registered (tests that use a fixed token); then only issued ones. */
  synchronized boolean accepts(String token) { return secrets.isEmpty() || issued.contains(token); }

  synchronized ResponseDefinition token(String tenant, LoggedRequest req) {
    String body = req.getBodyAsString();
    Map<String, String> form = form(body);
    if (!ArmEmulator.TENANT.equals(tenant)) {
      return answer(400, "invalid_request", "AADSTS90002: Tenant '" + tenant + "' not found.", 90002);
    }
    String clientId = form.get("client_id");
    String secret = form.get("client_secret");
    if (!"client_credentials".equals(form.get("grant_type")) || clientId == null) {
      return answer(400, "invalid_request", "AADSTS900144: The request body must contain client_id and grant_type.", 900144);
    }
    if (!secrets.containsKey(clientId)) {
      return answer(400, "unauthorized_client", "AADSTS700016: Application with identifier '" + clientId
          + "' was not found in the directory '" + tenant + "'.", 700016);
    }
    if (!secrets.get(clientId).equals(secret)) {
      // Some gateways and misconfigured proxies repeat the request in their error; the client must not pass it on.
      String echo = echoRequest ? " Received client_secret '" + secret + "' in the request body: " + body : "";
      return answer(401, "invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent"
          + " in the request is the client secret value, not the client secret ID, for a secret added to app '"
          + clientId + "'." + echo, 7000215);
    }
    String token = "emulator-" + UUID.randomUUID();
    issued.add(token);
    ObjectNode n = JSON.createObjectNode().put("token_type", "Bearer").put("expires_in", 3599)
        .put("ext_expires_in", 3599).put("access_token", token);
    return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody(n.toString()).build();
  }

  private static ResponseDefinition answer(int status, String error, String description, int code) {
    ObjectNode n = JSON.createObjectNode().put("error", error).put("error_description", description);
    n.putArray("error_codes").add(code);
    n.put("trace_id", UUID.randomUUID().toString()).put("correlation_id", UUID.randomUUID().toString());
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody(n.toString()).build();
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    if (body == null) return out;
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) continue;
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }
}

package io.runbook.testkit.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/** How the emulator reads requests and writes ARM answers: JSON bodies, ARM error envelopes, injected faults. */
final class ArmResponses {
  static final ObjectMapper JSON = new ObjectMapper();

  private ArmResponses() {}

  /** A route that exists, but not with this method or body: answered as an unexpected request. */
  static final class UnexpectedRequest extends RuntimeException {
    UnexpectedRequest() { super(null, null, false, false); }
  }

  static String query(LoggedRequest req, String name) {
    QueryParameter q = req.queryParameter(name);
    return q != null && q.isPresent() ? q.firstValue() : null;
  }

  static JsonNode body(LoggedRequest req) {
    try {
      String b = req.getBodyAsString();
      return b == null || b.isBlank() ? JSON.createObjectNode() : JSON.readTree(b);
    } catch (Exception e) {
      throw new UnexpectedRequest();
    }
  }

  static ResponseDefinition ok(JsonNode body) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(body.toString()).build();
  }

  static ResponseDefinition notFound(String type, String name, String rg) {
    return error(404, "ResourceNotFound", "The Resource '" + type + "/" + name + "' under resource group '" + rg
        + "' was not found.");
  }

  /** The ARM error envelope: {"error": {"code", "message"}}. */
  static ResponseDefinition error(int status, String code, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("error").put("code", code).put("message", message);
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "application/json").withHeader("x-ms-failure-cause", "gateway")
        .withBody(n.toString()).build();
  }

  /** The real answer {@code served}, spoilt as the fault says: dropped after it took effect, or late. */
  static ResponseDefinition spoilt(Fault f, ResponseDefinition served) {
    if (f.drop() != null) return dropped(f.drop());
    return ResponseDefinitionBuilder.like(served).withFixedDelay(f.delayMillis()).build();
  }

  private static ResponseDefinition dropped(Fault.Drop drop) {
    return ResponseDefinitionBuilder.responseDefinition().withFault(drop == Fault.Drop.RESET
        ? com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER
        : com.github.tomakehurst.wiremock.http.Fault.EMPTY_RESPONSE).build();
  }

  static ResponseDefinition fault(Fault f) {
    if (f.drop() != null) return dropped(f.drop());
    if (f.status() == 0) throw new IllegalArgumentException("a fault with neither a status nor a drop: " + f);
    ObjectNode n = JSON.createObjectNode();
    n.putObject("error").put("code", f.errorCode()).put("message", "Injected fault " + f.status() + " by the ARM emulator");
    ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(f.status())
        .withHeader("Content-Type", "application/json").withBody(n.toString());
    if (f.retryAfterSeconds() != null) b = b.withHeader("Retry-After", String.valueOf(f.retryAfterSeconds()));
    return b.build();
  }
}

package io.runbook.steps.cloud.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.steps.cloud.CloudProvider.NewDisk;
import io.runbook.steps.cloud.CloudProvider.RecoveryPoint;
import io.runbook.steps.cloud.OperationWatch;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Backup Vault (Microsoft.DataProtection) calls over the compute client's HttpPipeline: same credential, same
 * endpoint, same retry policy. Its SDK is not available here, so the REST shapes are written out.
 */
final class BackupVault {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpPipeline pipeline;
  private final AzurePlanner names;
  private final Duration pollInterval;

  BackupVault(HttpPipeline pipeline, AzurePlanner names, Duration pollInterval) {
    this.pipeline = pipeline;
    this.names = names;
    this.pollInterval = pollInterval;
  }

  List<RecoveryPoint> recoveryPoints(String backupInstance) throws StepFailure {
    String id = names.backupInstanceId(backupInstance);
    String url = names.endpoint() + id + "/recoveryPoints?api-version=" + AzurePlanner.DATA_PROTECTION_API;
    List<RecoveryPoint> out = new ArrayList<>();
    while (url != null) {
      JsonNode page = send(HttpMethod.GET, url, null, "list recovery points", id);
      for (JsonNode rp : page.path("value")) {
        JsonNode p = rp.path("properties");
        String time = p.path("recoveryPointTime").asText(null);
        out.add(new RecoveryPoint(rp.path("id").asText(), p.path("recoveryPointId").asText(rp.path("name").asText()),
            time == null ? null : OffsetDateTime.parse(time).toInstant(), p.path("recoveryPointType").asText(null)));
      }
      url = page.hasNonNull("nextLink") ? page.get("nextLink").asText() : null;
    }
    return out;
  }

  /** validateRestore, then restore, then the restore job until it completes. */
  void restore(String backupInstance, RecoveryPoint point, NewDisk disk, StepContext ctx)
      throws StepFailure, InterruptedException {
    String id = names.backupInstanceId(backupInstance);
    String api = "?api-version=" + AzurePlanner.DATA_PROTECTION_API;
    ObjectNode request = names.restoreRequest(point.name(), disk);
    ObjectNode validate = JSON.createObjectNode();
    validate.set("restoreRequestObject", request);
    lro(ctx, HttpMethod.POST, names.endpoint() + id + "/validateRestore" + api, validate,
        "validate restore of " + point.name() + " to disk " + disk.name(), id);
    JsonNode started = lro(ctx, HttpMethod.POST, names.endpoint() + id + "/restore" + api, request,
        "trigger restore of " + point.name() + " to disk " + disk.name(), id);
    String jobId = started.path("properties").path("jobId").asText(null);
    if (jobId == null) {
      throw StepFailure.fatal("the Backup Vault accepted the restore of " + point.name() + " on " + id
          + " but returned no job id", "look for the restore job in the Backup Vault and follow it there");
    }
    String vaultId = id.substring(0, id.indexOf("/backupInstances/"));
    // The service answers with the job's full resource id; accept a bare job name as well.
    String jobPath = jobId.startsWith("/subscriptions/") ? jobId : vaultId + "/backupJobs/" + jobId;
    String jobUrl = names.endpoint() + jobPath + api;
    OperationWatch.await(ctx, "restore job " + jobId + " (disk " + disk.name() + ")", pollInterval, () -> {
      JsonNode job = send(HttpMethod.GET, jobUrl, null, "read restore job " + jobId, vaultId);
      String status = job.path("properties").path("status").asText("Unknown");
      return switch (status) {
        case "Completed", "Succeeded" -> OperationWatch.State.finished(status);
        case "CompletedWithWarnings" -> {
          ctx.log().warn("restore job " + jobId + " completed with warnings: "
              + errorText(job.path("properties").path("errorDetails").toString(), "no details"));
          yield OperationWatch.State.finished(status);
        }
        case "Failed", "Cancelled" -> throw StepFailure.fatal(
            "restore job " + jobId + " of " + id + " ended " + status + ": "
                + errorText(job.path("properties").path("errorDetails").toString(), "no details"),
            "look at the job in the Backup Vault; fix the cause and run the step again");
        default -> OperationWatch.State.running(status);
      };
    });
  }

  /** Sends one call and, when it is accepted asynchronously, follows Azure-AsyncOperation to its end. */
  private JsonNode lro(StepContext ctx, HttpMethod method, String url, JsonNode body, String what, String resourceId)
      throws StepFailure, InterruptedException {
    HttpResponse r = raw(method, url, body, what, resourceId);
    String op = r.getHeaderValue(HttpHeaderName.fromString("Azure-AsyncOperation"));
    if (op == null) op = r.getHeaderValue(HttpHeaderName.LOCATION);
    if (r.getStatusCode() == 200 || op == null) return parse(r);
    final String opUrl = op;
    JsonNode[] last = new JsonNode[1];
    OperationWatch.await(ctx, what, pollInterval, () -> {
      JsonNode s = send(HttpMethod.GET, opUrl, null, what, resourceId);
      last[0] = s;
      String status = s.path("status").asText("InProgress");
      return switch (status) {
        case "Succeeded" -> OperationWatch.State.finished(status);
        case "Failed", "Canceled", "Cancelled" -> throw StepFailure.fatal(
            what + " failed on " + resourceId + ": " + errorText(s.toString(), status),
            "read Azure's message; a validation failure usually names the missing permission or a name in use");
        default -> OperationWatch.State.running(status);
      };
    });
    return last[0];
  }

  private JsonNode send(HttpMethod method, String url, JsonNode body, String what, String resourceId) throws StepFailure {
    return parse(raw(method, url, body, what, resourceId));
  }

  private HttpResponse raw(HttpMethod method, String url, JsonNode body, String what, String resourceId)
      throws StepFailure {
    HttpRequest req = new HttpRequest(method, url);
    if (body != null) {
      req.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
      req.setBody(body.toString());
    }
    HttpResponse r;
    try {
      r = pipeline.sendSync(req, Context.NONE);
    } catch (RuntimeException e) {
      throw AzureCloud.failure(what, resourceId, e);
    }
    int status = r.getStatusCode();
    if (status >= 400) {
      String text = r.getBodyAsBinaryData() == null ? "" : r.getBodyAsBinaryData().toString();
      String hint = status == 404 ? "check cloud.backupVault and the disk's backupInstance in the inventory"
          : status == 403 || status == 401 ? "the identity lacks a Backup role on the vault or the target resource group"
          : status == 429 ? "Azure is throttling this subscription; retry later"
          : status >= 500 ? "Azure had a transient failure after several retries; retry the step"
          : "read Azure's message and fix the request, then run the step again";
      throw new StepFailure(what + " failed on " + resourceId + ": HTTP " + status + " " + errorText(text, ""),
          status == 429 || status >= 500, hint, null);
    }
    return r;
  }

  private static JsonNode parse(HttpResponse r) throws StepFailure {
    String text = r.getBodyAsBinaryData() == null ? "" : r.getBodyAsBinaryData().toString();
    try {
      return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (Exception e) {
      throw StepFailure.fatal("the Backup Vault answered with something that is not JSON (HTTP " + r.getStatusCode() + ")");
    }
  }

  /** "code: message" from an ARM error body ({"error": {...}} or the error object itself); else the fallback. */
  static String errorText(String body, String fallback) {
    try {
      JsonNode n = JSON.readTree(body == null ? "" : body);
      JsonNode e = n.has("error") ? n.get("error") : n;
      if (e != null && e.hasNonNull("code")) return e.get("code").asText() + ": " + e.path("message").asText("");
    } catch (Exception ignored) {
      // not JSON: fall back to what the caller has
    }
    return fallback;
  }
}

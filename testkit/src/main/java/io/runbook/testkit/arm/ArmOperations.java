package io.runbook.testkit.arm;

import static io.runbook.testkit.arm.ArmResponses.JSON;
import static io.runbook.testkit.arm.ArmResponses.error;
import static io.runbook.testkit.arm.ArmResponses.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The emulator's long-running operations (Azure-AsyncOperation / Location) and Backup Vault jobs: each stays
 * InProgress for a number of polls, then succeeds (applying its effect) or fails. Guarded by the router's lock.
 */
final class ArmOperations {
  private final String subscription;
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private volatile String baseUrl;
  private int polls = 1;
  private Operation.Outcome nextOutcome;
  private boolean stallNextJob;
  private String nextErrorCode;
  private String nextErrorMessage;

  ArmOperations(String subscription) { this.subscription = subscription; }

  void baseUrl(String url) { baseUrl = url; }

  void reset() {
    operations.clear();
    jobs.clear();
    polls = 1;
    nextOutcome = null;
    stallNextJob = false;
  }

  void polls(int n) { polls = n; }

  void failNext(String code, String message) {
    nextErrorCode = code;
    nextErrorMessage = message;
    nextOutcome = Operation.Outcome.FAILED;
  }

  void stallNext() { nextOutcome = Operation.Outcome.STALLED; }

  /** The next Backup Vault job stays InProgress until {@link #finishAll}. */
  void stallNextJob() { stallNextJob = true; }

  /** Finishes every running or stalled operation and job now, successfully. */
  void finishAll() {
    for (Operation op : operations.values()) {
      if (op.outcome == Operation.Outcome.STALLED) op.outcome = Operation.Outcome.SUCCEEDED;
      op.pollsLeft = 0;
      op.advance();
    }
    for (Job j : jobs.values()) {
      j.pollsLeft = 0;
      j.advance();
    }
  }

  Operation start(String provider, String location) {
    Operation op = new Operation(UUID.randomUUID().toString(), provider, location, polls);
    if (nextOutcome != null) {
      op.outcome = nextOutcome;
      op.errorCode = nextErrorCode;
      op.errorMessage = nextErrorMessage;
      nextOutcome = null;
    }
    operations.put(op.id, op);
    return op;
  }

  /** A Backup Vault job; {@code id} is its full resource id, looked up by its last segment. */
  void startJob(String id, Runnable onComplete) {
    jobs.put(id.substring(id.lastIndexOf('/') + 1), new Job(id, stallNextJob ? Integer.MAX_VALUE : polls, onComplete));
    stallNextJob = false;
  }

  private String url(Operation op, boolean monitor) {
    // Compute: .../operations/{id} (?monitor=true for Location); Data Protection: operationStatus / operationResults.
    boolean compute = op.provider.equals("Microsoft.Compute");
    String kind = compute ? "operations" : monitor ? "operationResults" : "operationStatus";
    String api = compute ? ArmRouter.COMPUTE_VMS_API : ArmRouter.DATA_PROTECTION_API;
    return baseUrl + "/subscriptions/" + subscription + "/providers/" + op.provider + "/locations/" + op.location
        + "/" + kind + "/" + op.id + "?" + (monitor && compute ? "monitor=true&" : "") + "api-version=" + api;
  }

  /** The answer that starts an operation: its status URL, and for 202 also its Location. */
  ResponseDefinition accepted(Operation op, int status, JsonNode body) {
    ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withHeader("Azure-AsyncOperation", url(op, false));
    if (status == 202) b = b.withHeader("Location", url(op, true)).withHeader("Retry-After", "0");
    return b.withBody(body == null ? "" : body.toString()).build();
  }

  /** A poll of the status URL ({@code monitor} false) or of the Location URL. */
  ResponseDefinition poll(String id, boolean monitor) {
    Operation op = operations.get(id);
    if (op == null) throw new ArmResponses.UnexpectedRequest();
    String status = op.advance();
    if (monitor) {
      if (status.equals("InProgress")) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(202)
            .withHeader("Location", url(op, true)).withHeader("Retry-After", "0").build();
      }
      if (status.equals("Failed")) return error(400, op.errorCode, op.errorMessage);
      return op.result == null ? ResponseDefinitionBuilder.responseDefinition().withStatus(200).build() : ok(op.result);
    }
    ObjectNode s = JSON.createObjectNode();
    s.put("name", op.id);
    s.put("status", status);
    s.put("startTime", op.started.toString());
    if (!status.equals("InProgress")) s.put("endTime", Instant.now().toString());
    if (status.equals("Failed")) s.putObject("error").put("code", op.errorCode).put("message", op.errorMessage);
    if (status.equals("Succeeded") && op.properties != null) s.set("properties", op.properties);
    return ok(s);
  }

  ResponseDefinition job(String jobName) {
    Job job = jobs.get(jobName);
    if (job == null) return error(404, "ResourceNotFound", "Job " + jobName + " was not found.");
    String status = job.advance();
    ObjectNode n = JSON.createObjectNode();
    n.put("id", job.id);
    n.put("name", jobName);
    n.put("type", "Microsoft.DataProtection/BackupVaults/backupJobs");
    n.putObject("properties").put("operation", "Restore").put("status", status).put("operationCategory", "Restore")
        .put("dataSourceType", "Microsoft.Compute/disks").putNull("errorDetails");
    return ok(n);
  }

  /** The effect listener could not apply an effect: the operation or job ends Failed. */
  static final class EffectFailed extends RuntimeException {
    EffectFailed(String message) { super(message, null, false, false); }
  }

  /** An asynchronous operation: InProgress for some polls, then Succeeded (applying its effect) or Failed. */
  static final class Operation {
    enum Outcome { SUCCEEDED, FAILED, STALLED }

    final String id;
    final String provider;
    final String location;
    final Instant started = Instant.now();
    int pollsLeft;
    Outcome outcome = Outcome.SUCCEEDED;
    String errorCode;
    String errorMessage;
    Runnable onSuccess = () -> {};
    Runnable onFailure = () -> {};
    /** What the Location URL answers once done (e.g. a storage profile). */
    JsonNode result;
    /** The {@code properties} of a Succeeded status (Data Protection's OperationJobExtendedInfo). */
    ObjectNode properties;
    private String finalStatus;

    Operation(String id, String provider, String location, int pollsLeft) {
      this.id = id;
      this.provider = provider;
      this.location = location;
      this.pollsLeft = pollsLeft;
    }

    boolean finished() { return finalStatus != null; }

    String advance() {
      if (finalStatus != null) return finalStatus;
      if (outcome == Outcome.STALLED || pollsLeft-- > 0) return "InProgress";
      if (outcome == Outcome.SUCCEEDED) {
        try {
          onSuccess.run();
          finalStatus = "Succeeded";
          return finalStatus;
        } catch (EffectFailed e) {
          errorCode = ArmEffects.FAILED_CODE;
          errorMessage = e.getMessage();
        }
      }
      onFailure.run();
      finalStatus = "Failed";
      return finalStatus;
    }
  }

  /** A Backup Vault job: InProgress for some polls, then Completed (applying its effect). */
  static final class Job {
    final String id;
    int pollsLeft;
    final Runnable onComplete;
    boolean done;
    String failed;

    Job(String id, int pollsLeft, Runnable onComplete) {
      this.id = id;
      this.pollsLeft = pollsLeft;
      this.onComplete = onComplete;
    }

    String advance() {
      if (done) return failed == null ? "Completed" : "Failed";
      if (pollsLeft-- > 0) return "InProgress";
      try {
        onComplete.run();
      } catch (EffectFailed e) {
        failed = e.getMessage();
      }
      done = true;
      return failed == null ? "Completed" : "Failed";
    }
  }
}

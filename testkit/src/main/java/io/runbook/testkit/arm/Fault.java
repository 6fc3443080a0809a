package io.runbook.testkit.arm;

/**
 * A failure the emulator answers with instead of the real response, for the next {@code times} requests whose
 * method and path match. {@code status} 0 means no error status: the connection is dropped ({@code drop}), or, with
 * only {@code delayMillis}, the real answer comes late. {@code applied}: the request takes effect in the emulator's
 * state before the connection drops (the answer is lost on the way back, as when a proxy cuts a finished call).
 */
public record Fault(String method, String pathRegex, int times, int status, String errorCode, Integer retryAfterSeconds,
                    Drop drop, int delayMillis, boolean applied) {
  /** How a dropped connection looks to the client. */
  public enum Drop {
    /** TCP reset (WireMock's CONNECTION_RESET_BY_PEER). */
    RESET,
    /** The connection closes without a byte of answer (WireMock's EMPTY_RESPONSE). */
    EMPTY_RESPONSE
  }

  /** The original shape: {@code status} 0 is a reset connection. */
  public Fault(String method, String pathRegex, int times, int status, String errorCode, Integer retryAfterSeconds) {
    this(method, pathRegex, times, status, errorCode, retryAfterSeconds, status == 0 ? Drop.RESET : null, 0, false);
  }

  /** 429 TooManyRequests with Retry-After. */
  public static Fault throttle(String method, String pathRegex, int times, int retryAfterSeconds) {
    return new Fault(method, pathRegex, times, 429, "TooManyRequests", retryAfterSeconds);
  }

  /** A 5xx (500 InternalServerError, 503 ServiceUnavailable...). */
  public static Fault status(String method, String pathRegex, int times, int status) {
    return new Fault(method, pathRegex, times, status, status == 503 ? "ServiceUnavailable" : "InternalServerError", null);
  }

  /** The server resets the TCP connection (WireMock's CONNECTION_RESET_BY_PEER); the request has no effect. */
  public static Fault reset(String method, String pathRegex, int times) {
    return new Fault(method, pathRegex, times, 0, null, null);
  }

  /** The server closes the connection without answering (WireMock's EMPTY_RESPONSE); the request has no effect. */
  public static Fault emptyResponse(String method, String pathRegex, int times) {
    return new Fault(method, pathRegex, times, 0, null, null, Drop.EMPTY_RESPONSE, 0, false);
  }

  /** The request takes effect (a disk is created, a disk attached), then the connection is reset before the answer. */
  public static Fault resetAfterApplying(String method, String pathRegex, int times) {
    return new Fault(method, pathRegex, times, 0, null, null, Drop.RESET, 0, true);
  }

  /** The real answer, {@code delayMillis} late. */
  public static Fault slow(String method, String pathRegex, int times, int delayMillis) {
    return new Fault(method, pathRegex, times, 0, null, null, null, delayMillis, true);
  }

  /** Whether the emulator first handles the request as usual (state changes) and then spoils the answer. */
  boolean passesThrough() { return applied || (status == 0 && drop == null); }
}

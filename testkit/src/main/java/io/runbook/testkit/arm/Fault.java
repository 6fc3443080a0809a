package io.runbook.testkit.arm;

/**
 * A failure the emulator answers with instead of the real response, for the next {@code times} requests whose
 * method and path match. {@code status} 0 means the connection is reset.
 */
public record Fault(String method, String pathRegex, int times, int status, String errorCode, Integer retryAfterSeconds) {
  /** 429 TooManyRequests with Retry-After. */
  public static Fault throttle(String method, String pathRegex, int times, int retryAfterSeconds) {
    return new Fault(method, pathRegex, times, 429, "TooManyRequests", retryAfterSeconds);
  }

  /** A 5xx (500 InternalServerError, 503 ServiceUnavailable...). */
  public static Fault status(String method, String pathRegex, int times, int status) {
    return new Fault(method, pathRegex, times, status, status == 503 ? "ServiceUnavailable" : "InternalServerError", null);
  }

  /** The server resets the TCP connection (WireMock's CONNECTION_RESET_BY_PEER). */
  public static Fault reset(String method, String pathRegex, int times) {
    return new Fault(method, pathRegex, times, 0, null, null);
  }
}

package dev.oceanj.core.port;

import java.util.Optional;

/**
 * Port answered a request with an error that retries did not cure. Carries everything needed to report it:
 * method, path (without query secrets), status, Port's error body and its {@code x-trace-id}.
 */
public final class PortApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String method;
  private final String path;
  private final int status;
  private final String body;
  private final String traceId;

  public PortApiException(String method, String path, int status, String body, String traceId, Throwable cause) {
    super(method + " " + path + " failed with " + status + (traceId == null ? "" : " (x-trace-id " + traceId + ")")
        + (body == null || body.isEmpty() ? "" : ": " + body), cause);
    this.method = method;
    this.path = path;
    this.status = status;
    this.body = body;
    this.traceId = traceId;
  }

  public String method() { return method; }

  public String path() { return path; }

  /** HTTP status, or 0 when no response arrived (connection error). */
  public int status() { return status; }

  /** Port's error body as received (never contains credentials: auth bodies are not recorded). */
  public String body() { return body; }

  public Optional<String> traceId() { return Optional.ofNullable(traceId); }
}

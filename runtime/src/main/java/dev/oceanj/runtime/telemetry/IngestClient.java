package dev.oceanj.runtime.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.IngestTransport;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends telemetry to the integration's ingest URLs ({@code metricAttributes.ingestUrl},
 * {@code logAttributes.ingestUrl} of {@code GET /v1/integration/{id}}, read once and kept), with Port's token, through
 * the proxy and with the trust of the Port client, over the Port client's own HTTP/1.1 stack ({@link IngestTransport};
 * the JDK's HTTP client and its TLS set-up cost some 700 classes, a few MB at rest). A failure is logged (the first
 * one as a warning, the rest at debug, so a Port that is down does not fill the log) and never fails the caller.
 */
public final class IngestClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IngestClient.class);
  static final ObjectMapper JSON = new ObjectMapper();

  /** The ingest URLs Port gave the integration, and its installation type. */
  record Urls(Optional<String> metrics, Optional<String> logs, String installationType) {}

  private final HttpPortClient port;
  private final IngestTransport http;
  private final boolean ownsTransport;
  private final AtomicReference<CompletableFuture<Urls>> urls = new AtomicReference<>();
  private final AtomicBoolean warned = new AtomicBoolean();

  /** Sends through {@code http}, which it closes with itself. */
  public IngestClient(HttpPortClient port, IngestTransport http) {
    this(port, http, true);
  }

  /** Sends through {@code http} (host mode: the transport every instance shares), closed with itself if it owns it. */
  public IngestClient(HttpPortClient port, IngestTransport http, boolean ownsTransport) {
    this.port = port;
    this.http = http;
    this.ownsTransport = ownsTransport;
  }

  HttpPortClient port() {
    return port;
  }

  /** The ingest URLs, fetched once (again after a failed fetch). */
  CompletableFuture<Urls> urls() {
    CompletableFuture<Urls> f = urls.get();
    if (f != null && !f.isCompletedExceptionally()) {
      return f;
    }
    CompletableFuture<Urls> fresh = port.getIntegration().toCompletableFuture().thenApply(found -> {
      ObjectNode i = found.orElseThrow(() -> new IllegalStateException("the integration does not exist in Port"));
      return new Urls(text(i.path("metricAttributes").path("ingestUrl")), text(i.path("logAttributes").path("ingestUrl")),
          i.path("installationType").asText("Unknown"));
    });
    urls.set(fresh);
    return fresh;
  }

  private static Optional<String> text(JsonNode n) {
    String s = n.asText("");
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /** Sends {@code body} with {@code method} to {@code url}; completes with whether Port accepted it (2xx). */
  CompletableFuture<Boolean> send(String method, String url, JsonNode body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (Exception e) {
      return CompletableFuture.completedFuture(false);
    }
    String userAgent = "port-ocean/" + port.identity().type() + "/" + port.identity().version() + "/"
        + port.identity().identifier();
    return port.authorization().toCompletableFuture()
        .thenCompose(auth -> http.send(method, url, userAgent, auth, bytes))
        .handle((r, e) -> {
          boolean ok = e == null && r.ok();
          if (!ok) {
            String why = e != null ? String.valueOf(e.getCause() != null ? e.getCause() : e)
                : "status " + r.status() + ": " + r.body();
            if (warned.compareAndSet(false, true)) {
              LOG.warn("Telemetry to Port failed ({} {}: {}); further failures are logged at debug", method, url, why);
            } else {
              LOG.debug("Telemetry to Port failed ({} {}: {})", method, url, why);
            }
          }
          return ok;
        });
  }

  /** Closes the connections to the ingest URLs, unless they are shared. */
  @Override
  public void close() {
    if (ownsTransport) {
      http.close();
    }
  }
}

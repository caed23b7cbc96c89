package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import dev.oceanj.runtime.OceanMetrics;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the runtime's one HTTP binding: {@code /resync} and {@code /docs} at the root (as Ocean), and {@code /health/*},
 * {@code /metrics}, {@code /status} under {@code ocean.path-prefix}. Every error is JSON
 * ({@code {"error", "message"}}), never a stack trace; every request is timed into {@code http_server_requests}.
 */
public final class OceanRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OceanRoutes.class);

  private final ResyncRoutes resync;
  private final HealthRoutes health;
  private final MetricsRoutes metricsRoutes;
  private final StatusRoutes status;
  private final Optional<String> pathPrefix;
  private final OceanMetrics metrics;
  private final Optional<Route> extra;

  /** @param pathPrefix {@code ocean.path-prefix} ({@code /x}, no trailing slash), if any */
  public OceanRoutes(ResyncRoutes resync, HealthRoutes health, MetricsRoutes metricsRoutes, StatusRoutes status,
      Optional<String> pathPrefix, OceanMetrics metrics) {
    this.resync = resync;
    this.health = health;
    this.metricsRoutes = metricsRoutes;
    this.status = status;
    this.pathPrefix = pathPrefix.map(p -> p.replaceAll("^/+|/+$", "")).filter(p -> !p.isEmpty());
    this.metrics = metrics;
    this.extra = Optional.empty();
  }

  private OceanRoutes(OceanRoutes base, Route extra) {
    this.resync = base.resync;
    this.health = base.health;
    this.metricsRoutes = base.metricsRoutes;
    this.status = base.status;
    this.pathPrefix = base.pathPrefix;
    this.metrics = base.metrics;
    this.extra = Optional.of(base.extra.map(e -> concat(e, extra)).orElse(extra));
  }

  /** These routes plus {@code more} under the path prefix (live events: {@code /integration/...}). */
  public OceanRoutes withPrefixedRoutes(Route more) {
    return new OceanRoutes(this, more);
  }

  public Route routes() {
    Route base = concat(health.routes(), metricsRoutes.routes(), status.routes());
    Route prefixed = extra.map(e -> concat(base, e)).orElse(base);
    Route all = concat(resync.routes(), new DocsRoutes(pathPrefix).routes(),
        pathPrefix.isPresent() ? pathPrefix(PathMatchers.separateOnSlashes(pathPrefix.get()), () -> prefixed) : prefixed);
    return timed(handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> all)));
  }

  private Route timed(Route inner) {
    return extractRequest(request -> {
      long start = System.nanoTime();
      String route = routeLabel(request.getUri().path());
      return mapResponse(response -> {
        metrics.recordHttp(request.method().value(), route, response.status().intValue(),
            Duration.ofNanos(System.nanoTime() - start));
        return response;
      }, () -> inner);
    });
  }

  /** A bounded label: the known route, or {@code other} (raw paths would let any caller create series). */
  private String routeLabel(String path) {
    String p = pathPrefix.map(prefix -> path.startsWith("/" + prefix) ? path.substring(prefix.length() + 1) : path)
        .orElse(path);
    if (p.startsWith("/integration/")) {
      return "/integration/*";
    }
    if (p.startsWith("/live-events/dead-letters")) {
      return "/live-events/dead-letters";
    }
    for (String known : new String[] {"/resync", "/docs", "/health/live", "/health/ready", "/metrics", "/status"}) {
      if (p.equals(known) || p.equals(known + "/")) {
        return known;
      }
    }
    return "other";
  }

  private static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> {
          LOG.error("request failed", e);
          return complete(HttpJson.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error",
              "the request failed inside oceanj; the log has the details"));
        })
        .build();
  }

  /** Pekko's default rejection answers (405, 404, 413 …), reshaped as JSON with the same status and text. */
  private static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(OceanRoutes::asJson);
  }

  private static HttpResponse asJson(HttpResponse response) {
    if (response.entity() instanceof HttpEntity.Strict strict
        && !strict.getContentType().mediaType().toString().startsWith("application/json")) {
      String code = response.status().reason().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
      return HttpJson.error(response.status(), code, strict.getData().utf8String());
    }
    return response;
  }
}

package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefixTest;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;

import dev.oceanj.core.config.Secret;
import dev.oceanj.runtime.OceanMetrics;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the runtime's one HTTP binding: {@code /resync} and {@code /docs} at the root (as Ocean), and {@code /health/*},
 * {@code /metrics}, {@code /status} under {@code ocean.path-prefix}. Every error is JSON
 * ({@code {"error", "message"}}), never a stack trace; every request is timed into {@code http_server_requests}.
 */
public final class OceanRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OceanRoutes.class);
  private static final String ADMIN_TOKEN = "ocean.http.admin-token";

  private final ResyncRoutes resync;
  private final HealthRoutes health;
  private final MetricsRoutes metricsRoutes;
  private final StatusRoutes status;
  private final Optional<String> pathPrefix;
  private final OceanMetrics metrics;
  private final Optional<Route> extra;
  private final Optional<AccessToken> adminToken;
  private final Optional<Route> adminExtra;
  /** Host mode: every instance's routes (and the list) instead of one instance's resync and status. */
  private final Optional<HostRoutes> host;

  /** @param pathPrefix {@code ocean.path-prefix} ({@code /x}, no trailing slash), if any */
  public OceanRoutes(ResyncRoutes resync, HealthRoutes health, MetricsRoutes metricsRoutes, StatusRoutes status,
      Optional<String> pathPrefix, OceanMetrics metrics) {
    this(resync, health, metricsRoutes, status, pathPrefix.map(p -> p.replaceAll("^/+|/+$", "")).filter(p -> !p.isEmpty()),
        metrics, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Host mode: {@code /docs} at the root, and under the path prefix {@code /health/*}, {@code /metrics} and
   * {@code host}'s routes ({@code /status}, {@code /instances/reload}, {@code /<identifier>/...}), which check
   * the admin token themselves.
   */
  public static OceanRoutes host(HostRoutes host, HealthRoutes health, MetricsRoutes metricsRoutes,
      Optional<String> pathPrefix, OceanMetrics metrics) {
    return new OceanRoutes(null, health, metricsRoutes, null,
        pathPrefix.map(p -> p.replaceAll("^/+|/+$", "")).filter(p -> !p.isEmpty()), metrics, Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of(host));
  }

  private OceanRoutes(ResyncRoutes resync, HealthRoutes health, MetricsRoutes metricsRoutes, StatusRoutes status,
      Optional<String> pathPrefix, OceanMetrics metrics, Optional<Route> extra, Optional<AccessToken> adminToken,
      Optional<Route> adminExtra, Optional<HostRoutes> host) {
    this.resync = resync;
    this.health = health;
    this.metricsRoutes = metricsRoutes;
    this.status = status;
    this.pathPrefix = pathPrefix;
    this.metrics = metrics;
    this.extra = extra;
    this.adminToken = adminToken;
    this.adminExtra = adminExtra;
    this.host = host;
  }

  /** These routes plus {@code more} under the path prefix (live events: {@code /integration/...}). */
  public OceanRoutes withPrefixedRoutes(Route more) {
    return new OceanRoutes(resync, health, metricsRoutes, status, pathPrefix, metrics, Optional.of(plus(extra, more)),
        adminToken, adminExtra, host);
  }

  /** These routes plus the admin routes {@code more}, all under {@code /live-events/} (the dead letters). */
  public OceanRoutes withAdminRoutes(Route more) {
    return new OceanRoutes(resync, health, metricsRoutes, status, pathPrefix, metrics, extra, adminToken,
        Optional.of(plus(adminExtra, more)), host);
  }

  /**
   * With {@code token} ({@code ocean.http.admin-token}) set, {@code /status} and the admin routes answer only
   * callers that present it as {@code Authorization: Bearer <token>} ({@code /resync} checks it itself, beside
   * the webhook token); health, metrics and the webhooks stay open.
   */
  public OceanRoutes withAdminToken(Optional<Secret> token) {
    return new OceanRoutes(resync, health, metricsRoutes, status, pathPrefix, metrics, extra, AccessToken.of(token),
        adminExtra, host);
  }

  private static Route plus(Optional<Route> routes, Route more) {
    return routes.map(r -> concat(r, more)).orElse(more);
  }

  public Route routes() {
    if (host.isPresent()) {
      Route base = concat(health.routes(), metricsRoutes.routes(), host.get().routes());
      return wrapped(concat(new DocsRoutes(pathPrefix).routes(), host.get().aliases(), pathPrefix.isPresent()
          ? pathPrefix(PathMatchers.separateOnSlashes(pathPrefix.get()), () -> base) : base));
    }
    // Scoped to the admin paths, so any other path still gets its own answer (404 ...) without a token.
    Route admin = pathPrefixTest(PathMatchers.segment("status"), () -> AccessToken.require(adminToken, ADMIN_TOKEN,
        status::routes));
    if (adminExtra.isPresent()) {
      admin = concat(admin, pathPrefixTest(PathMatchers.segment("live-events"),
          () -> AccessToken.require(adminToken, ADMIN_TOKEN, adminExtra::get)));
    }
    Route base = concat(health.routes(), metricsRoutes.routes(), admin);
    Route prefixed = extra.map(e -> concat(base, e)).orElse(base);
    Route all = concat(resync.routes(), new DocsRoutes(pathPrefix).routes(),
        pathPrefix.isPresent() ? pathPrefix(PathMatchers.separateOnSlashes(pathPrefix.get()), () -> prefixed) : prefixed);
    return wrapped(all);
  }

  /** Timed, every failure and rejection answered as JSON. */
  private Route wrapped(Route all) {
    return timed(withRequestTimeoutResponse(OceanRoutes::timedOut,
        () -> handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> all))));
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
    String label = knownRoute(p);
    int slash = p.indexOf('/', 1);
    if (host.isPresent() && label.equals("other") && slash > 0) {
      // An instance's route, its identifier left out (an unknown one would create series at will).
      String inner = knownRoute(p.substring(slash));
      return inner.equals("other") ? inner : "/{identifier}" + inner;
    }
    return label;
  }

  private static String knownRoute(String p) {
    if (p.startsWith("/integration/")) {
      return "/integration/*";
    }
    if (p.startsWith("/live-events/dead-letters")) {
      return "/live-events/dead-letters";
    }
    for (String known : new String[] {"/resync", "/docs", "/health/live", "/health/ready", "/metrics", "/status",
        "/instances/reload"}) {
      if (p.equals(known) || p.equals(known + "/")) {
        return known;
      }
    }
    return "other";
  }

  private static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, e -> complete(tooLarge()))
        .matchAny(e -> {
          LOG.error("request failed", e);
          return complete(HttpJson.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error",
              "the request failed inside oceanj; the log has the details"));
        })
        .build();
  }

  /**
   * Pekko's default rejection answers (405, 404, 413 …) with the same status, in the JSON shape with the status's
   * one code; a 413 says which limit, never Pekko's internal message.
   */
  private static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(OceanRoutes::asJson);
  }

  private static HttpResponse asJson(HttpResponse response) {
    if (response.status().intValue() == 413) {
      return tooLarge();
    }
    if (response.entity() instanceof HttpEntity.Strict strict
        && !strict.getContentType().mediaType().toString().startsWith("application/json")) {
      return HttpJson.error(response.status(), strict.getData().utf8String());
    }
    return response;
  }

  /** The server's answer when a route did not answer within {@code pekko.http.server.request-timeout}. */
  private static HttpResponse timedOut(HttpRequest request) {
    return HttpJson.error(StatusCodes.SERVICE_UNAVAILABLE,
        "no answer to " + request.method().value() + " within the server's request timeout; try again later");
  }

  static HttpResponse tooLarge() {
    return HttpJson.error(StatusCodes.PAYLOAD_TOO_LARGE, "the request body exceeds ocean.http.max-request-body-size");
  }
}

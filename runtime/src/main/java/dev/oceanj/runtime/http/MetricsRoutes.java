package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import dev.oceanj.runtime.OceanMetrics;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics} (and {@code /metrics/}, as Ocean): the Prometheus text exposition of {@link OceanMetrics}.
 * Before each scrape {@code refresh} pulls the supervisor's current state into the gauges, so a scrape right after
 * a resync already shows its counts.
 */
public final class MetricsRoutes {

  private final OceanMetrics metrics;
  private final Supplier<CompletionStage<Void>> refresh;

  public MetricsRoutes(OceanMetrics metrics, Supplier<CompletionStage<Void>> refresh) {
    this.metrics = metrics;
    this.refresh = refresh;
  }

  public Route routes() {
    return pathPrefix("metrics", () -> pathEndOrSingleSlash(() -> get(() -> completeWithFuture(
        refresh.get()
            .exceptionally(e -> null)
            .thenApply(ignored -> HttpResponse.create()
                .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape())))))));
  }
}

package dev.oceanj.core.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.port.IntegrationRecord;
import dev.oceanj.core.sync.MappingPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The mapping live events use: the integration's current port app config from Port, fetched once and reused
 * for {@code ttl} (Ocean re-fetches it for every event). After the TTL it is fetched again and recompiled only
 * when Port's config changed. Concurrent callers share one fetch.
 */
public final class LiveMapping {

  private final IntegrationRecord port;
  private final MappingPlan.Compiler compiler;
  private final Duration ttl;
  private final Clock clock;
  private final Object lock = new Object();
  private CompletableFuture<Current> current;
  private Instant fetchedAt = Instant.MIN;

  public LiveMapping(IntegrationRecord port, MappingPlan.Compiler compiler, Duration ttl, Clock clock) {
    this.port = port;
    this.compiler = compiler;
    this.ttl = ttl;
    this.clock = clock;
  }

  /**
   * The current mapping: the compiled plan and Port's {@code config} it was compiled from (for the resources'
   * selectors).
   */
  public record Current(MappingPlan plan, JsonNode config) {}

  /** The current plan; fails when Port cannot be reached or the mapping is invalid (the event is retried). */
  public CompletionStage<MappingPlan> plan() {
    return current().thenApply(Current::plan);
  }

  /** The current plan with its config; fails as {@link #plan()}. */
  public CompletionStage<Current> current() {
    synchronized (lock) {
      Instant now = clock.instant();
      boolean fresh = current != null && !current.isCompletedExceptionally()
          && (!current.isDone() || fetchedAt.plus(ttl).isAfter(now));
      if (fresh) {
        return current;
      }
      fetchedAt = now;
      Current previous = current != null && current.isDone() && !current.isCompletedExceptionally()
          ? current.join() : null;
      current = port.getIntegration().toCompletableFuture().thenApply(integration -> {
        JsonNode config = integration.map(i -> i.get("config")).orElseThrow(() -> new IllegalStateException(
            "integration '" + port.identity().identifier() + "' does not exist in Port"));
        if (previous != null && config.equals(previous.config())) {
          return previous;
        }
        MappingPlan plan = config == null || config.isNull() || config.isEmpty()
            ? new MappingPlan(List.of(), false, true, false, 0)
            : compiler.compile(config);
        return new Current(plan, config);
      });
      return current;
    }
  }
}

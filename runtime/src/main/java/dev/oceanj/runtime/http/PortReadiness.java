package dev.oceanj.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.IntegrationRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What {@code /status} reports about Port: whether it answers, and whether the integration and its mapping are
 * there: one {@code GET /v1/integration/{id}} that succeeds and carries a {@code config} with {@code resources}.
 * None of it holds readiness (Ocean's contract; {@link HealthRoutes}). The answer is reused for {@code cacheFor}, so a
 * probe storm never becomes a Port request storm, and a check takes at most {@code timeout}: the Port client's
 * own retries would otherwise keep a probe hanging while Port is down.
 */
public final class PortReadiness implements Readiness {

  /** How the problem of an unreachable Port starts. */
  public static final String UNREACHABLE = "Port is not reachable";

  private record Checked(Instant at, CompletionStage<List<String>> problems) {}

  private final IntegrationRecord port;
  private final Duration timeout;
  private final Duration cacheFor;
  private final Clock clock;
  private final AtomicReference<Checked> last = new AtomicReference<>();

  public PortReadiness(IntegrationRecord port, Duration timeout, Duration cacheFor, Clock clock) {
    this.port = port;
    this.timeout = timeout;
    this.cacheFor = cacheFor;
    this.clock = clock;
  }

  @Override
  public CompletionStage<List<String>> problems() {
    Instant now = clock.instant();
    Checked previous = last.get();
    if (previous != null && Duration.between(previous.at(), now).compareTo(cacheFor) < 0) {
      return previous.problems();
    }
    CompletionStage<List<String>> check = check();
    last.set(new Checked(now, check));
    return check;
  }

  private CompletionStage<List<String>> check() {
    String id = port.identity().identifier();
    CompletableFuture<Optional<ObjectNode>> integration;
    try {
      integration = port.getIntegration().toCompletableFuture().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      integration = CompletableFuture.failedFuture(e);
    }
    return integration.handle((found, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String why = cause instanceof TimeoutException ? "no answer within " + timeout : String.valueOf(cause.getMessage());
        return List.of(UNREACHABLE + ": " + why);
      }
      if (found.isEmpty()) {
        return List.of("integration '" + id + "' does not exist in Port yet");
      }
      JsonNode resources = found.get().path("config").path("resources");
      if (!resources.isArray() || resources.isEmpty()) {
        return List.of("integration '" + id + "' has no mapping in Port (config.resources is empty)");
      }
      return List.<String>of();
    });
  }
}

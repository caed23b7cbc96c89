package dev.oceanj.actors.resync;

import dev.oceanj.core.Failures;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClient.ResyncState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port's resync state of one integration ({@code running}, then {@code completed}, {@code failed} or
 * {@code aborted}). The PATCHes are chained, so an {@code aborted} can never overtake a later {@code running}.
 * Used by the {@link IntegrationSupervisor} only, from its own thread.
 */
final class ResyncStateReport {

  private static final Logger log = LoggerFactory.getLogger(ResyncStateReport.class);

  private final PortClient port;
  private final Optional<Duration> scheduledInterval;
  private final Clock clock;
  private CompletionStage<Void> patches = CompletableFuture.completedFuture(null);

  /** @param scheduledInterval reported as {@code nextResync}/{@code intervalInMinuets} when set */
  ResyncStateReport(PortClient port, Optional<Duration> scheduledInterval, Clock clock) {
    this.port = port;
    this.scheduledInterval = scheduledInterval;
    this.clock = clock;
  }

  /** Sends {@code status} after every state sent before it. */
  void report(String status, Instant start, Instant end) {
    Instant next = scheduledInterval.map(i -> clock.instant().plus(i)).orElse(null);
    Integer minutes = scheduledInterval.map(i -> (int) i.toMinutes()).orElse(null);
    ResyncState state = new ResyncState(status, start, end, next, minutes);
    // Ocean sends these with should_raise=False: a failed state report never fails a resync.
    patches = patches.thenCompose(v -> Resync.call(() -> port.patchResyncState(state)).handle((ok, e) -> {
      if (e != null) {
        log.warn("Could not report the resync state to Port: {}", Failures.message(e));
      }
      return null;
    }));
  }

  /** Completes when every state reported so far has gone out (or failed). */
  CompletionStage<Void> sent() {
    return patches;
  }
}

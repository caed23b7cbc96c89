package dev.oceanj.actors.resync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
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
    ResyncState state = state(status, start, end);
    // Ocean sends these with should_raise=False: a failed state report never fails a resync.
    patches = patches.thenCompose(v -> Resync.call(() -> port.patchResyncState(state)).handle((ok, e) -> {
      if (e != null) {
        log.warn("Could not report the resync state to Port: {}", Failures.message(e));
      }
      return null;
    }));
  }

  /**
   * Before any state of this process: when Port still shows a resync {@code running}, that run belonged to a process
   * that died before it could say how it ended (a cluster node that crashed mid-resync); it is marked
   * {@code aborted}, keeping its start, as Ocean does on SIGTERM. Call it before the first {@link #report}.
   */
  void abortOrphaned() {
    patches = patches.thenCompose(v -> Resync.call(port::getIntegration).thenCompose(integration -> {
      JsonNode orphan = integration.map(i -> i.path("resyncState")).orElse(MissingNode.getInstance());
      if (!"running".equals(orphan.path("status").asText())) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      Instant started = orphan.hasNonNull("lastResyncStart")
          ? Instant.parse(orphan.get("lastResyncStart").asText()) : null;
      log.info("Port still shows a resync running (started {}) that no live process owns: marking it aborted",
          started);
      return port.patchResyncState(state("aborted", started, clock.instant()));
    }).handle((ok, e) -> {
      if (e != null) {
        log.warn("Could not check Port for an orphaned resync: {}", Failures.message(e));
      }
      return null;
    }));
  }

  private ResyncState state(String status, Instant start, Instant end) {
    Instant next = scheduledInterval.map(i -> clock.instant().plus(i)).orElse(null);
    Integer minutes = scheduledInterval.map(i -> (int) i.toMinutes()).orElse(null);
    return new ResyncState(status, start, end, next, minutes);
  }

  /** Completes when every state reported so far has gone out (or failed). */
  CompletionStage<Void> sent() {
    return patches;
  }
}

package dev.oceanj.runtime;

import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventProcessor;
import dev.oceanj.spi.live.LiveEventResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A test integration whose 3rd party hangs for live events only: its one kind, {@code item}, resyncs one item at
 * once, and every webhook on {@code /webhook} asks the 3rd party for the item and never hears back (the stage its
 * processor returns never completes), as a processor calling a hung API asynchronously would.
 */
public final class StalledLiveEventsTestIntegration implements Integration {

  /** Sorted after the shipped types, so listings of the class path's types start as a user's do. */
  @Override
  public String type() {
    return "stalled-live-test";
  }

  @Override
  public void define(IntegrationDefinition ocean) {
    ocean.kind("item").resync(ResyncSource.single(
        () -> CompletableFuture.completedFuture(List.<Map<String, Object>>of(Map.of("id", "item-1")))));
    ocean.onLiveEvent("/webhook", new LiveEventProcessor() {
      @Override
      public Set<String> kinds(LiveEvent event) {
        return Set.of("item");
      }

      @Override
      public CompletionStage<LiveEventResult> handle(LiveEvent event, String kind) {
        return new CompletableFuture<>(); // the 3rd party's answer, which never comes
      }
    });
  }
}

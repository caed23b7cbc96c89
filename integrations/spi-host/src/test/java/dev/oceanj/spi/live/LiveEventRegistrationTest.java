package dev.oceanj.spi.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.host.DefinedIntegration;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LiveEventRegistrationTest {

  static final LiveEventProcessor NOOP = new LiveEventProcessor() {
    @Override
    public Set<String> kinds(LiveEvent event) {
      return Set.of("k");
    }

    @Override
    public CompletableFuture<LiveEventResult> handle(LiveEvent event, String kind) {
      return CompletableFuture.completedFuture(LiveEventResult.none());
    }
  };

  private static DefinedIntegration define(Consumer<IntegrationDefinition> body) {
    return DefinedIntegration.define(new Integration() {
      @Override
      public String type() {
        return "t";
      }

      @Override
      public void define(IntegrationDefinition ocean) {
        body.accept(ocean);
      }
    }, null, HttpClient.newHttpClient());
  }

  @Test
  void processorsAreRecordedPerPathInOrder() {
    LiveEventProcessor second = new LiveEventProcessor() {
      @Override
      public Set<String> kinds(LiveEvent event) {
        return Set.of();
      }

      @Override
      public CompletableFuture<LiveEventResult> handle(LiveEvent event, String kind) {
        return CompletableFuture.completedFuture(LiveEventResult.none());
      }
    };
    DefinedIntegration d = define(ocean -> {
      ocean.onLiveEvent("/webhook", NOOP);
      ocean.onLiveEvent("/webhook", second);
      ocean.onLiveEvent("/runs/{runId}/events", NOOP);
    });
    assertEquals(List.of(NOOP, second), d.liveEventProcessors().get("/webhook"));
    assertEquals(List.of("/webhook", "/runs/{runId}/events"), List.copyOf(d.liveEventProcessors().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> d.liveEventProcessors().put("/x", List.of()));
  }

  @Test
  void malformedPathsAreRefusedNamingThePath() {
    for (String bad : new String[] {"webhook", "/", "/a//b", "/a/{}", "/a b", "/a/"}) {
      // define() reports an author's mistake as a failed definition of the integration, naming the path.
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> define(ocean -> ocean.onLiveEvent(bad, NOOP)));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      assertTrue(e.getCause() instanceof IllegalArgumentException);
    }
  }

  @Test
  void theDefaultsAcceptEverythingInOneSequence() {
    LiveEvent e = new LiveEvent(1, "/webhook", java.util.Map.of(), java.util.Map.of("x-a", "b"),
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), java.time.Instant.EPOCH);
    assertTrue(NOOP.authenticate(java.util.Map.of(), new byte[0]));
    assertTrue(NOOP.validate(e.payload()));
    assertEquals("", NOOP.partitionKey(e));
    assertEquals("b", e.header("X-A").orElseThrow());
  }
}

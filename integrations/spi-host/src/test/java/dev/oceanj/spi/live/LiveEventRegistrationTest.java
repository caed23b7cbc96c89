package dev.oceanj.spi.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void theOneStatementFormRegistersAKindProcessor() {
    var auth = (WebhookAuthenticator.HmacSha256) WebhookAuthenticator.hmacSha256("X-Acme-Hmac", "", "s3cret");
    DefinedIntegration d = define(ocean -> ocean.onLiveEvent("/acme", "person",
            event -> LiveEventResult.upsert(List.of(event.payload().get("person"))))
        .validWhen(payload -> payload.has("person"))
        .orderedBy(event -> event.payload().path("person").path("id").asText())
        .authenticatedBy(auth));
    LiveEventProcessor p = d.liveEventProcessors().get("/acme").get(0);
    var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    var payload = json.objectNode();
    payload.putObject("person").put("id", "7");
    LiveEvent e = new LiveEvent(1, "/acme", java.util.Map.of(), java.util.Map.of(), payload, java.time.Instant.EPOCH);
    assertEquals(Set.of("person"), p.kinds(e));
    assertEquals("7", p.partitionKey(e));
    assertTrue(p.validate(payload));
    assertFalse(p.validate(json.objectNode()));
    assertEquals(List.of(payload.get("person")), p.handle(e, "person").toCompletableFuture().join().upserted());
    byte[] body = payload.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.authenticate(java.util.Map.of("x-acme-hmac", auth.sign(body)), body));
    assertFalse(p.authenticate(java.util.Map.of(), body));
    assertEquals(Set.of("x-acme-hmac"), p.secretHeaders());
  }
}

package dev.oceanj.integrations.fake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventProcessor;
import dev.oceanj.spi.live.LiveEventResult;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Ocean's fake webhook: {@code {"action": "upsert", "person": {...}}} upserts the person through the
 * {@code fake-person} mapping, {@code {"action": "delete", "person": {"id": ...}}} deletes it. Events of one
 * person stay in order.
 */
final class FakePersonWebhook implements LiveEventProcessor {

  static final String PATH = "/webhook";

  @Override
  public boolean validate(JsonNode payload) {
    String action = payload.path("action").asText("");
    JsonNode id = payload.path("person").path("id");
    return (action.equals("upsert") || action.equals("delete")) && (id.isTextual() || id.isNumber());
  }

  @Override
  public Set<String> kinds(LiveEvent event) {
    return Set.of(FakeIntegration.PERSON);
  }

  @Override
  public String partitionKey(LiveEvent event) {
    return event.payload().path("person").path("id").asText();
  }

  @Override
  public CompletionStage<LiveEventResult> handle(LiveEvent event, String kind) {
    JsonNode person = event.payload().get("person");
    return CompletableFuture.completedFuture(event.payload().path("action").asText().equals("delete")
        ? LiveEventResult.delete(List.of(person))
        : LiveEventResult.upsert(List.of(person)));
  }
}

package dev.oceanj.integrations.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventProcessor;
import dev.oceanj.spi.live.LiveEventResult;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FakePersonLiveEventTest {

  static final ObjectMapper JSON = new ObjectMapper();

  private static LiveEvent event(String json) throws Exception {
    return new LiveEvent(1, "/webhook", Map.of(), Map.of(), JSON.readTree(json), Instant.EPOCH);
  }

  private static LiveEventProcessor processor() {
    DefinedIntegration fake = DefinedIntegration.define(new FakeIntegration(), null, HttpClient.newHttpClient());
    List<LiveEventProcessor> processors = fake.liveEventProcessors().get("/webhook");
    assertEquals(1, processors.size());
    return processors.get(0);
  }

  @Test
  void upsertAndDeleteAPersonThroughTheFakePersonKind() throws Exception {
    LiveEventProcessor p = processor();
    LiveEvent upsert = event("{\"action\":\"upsert\",\"person\":{\"id\":\"7\",\"name\":\"Ada\",\"age\":36}}");
    assertTrue(p.validate(upsert.payload()));
    assertEquals(Set.of(FakeIntegration.PERSON), p.kinds(upsert));
    assertEquals("7", p.partitionKey(upsert));
    LiveEventResult r = p.handle(upsert, FakeIntegration.PERSON).toCompletableFuture().join();
    assertEquals(1, r.upserted().size());
    assertEquals("Ada", ((JsonNode) r.upserted().get(0)).get("name").asText());
    assertEquals(List.of(), r.deleted());

    LiveEvent delete = event("{\"action\":\"delete\",\"person\":{\"id\":7}}");
    assertTrue(p.validate(delete.payload()));
    assertEquals("7", p.partitionKey(delete), "numeric and string ids share a key");
    LiveEventResult d = p.handle(delete, FakeIntegration.PERSON).toCompletableFuture().join();
    assertEquals(List.of(), d.upserted());
    assertEquals(7, ((JsonNode) d.deleted().get(0)).get("id").asInt());
  }

  @Test
  void eventsWithoutAKnownActionOrPersonIdAreNotValid() throws Exception {
    LiveEventProcessor p = processor();
    assertFalse(p.validate(event("{\"action\":\"rename\",\"person\":{\"id\":\"1\"}}").payload()));
    assertFalse(p.validate(event("{\"action\":\"upsert\",\"person\":{}}").payload()));
    assertFalse(p.validate(event("{\"action\":\"upsert\"}").payload()));
    assertFalse(p.validate(event("[1,2]").payload()));
  }
}

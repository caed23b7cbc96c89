package dev.oceanj.bench.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The bench's catalog poll against the Port emulator through the project's Port client: ages read back by search. */
class CatalogAgesTest {

  @Test
  void readsTheAgesOfTheEntitiesAsked() throws Exception {
    try (PortEmulator emulator = PortEmulator.start(EmulatorSettings.defaults());
        HttpPortClient port = HttpPortClient.create(PortClientSettings.of(URI.create(emulator.baseUrl()),
            EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET),
            new PortIdentity("fake", "0.1.0", "reader-test"), WriteLimiter.unlimited())) {
      ObjectMapper json = new ObjectMapper();
      ObjectNode blueprint = json.createObjectNode().put("identifier", "fake-person").put("title", "Person");
      blueprint.putObject("schema").putObject("properties").putObject("age").put("type", "number");
      port.createBlueprint(blueprint).toCompletableFuture().join();
      for (int i = 0; i < 3; i++) {
        ObjectNode e = json.createObjectNode().put("identifier", "bench-" + i).put("title", "P" + i);
        e.putObject("properties").put("age", 40 + i);
        port.upsertEntity("fake-person", e, UpsertOptions.defaults()).toCompletableFuture().join();
      }
      assertEquals(Map.of("bench-0", 40L, "bench-2", 42L),
          LiveEventBench.ages(port, "fake-person", List.of("bench-0", "bench-2", "bench-absent")));
      assertEquals(Map.of("bench-1", 41L), LiveEventBench.ages(port, "fake-person", List.of("bench-1")));
      try (HttpPortClient wrong = HttpPortClient.create(PortClientSettings.of(URI.create(emulator.baseUrl()),
          "nobody", "wrong"), new PortIdentity("fake", "0.1.0", "reader-test"), WriteLimiter.unlimited())) {
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> LiveEventBench.ages(wrong, "fake-person", List.of("bench-0")));
        assertTrue(e.getCause().getMessage().contains("/v1/auth/access_token"), e.getCause().getMessage());
      }
    }
  }
}

package dev.oceanj.core.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.core.sync.KeyHash;
import dev.oceanj.core.sync.MappingPlan;
import dev.oceanj.core.sync.Reconciler;
import dev.oceanj.core.sync.ResyncRun;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.Test;

/**
 * A live event that lands while a resync runs is not undone by that resync's reconciliation: the resync's
 * listing was taken before the event, so it does not "see" the new entity, yet reconciliation only deletes
 * entities last updated before the resync began.
 */
class LiveEventsDuringResyncTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String MAPPING = """
      createMissingRelatedEntities: true
      resources:
        - kind: person
          selector: {query: 'true'}
          port:
            entity:
              mappings:
                identifier: .id
                title: .name
                blueprint: '"person"'
                properties: {age: .age}
      """;

  @Test
  void reconciliationKeepsWhatALiveEventWroteDuringTheResync() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "during-resync");
    try (PortEmulator emulator = TestPort.start();
        HttpPortClient port = HttpPortClient.create(
            PortClientSettings.of(URI.create(emulator.baseUrl()), EmulatorSettings.DEFAULT_CLIENT_ID,
                EmulatorSettings.DEFAULT_CLIENT_SECRET),
            new PortIdentity("fake", "0.1.0", "during-resync"), WriteLimiter.unlimited())) {
      port.createBlueprint(JSON.readTree("{\"identifier\":\"person\",\"title\":\"Person\",\"schema\":{\"properties\":"
          + "{\"age\":{\"type\":\"number\"}},\"required\":[]},\"relations\":{}}")).toCompletableFuture().join();
      ObjectNode body = JSON.createObjectNode();
      body.set("config", new YAMLMapper().readTree(MAPPING));
      port.createIntegration(body).toCompletableFuture().join();
      LiveMapping mapping = new LiveMapping(port, new JqMappingCompiler(JqEngine.create(false)), Duration.ofMinutes(1),
          Clock.systemUTC());
      MappingPlan plan = mapping.plan().toCompletableFuture().join();
      LiveEventWriter writer = new LiveEventWriter(port);

      // Before the resync: a stale entity and one the resync will see.
      writer.apply(plan, "person", List.of(person("stale", 1), person("seen", 2)), List.of()).toCompletableFuture()
          .join();
      Instant started = after(Instant.now());
      ResyncRun run = new ResyncRun("r1", started, plan, OptionalLong.empty(), null);
      run.seen().add(KeyHash.key("person", "seen"));

      // During the resync: a live event creates a person the resync's listing never had.
      after(started);
      LiveEventWriter.Applied applied = writer.apply(plan, "person", List.of(person("live", 3)), List.of())
          .toCompletableFuture().join();
      assertEquals(1, applied.upserted());

      Reconciler.Result result = new Reconciler(port, ResyncSettings.defaults(), Materializer.matFromSystem(system))
          .reconcile(run, Optional.empty()).toCompletableFuture().join();

      assertTrue(result.ran(), String.valueOf(result.skippedBecause()));
      assertEquals(1, result.deleted(), "the stale entity is deleted");
      assertTrue(emulator.entity("person", "stale").isEmpty());
      assertTrue(emulator.entity("person", "seen").isPresent());
      assertEquals(3, emulator.entity("person", "live").orElseThrow().path("properties").path("age").asInt(),
          "the live event survives the resync's reconciliation");
    } finally {
      system.terminate();
    }
  }

  private static JsonNode person(String id, int age) {
    return JSON.createObjectNode().put("id", id).put("name", "Person " + id).put("age", age);
  }

  /** Waits (polling the clock) until it is strictly later than {@code t}, so timestamps order the phases. */
  private static Instant after(Instant t) {
    Instant now;
    do {
      now = Instant.now();
    } while (!now.isAfter(t.plusMillis(2)));
    return now;
  }
}

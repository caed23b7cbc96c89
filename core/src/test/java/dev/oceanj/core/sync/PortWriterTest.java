package dev.oceanj.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.EntityOutcome;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The write stage's live-event side against the Port emulator over HTTP: linger, packing, order, the digest store. */
class PortWriterTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String BULK = "POST /v1/blueprints/{bp}/entities/bulk";
  /** Long enough that every upsert of a test is issued before the first batch's linger ends. */
  static final Duration LINGER = Duration.ofSeconds(1);

  PortEmulator emulator;
  HttpPortClient port;
  final LiveWrites liveWrites = new LiveWrites();
  final DigestStore digests = new DigestStore();
  PortWriter writer;

  @BeforeEach
  void start() throws Exception {
    emulator = PortEmulator.start(EmulatorSettings.defaults());
    port = HttpPortClient.create(PortClientSettings.of(URI.create(emulator.baseUrl()),
            EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET),
        new PortIdentity("fake", "0.1.0", "port-writer"), WriteLimiter.unlimited());
    port.createBlueprint(JSON.readTree("{\"identifier\":\"person\",\"title\":\"Person\",\"schema\":{\"properties\":"
        + "{\"pad\":{\"type\":\"string\"}},\"required\":[]},\"relations\":{}}")).toCompletableFuture().join();
    liveWrites.attach(digests);
    writer = PortWriter.forLiveEvents(port, liveWrites, LINGER);
  }

  @AfterEach
  void stop() {
    port.close();
    emulator.close();
  }

  static ObjectNode person(String id, String pad) {
    ObjectNode e = JSON.createObjectNode().put("identifier", id).put("title", "Person " + id);
    e.putObject("properties").put("pad", pad);
    return e;
  }

  static List<EntityOutcome> joined(List<CompletableFuture<EntityOutcome>> writes) throws Exception {
    List<EntityOutcome> out = new ArrayList<>();
    for (CompletableFuture<EntityOutcome> w : writes) {
      out.add(w.get(30, TimeUnit.SECONDS));
    }
    return out;
  }

  @Test
  void concurrentUpsertsShareBulkRequestsOfAtMostTwenty() throws Exception {
    List<CompletableFuture<EntityOutcome>> writes = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      writes.add(writer.upsert("person", person("p" + i, "x"), "p" + i, UpsertOptions.defaults()));
    }
    List<EntityOutcome> out = joined(writes);
    assertTrue(out.stream().allMatch(EntityOutcome::ok), out.toString());
    assertEquals("p7", out.get(7).identifier(), "each caller gets its own entity's outcome");
    assertEquals(45, emulator.entities("person").size());
    assertEquals(3, emulator.counters().requests(BULK), "45 concurrent upserts: 20 + 20 + 5");
  }

  @Test
  void twoUpsertsOfOneEntityNeverShareARequestAndLandInOrder() throws Exception {
    var first = writer.upsert("person", person("same", "first"), "same", UpsertOptions.defaults());
    var other = writer.upsert("person", person("other", "x"), "other", UpsertOptions.defaults());
    var second = writer.upsert("person", person("same", "second"), "same", UpsertOptions.defaults());
    List<EntityOutcome> out = joined(List.of(first, other, second));
    assertTrue(out.stream().allMatch(EntityOutcome::ok), out.toString());
    assertEquals(2, emulator.counters().requests(BULK), "the second upsert of 'same' waits for the next request");
    assertEquals("second", emulator.entity("person", "same").orElseThrow().path("properties").path("pad").asText());
  }

  @Test
  void requestsStayWithinPortsByteLimit() throws Exception {
    String pad = "y".repeat(200_000); // five of these fill a request of 1 MiB
    List<CompletableFuture<EntityOutcome>> writes = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      writes.add(writer.upsert("person", person("big" + i, pad), "big" + i, UpsertOptions.defaults()));
    }
    List<EntityOutcome> out = joined(writes);
    assertTrue(out.stream().allMatch(EntityOutcome::ok), out.toString());
    assertEquals(15, emulator.entities("person").size());
    assertEquals(3, emulator.counters().requests(BULK), "15 entities of 200 kB: three requests of five, no 413");
  }

  @Test
  void liveWritesAndDeletesDropTheDigestSoTheNextResyncWritesAgain() throws Exception {
    long written = KeyHash.key("person", "w");
    long deleted = KeyHash.key("person", "d");
    long refused = KeyHash.key("nope", "r");
    digests.put(written, 1);
    digests.put(deleted, 2);
    digests.put(refused, 3);

    assertTrue(writer.upsert("person", person("w", "x"), "w", UpsertOptions.defaults()).get(30, TimeUnit.SECONDS).ok());
    assertFalse(writer.delete("person", "d", false).toCompletableFuture().get(30, TimeUnit.SECONDS));
    EntityOutcome unknownBlueprint = writer.upsert("nope", person("r", "x"), "r", UpsertOptions.defaults())
        .get(30, TimeUnit.SECONDS);

    assertFalse(unknownBlueprint.ok(), unknownBlueprint.toString());
    assertFalse(digests.unchanged(written, 1));
    assertFalse(digests.unchanged(deleted, 2));
    assertFalse(digests.unchanged(refused, 3), "whatever Port answered");
  }
}

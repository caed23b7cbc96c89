package dev.oceanj.runtime.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.OceanRuntime;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.testsupport.TestPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The sync status, heartbeats and logs oceanj reports to Port's ingest endpoints (the emulator's), for one resync of
 * the fake integration: the figures equal the resync's own counters on {@code /status}, heartbeats come at the
 * configured cadence with the resync's id, and a secret an integration logs arrives masked.
 */
class TelemetryEndToEndTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dataDir;
  PortEmulator port;
  OceanRuntime runtime;

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    if (port != null) {
      port.close();
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    dev.oceanj.testsupport.Await.until(what, WAIT, condition);
  }

  JsonNode status() {
    try {
      return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + runtime.httpPort().orElseThrow() + "/status")).build(), HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  /** The {@code __runtime__} event that closes resync {@code id}, or null. */
  static JsonNode finalRuntime(JsonNode ingested, String id) {
    for (JsonNode call : ingested.path("syncMetrics")) {
      for (JsonNode e : call.path("body").path("syncKindsMetrics")) {
        if (e.path("kindIdentifier").asText().equals("__runtime__") && e.path("eventId").asText().equals(id)
            && !e.path("syncState").asText().equals("syncing")) {
          return e;
        }
      }
    }
    return null;
  }

  @Test
  void oneResyncsFiguresHeartbeatsAndMaskedLogsReachPort() throws Exception {
    port = TestPort.start("test-id", "test-secret");
    Map<String, String> env = new HashMap<>();
    env.putAll(TestPort.env(port));
    env.put("OCEAN__HTTP__PORT", "0");
    env.put("OCEAN__DATA_DIR", dataDir.toString());
    env.put("OCEAN__EVENT_LISTENER__TYPE", "POLLING");
    env.put("OCEAN__EVENT_LISTENER__INTERVAL", "3600");
    env.put("OCEAN__STATUS_HEARTBEAT_INTERVAL_SECONDS", "0.2");
    // A resync of some seconds: 10 pages of persons, each answered after 300 ms.
    env.put("OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE", "10");
    env.put("OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS", "300");
    IntegrationSpec spec = IntegrationSpec.fromClasspath(getClass().getClassLoader(),
        IntegrationResources.CLASSPATH_ROOT + "fake/.port").orElseThrow();
    runtime = OceanRuntime.start(SettingsLoader.create().environment(env).spec(spec).load(), line -> { });

    // An integration logs a secret while it runs.
    LoggerFactory.getLogger("dev.oceanj.integrations.fake.FakeOrgClient")
        .info("calling the API with token ghp_abcdefghijklmnopqrstuvwxyz0123 and client secret test-secret");

    await("the first resync to finish", () -> status().path("last").path("resyncId").isTextual());
    JsonNode last = status().path("last");
    String id = last.path("resyncId").asText();
    await("the resync's final __runtime__ metrics", () -> finalRuntime(port.ingested(), id) != null);
    JsonNode ingested = port.ingested();

    // Sync metrics: the sequence, and the final figures of every kind equal the resync's own counters.
    List<String> sequence = new ArrayList<>();
    Map<String, JsonNode> lastPerKind = new HashMap<>();
    for (JsonNode call : ingested.path("syncMetrics")) {
      JsonNode body = call.path("body");
      List<JsonNode> events = new ArrayList<>();
      body.path("syncKindsMetrics").forEach(events::add);
      if (body.has("syncKindMetrics")) {
        events.add(body.path("syncKindMetrics"));
        assertEquals("/syncMetrics/resync/" + id + "/kind/" + body.path("syncKindMetrics").path("kindIdentifier")
            .asText(), call.path("path").asText());
      }
      for (JsonNode e : events) {
        assertEquals(id, e.path("eventId").asText(), e.toString());
        assertEquals("fake", e.path("integrationType").asText());
        assertEquals("my-fake-integration", e.path("integrationIdentifier").asText());
        assertEquals("single_process", e.path("executionMode").asText());
        sequence.add(call.path("method").asText() + " " + e.path("kindIdentifier").asText() + " "
            + e.path("syncState").asText());
        lastPerKind.put(e.path("kindIdentifier").asText(), e);
      }
    }
    assertEquals("POST fake-department-0 pending", sequence.get(0), sequence.toString());
    assertEquals("POST __runtime__ syncing", sequence.get(last.path("kinds").size()), sequence.toString());
    assertEquals("POST __runtime__ completed", sequence.get(sequence.size() - 1), sequence.toString());
    assertTrue(sequence.contains("PUT __reconciliation__ completed"), sequence.toString());
    for (JsonNode k : last.path("kinds")) {
      String kindId = k.path("kind").asText() + "-" + k.path("index").asInt();
      JsonNode e = lastPerKind.get(kindId);
      assertEquals("completed", e.path("syncState").asText(), e.toString());
      assertEquals(k.path("kind").asText(), e.path("kind").asText());
      assertEquals(k.path("index").asInt(), e.path("kindIndex").asInt());
      assertEquals("\"" + k.path("kind").asText() + "\"", e.path("blueprint").asText(), e.toString());
      JsonNode phase = e.path("metrics").path("phase");
      assertEquals(k.path("fetched").asDouble(), count(phase, "extract", "raw_extracted"), kindId);
      assertEquals(k.path("mapped").asDouble(), count(phase, "transform", "transformed"), kindId);
      assertEquals(k.path("filteredOut").asDouble(), count(phase, "transform", "filtered_out"), kindId);
      assertEquals(k.path("upserted").asDouble(), count(phase, "load", "loaded"), kindId);
      assertEquals(k.path("unchanged").asDouble(), count(phase, "load", "skipped"), kindId);
      assertEquals(k.path("failed").asDouble(), count(phase, "load", "failed"), kindId);
      assertEquals(1.0, phase.path("resync").path("success").asDouble(), kindId);
    }
    assertEquals(100.0, count(lastPerKind.get("fake-person-1").path("metrics").path("phase"), "load", "loaded"));
    JsonNode runtimeEnd = finalRuntime(ingested, id);
    assertEquals(1.0, runtimeEnd.path("metrics").path("phase").path("resync").path("success").asDouble());
    assertTrue(runtimeEnd.path("metrics").path("phase").path("resync").path("duration_seconds").asDouble() > 0);

    // Heartbeats: while the resync ran, with its id, about every 200 ms.
    List<Instant> beats = new ArrayList<>();
    for (JsonNode h : ingested.path("heartbeats")) {
      assertEquals(id, h.path("body").path("eventId").asText(), h.toString());
      beats.add(Instant.parse(h.path("receivedAt").asText()));
    }
    double resyncSeconds = runtimeEnd.path("metrics").path("phase").path("resync").path("duration_seconds").asDouble();
    assertTrue(beats.size() >= Math.max(3, (int) (resyncSeconds / 0.2 / 3)),
        beats.size() + " heartbeats in a " + resyncSeconds + " s resync");
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < beats.size(); i++) {
      gaps.add(Duration.between(beats.get(i - 1), beats.get(i)).toMillis());
    }
    gaps.sort(null);
    long median = gaps.get(gaps.size() / 2);
    assertTrue(median >= 100 && median <= 1000, "median gap between heartbeats " + median + " ms: " + gaps);

    // Logs: Ocean's batch shape, and the secret the integration logged arrives masked.
    await("the integration's log line in Port", () -> logMessages(port.ingested()).stream()
        .anyMatch(m -> m.startsWith("calling the API with token")));
    List<String> messages = logMessages(port.ingested());
    String line = messages.stream().filter(m -> m.startsWith("calling the API with token")).findFirst().orElseThrow();
    assertEquals("calling the API with token [REDACTED] and client secret [REDACTED]", line);
    assertFalse(messages.stream().anyMatch(m -> m.contains("test-secret") || m.contains("ghp_abcdef")), "masked");
    JsonNode record = port.ingested().path("logs").get(0).path("body").path("logs").get(0);
    assertTrue(record.path("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"),
        record.toString());
    assertTrue(List.of("INFO", "WARNING", "ERROR", "DEBUG").contains(record.path("level").asText()), record.toString());
    assertTrue(record.path("extra").path("hostname").isTextual() && record.path("extra").path("instance").isTextual());
  }

  static double count(JsonNode phase, String name, String type) {
    return phase.path(name).path("object_count_type").path(type).path("object_count").asDouble(-1);
  }

  static List<String> logMessages(JsonNode ingested) {
    List<String> out = new ArrayList<>();
    for (JsonNode batch : ingested.path("logs")) {
      assertTrue(batch.path("body").path("logs").size() <= 100);
      batch.path("body").path("logs").forEach(l -> out.add(l.path("message").asText()));
    }
    return out;
  }
}

package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.emulator.store.StoredEntity;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What entity writes store and listings send, byte for byte: long strings are copied from the request rather than
 * re-encoded, and listings are sent as the stored bytes, so both must stay exactly Jackson's encoding of the entity.
 */
class StoredJsonTest {

  static final Fixtures.MutableClock CLOCK = new Fixtures.MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
  static final String BULK = "/v1/blueprints/service/entities/bulk?upsert=true&merge=true&create_missing_related_entities=true";
  static final String LONG = "lorem ipsum dolor sit amet consectetur adipiscing elit ".repeat(20);
  @RegisterExtension
  static final EmulatorExtension emulator =
      new EmulatorExtension(EmulatorSettings.defaults().withClock(CLOCK)).withCatalog();
  final PortEmulator port = emulator.port();
  final Api api = emulator.api();

  /** The body exactly as a client wrote it (escapes included), not re-encoded by a mapper in the test. */
  private Api.Resp postRaw(String path, String json) {
    return api.post(path, json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertCanonical(StoredEntity e) {
    // Stored bytes must be what Jackson writes for their own tree: nothing copied from a request may differ.
    assertArrayEquals(Json.bytes(Json.object(e.json())), e.json(), e.jsonText());
  }

  @Test
  void longStringsAreStoredAsJacksonWritesThem() {
    String escaped = "tab\\there \\\"quoted\\\" \\u00e9 \\ud83d\\ude00 " + LONG;
    String body = "{\"entities\":["
        + "{\"identifier\":\"plain\",\"title\":\"" + LONG + "\",\"properties\":{\"language\":\"go\",\"meta\":{\"text\":\"" + LONG + "\"},"
        + "\"tags\":[\"" + LONG + "\",\"short\"]}},"
        + "{\"identifier\":\"unicode\",\"properties\":{\"language\":\"go\",\"meta\":{\"bmp\":\"ünïcödé 日本語 " + LONG + "\","
        + "\"astral\":\"😀 " + LONG + "\",\"escaped\":\"" + escaped + "\",\"slash\":\"a\\/b " + LONG + "\"}}}]}";
    var r = postRaw(BULK, body);
    assertEquals(200, r.status(), r.toString());
    for (String id : new String[] {"plain", "unicode"}) {
      StoredEntity e = port.store().entity("service", id);
      assertCanonical(e);
      assertEquals(Json.object(e.json()), api.get("/v1/blueprints/service/entities/" + id).body().get("entity"));
    }
    JsonNode meta = port.entity("service", "unicode").orElseThrow().at("/properties/meta");
    assertEquals("ünïcödé 日本語 " + LONG, meta.get("bmp").asText());
    assertEquals("😀 " + LONG, meta.get("astral").asText());
    assertEquals("tab\there \"quoted\" é 😀 " + LONG, meta.get("escaped").asText());
    assertEquals("a/b " + LONG, meta.get("slash").asText());
    assertEquals(LONG, port.entity("service", "plain").orElseThrow().get("title").asText());
    assertTrue(new String(port.store().entity("service", "unicode").json(), StandardCharsets.UTF_8)
        .contains("\\uD83D\\uDE00"), "characters beyond the BMP are written as Jackson writes them");
  }

  @Test
  void mergeKeepsStoredLongStringsExactly() {
    assertEquals(200, postRaw(BULK, "{\"entities\":[{\"identifier\":\"m\",\"properties\":{\"language\":\"go\","
        + "\"meta\":{\"text\":\"" + LONG + "\"}}}]}").status());
    CLOCK.advance(1000);
    assertEquals(200, postRaw(BULK, "{\"entities\":[{\"identifier\":\"m\",\"properties\":{\"replicas\":3}}]}").status());
    StoredEntity e = port.store().entity("service", "m");
    assertCanonical(e);
    JsonNode stored = Json.object(e.json());
    assertEquals(LONG, stored.at("/properties/meta/text").asText());
    assertEquals(3, stored.at("/properties/replicas").asInt());
  }

  @Test
  void bulkMixingValidAndInvalidLongStringEntitiesAnswersPerEntity() {
    String body = "{\"entities\":["
        + "{\"identifier\":\"ok-1\",\"properties\":{\"language\":\"go\",\"meta\":{\"t\":\"" + LONG + "\"}}},"
        + "{\"identifier\":\"bad-url\",\"properties\":{\"language\":\"go\",\"url\":\"" + LONG + "\"}},"
        + "{\"identifier\":\"bad-enum\",\"properties\":{\"language\":\"" + LONG + "\"}},"
        + "{\"identifier\":\"" + "x".repeat(1001) + "\",\"properties\":{\"language\":\"go\"}},"
        + "{\"identifier\":\"ok-2\",\"title\":\"" + LONG + "\",\"properties\":{\"language\":\"java\",\"owner\":\"a@b.io\"}}]}";
    var r = postRaw(BULK, body);
    assertEquals(207, r.status(), r.toString());
    JsonNode ok = r.body().get("entities");
    assertEquals(2, ok.size());
    assertEquals(Api.parse("{'index':0,'identifier':'ok-1','created':true,'additionalData':null}"), ok.get(0));
    assertEquals(Api.parse("{'index':4,'identifier':'ok-2','created':true,'additionalData':null}"), ok.get(1));
    JsonNode errors = r.body().get("errors");
    assertEquals(3, errors.size());
    assertEquals(1, errors.get(0).get("index").asInt());
    assertEquals("bad-url", errors.get(0).get("identifier").asText());
    assertTrue(errors.get(0).get("message").asText().contains("\"url\""), errors.toString());
    assertEquals(2, errors.get(1).get("index").asInt());
    assertTrue(errors.get(1).get("message").asText().contains("must be one of"), errors.toString());
    assertEquals(3, errors.get(2).get("index").asInt());
    assertTrue(errors.get(2).get("message").asText().contains("longer than 1000"), errors.toString());
    for (JsonNode err : errors) {
      assertEquals(422, err.get("statusCode").asInt());
    }
    assertEquals(2, port.store().count("service"));
    assertCanonical(port.store().entity("service", "ok-1"));
    assertCanonical(port.store().entity("service", "ok-2"));
  }

  @Test
  void invalidJsonStillGetsJacksonsMessage() {
    var r = postRaw(BULK, "{\"entities\":[{\"identifier\":\"x\",}]}");
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.body().get("message").asText().startsWith("request body is not valid JSON: Unexpected character"), r.toString());
  }

  @Test
  void listingsSendTheStoredBytesInExactEnvelopes() throws Exception {
    for (int i = 0; i < 5; i++) {
      postRaw(BULK, "{\"entities\":[{\"identifier\":\"l" + i + "\",\"properties\":{\"language\":\"go\",\"meta\":{\"t\":\""
          + LONG + "\"}}}]}");
    }
    StringBuilder all = new StringBuilder("{\"ok\":true,\"entities\":[");
    for (int i = 0; i < 5; i++) {
      all.append(i == 0 ? "" : ",").append(port.store().entity("service", "l" + i).jsonText());
    }
    assertEquals(all + "]}", rawGet("/v1/blueprints/service/entities"));
    // Pages of two: the cursor goes after the last entity examined; the last page has none left after it.
    String first = rawPost("/v1/blueprints/entities/datasource-entities", "{\"datasource_prefix\":\"port-ocean/\",\"limit\":2}");
    ObjectNode p1 = (ObjectNode) Json.parseBody(first.getBytes(StandardCharsets.UTF_8));
    assertEquals(2, p1.get("entities").size());
    assertEquals("{\"ok\":true,\"entities\":[" + port.store().entity("service", "l0").jsonText() + ","
        + port.store().entity("service", "l1").jsonText() + "],\"next\":\"" + p1.get("next").asText() + "\"}", first);
    String second = rawPost("/v1/blueprints/entities/datasource-entities",
        "{\"datasource_prefix\":\"port-ocean/\",\"limit\":2,\"from\":\"" + p1.get("next").asText() + "\"}");
    ObjectNode p2 = (ObjectNode) Json.parseBody(second.getBytes(StandardCharsets.UTF_8));
    String third = rawPost("/v1/blueprints/entities/datasource-entities",
        "{\"datasource_prefix\":\"port-ocean/\",\"limit\":2,\"from\":\"" + p2.get("next").asText() + "\"}");
    assertEquals("{\"ok\":true,\"entities\":[" + port.store().entity("service", "l4").jsonText() + "],\"next\":null}", third);
    // A page that is exactly full at the end of the listing says so: no cursor to an empty page.
    String exact = rawPost("/v1/blueprints/entities/datasource-entities", "{\"datasource_prefix\":\"port-ocean/\",\"limit\":5}");
    assertTrue(exact.endsWith("],\"next\":null}"), exact.substring(exact.length() - 40));
    assertEquals(5, Json.parseBody(exact.getBytes(StandardCharsets.UTF_8)).get("entities").size());
    assertEquals("{\"ok\":true,\"entities\":[],\"next\":null}",
        rawPost("/v1/blueprints/entities/datasource-entities", "{\"datasource_prefix\":\"nobody/\"}"));
  }

  private String rawGet(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(api.base + path)).GET());
  }

  private String rawPost(String path, String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(api.base + path)).POST(HttpRequest.BodyPublishers.ofString(json))
        .header("Content-Type", "application/json"));
  }

  private String send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = api.http.send(b.header("Authorization", "Bearer " + api.token).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }
}

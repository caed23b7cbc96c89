package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ownership listing the resync reconciles through, over 12,000 entities. */
class DatasourceListingTest {

  static final Fixtures.MutableClock CLOCK = new Fixtures.MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
  static final String MINE = "port-ocean/fake/0.1.0/mine/exporter";
  static final String OTHER = "port-ocean/fake/0.1.0/other/exporter";
  @RegisterExtension
  static final EmulatorExtension emulator =
      EmulatorExtension.sharedState(EmulatorSettings.defaults().withClock(CLOCK)).withCatalog();
  static Api api;
  static String before;

  @BeforeAll
  static void load() {
    api = emulator.api();
    // 8,000 old entities of mine, 2,000 of another integration, then (after `before`) 2,000 fresh ones of mine.
    write(0, 8000, MINE);
    write(8000, 10000, OTHER);
    CLOCK.advance(10);
    before = Instant.ofEpochMilli(CLOCK.millis()).toString();
    CLOCK.advance(10);
    write(10000, 12000, MINE);
  }

  static String id(int i) {
    // Not in write order, so the listing order is the server's doing.
    return "svc-" + Integer.toString((i * 7919) % 12000 + 100000, 36);
  }

  static void write(int from, int to, String ua) {
    List<CompletableFuture<HttpResponse<String>>> inflight = new ArrayList<>();
    for (int start = from; start < to; start += 20) {
      ArrayNode batch = Api.JSON.createArrayNode();
      for (int i = start; i < Math.min(to, start + 20); i++) {
        batch.add(Fixtures.service(id(i), "go"));
      }
      HttpRequest req = HttpRequest.newBuilder(URI.create(api.base + "/v1/blueprints/service/entities/bulk?upsert=true"))
          .header("Authorization", "Bearer " + api.token).header("User-Agent", ua).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(Api.obj("entities", batch).toString())).build();
      inflight.add(api.http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
      if (inflight.size() == 16) {
        inflight.forEach(f -> assertEquals(200, f.join().statusCode()));
        inflight.clear();
      }
    }
    inflight.forEach(f -> assertEquals(200, f.join().statusCode()));
  }

  static JsonNode page(String from, int limit, String beforeIso) {
    var body = Api.obj("datasource_prefix", "port-ocean/fake/", "datasource_suffix", "/mine/exporter", "limit", limit);
    if (beforeIso != null) {
      body.put("before", beforeIso);
    }
    if (from != null) {
      body.put("from", from);
    }
    var r = api.post("/v1/blueprints/entities/datasource-entities", body);
    assertEquals(200, r.status(), r.toString());
    return r.body();
  }

  @Test
  void pagesThroughOwnedEntitiesUpdatedBeforeTheCutoffInIdentifierOrder() {
    Set<String> seen = new HashSet<>();
    String cursor = null;
    String last = "";
    int pages = 0;
    do {
      JsonNode p = page(cursor, 1000, before);
      for (JsonNode e : p.get("entities")) {
        String id = e.get("identifier").asText();
        assertTrue(id.compareTo(last) > 0, "identifier order: " + last + " then " + id);
        last = id;
        assertTrue(seen.add(id), "listed twice: " + id);
        assertEquals("service", e.get("blueprint").asText());
      }
      cursor = p.get("next").isNull() ? null : p.get("next").asText();
      pages++;
    } while (cursor != null);
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 8000; i++) {
      expected.add(id(i));
    }
    assertEquals(expected, seen);
    assertTrue(pages >= 8, "paged, not one blob: " + pages);
  }

  @Test
  void withoutBeforeListsEveryOwnedEntity() {
    int count = 0;
    String cursor = null;
    do {
      JsonNode p = page(cursor, 5000, null);
      count += p.get("entities").size();
      cursor = p.get("next").isNull() ? null : p.get("next").asText();
    } while (cursor != null);
    assertEquals(10000, count);
  }

  @Test
  void cursorStaysValidWhileEntitiesAreWritten() {
    JsonNode first = page(null, 500, before);
    String cursor = first.get("next").asText();
    assertNotNull(cursor);
    Set<String> seen = new HashSet<>();
    first.get("entities").forEach(e -> seen.add(e.get("identifier").asText()));
    // New entities sort before and after the cursor; they are after `before`, so they never show up.
    api.post("/v1/blueprints/service/entities/bulk?upsert=true",
        Fixtures.bulk(Fixtures.service("0000-early", "go"), Fixtures.service("zzzz-late", "go")));
    while (cursor != null) {
      JsonNode p = page(cursor, 2000, before);
      p.get("entities").forEach(e -> assertTrue(seen.add(e.get("identifier").asText())));
      cursor = p.get("next").isNull() ? null : p.get("next").asText();
    }
    assertEquals(8000, seen.size());
  }

  @Test
  void rejectsBadArguments() {
    var tooMany = api.post("/v1/blueprints/entities/datasource-entities", Api.obj("limit", 5001));
    assertEquals(422, tooMany.status());
    var badBefore = api.post("/v1/blueprints/entities/datasource-entities", Api.obj("before", "yesterday"));
    assertEquals(422, badBefore.status());
    assertTrue(badBefore.body().get("message").asText().contains("before"));
    var badCursor = api.post("/v1/blueprints/entities/datasource-entities", Api.obj("from", "!!!"));
    assertEquals(422, badCursor.status());
  }
}

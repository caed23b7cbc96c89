package dev.oceanj.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.ResyncState;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.port.StubPort.Answer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pins the client's transport behaviours against a tiny loopback server. */
class HttpPortClientTest {

  private static final ObjectMapper M = new ObjectMapper();
  private static final PortIdentity ID = new PortIdentity("fake", "1.2.3", "my-fake");

  private StubPort port;
  private WriteLimiter limiter;
  private HttpPortClient client;

  @BeforeEach
  void start() throws Exception {
    port = new StubPort();
    limiter = WriteLimiter.unlimited();
    client = HttpPortClient.create(settings(), ID, limiter);
  }

  @AfterEach
  void stop() {
    client.close();
    limiter.close();
    port.close();
  }

  private PortClientSettings settings() {
    return PortClientSettings.of(port.baseUrl(), "cid", "super-secret-value")
        .withRetry(new PortSettings.Retry(4, Duration.ofMillis(10), Duration.ofSeconds(3), 0.1))
        .withRateLimit(new PortSettings.RateLimit(false, 35_000, 3_500, 0.2));
  }

  private static <T> T join(CompletionStage<T> s) {
    return s.toCompletableFuture().join();
  }

  private static ObjectNode entity(String id) {
    ObjectNode e = M.createObjectNode().put("identifier", id).put("title", "T " + id);
    e.putObject("properties").put("n", 1);
    return e;
  }

  private static List<ObjectNode> entities(int n, int padding) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ObjectNode e = entity("e-" + i);
      ((ObjectNode) e.get("properties")).put("pad", "x".repeat(padding));
      out.add(e);
    }
    return out;
  }

  /** Answers a bulk upsert with every entity created. */
  private static Answer bulkOk(StubPort.Request r) {
    try {
      JsonNode body = M.readTree(r.body());
      StringBuilder sb = new StringBuilder("{\"ok\":true,\"entities\":[");
      for (int i = 0; i < body.get("entities").size(); i++) {
        sb.append(i > 0 ? "," : "").append("{\"index\":").append(i).append(",\"identifier\":")
            .append(body.get("entities").get(i).get("identifier")).append(",\"created\":true}");
      }
      return Answer.json(200, sb.append("],\"errors\":[]}").toString());
    } catch (Exception e) {
      return Answer.json(400, "{}");
    }
  }

  private static int entityCount(StubPort.Request r) {
    try {
      return M.readTree(r.body()).get("entities").size();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void retryAfterIsHonouredBeforeTheRetry() {
    AtomicInteger calls = new AtomicInteger();
    port.answer(r -> calls.incrementAndGet() == 1
        ? Answer.json(429, "{\"error\":\"rate_limit\"}").with("Retry-After", "1")
        : Answer.json(200, "{\"organization\":{\"id\":\"org1\",\"featureFlags\":[\"A\"]}}"));

    var org = join(client.organization());

    assertEquals("org1", org.id());
    List<StubPort.Request> api = port.apiRequests();
    assertEquals(2, api.size());
    long gapMs = (api.get(1).atNanos() - api.get(0).atNanos()) / 1_000_000;
    assertTrue(gapMs >= 950, "retry came " + gapMs + " ms after the 429, Retry-After said 1 s");
    assertEquals(1, client.stats().throttled());
  }

  @Test
  void unauthorizedRefreshesTheTokenAndRebuildsTheRequest() {
    port.answer(r -> "Bearer tok-1".equals(r.header("Authorization"))
        ? Answer.json(401, "{\"error\":\"unauthorized\",\"message\":\"token expired\"}")
        : Answer.json(200, "{\"entity\":{\"identifier\":\"a\"}}"));

    ObjectNode out = join(client.upsertEntity("svc", entity("a"), UpsertOptions.defaults()));

    assertEquals("a", out.get("identifier").asText());
    assertEquals(2, port.tokensIssued.get());
    List<StubPort.Request> api = port.apiRequests();
    assertEquals(List.of("Bearer tok-1", "Bearer tok-2"), api.stream().map(r -> r.header("Authorization")).toList());
    assertEquals(1, client.stats().unauthorized());
  }

  @Test
  void concurrentCallersShareOneTokenFetch() {
    port.answer(r -> Answer.json(200, "{\"organization\":{\"id\":\"o\"}}"));
    List<CompletionStage<?>> calls = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      calls.add(client.organization());
    }
    calls.forEach(HttpPortClientTest::join);
    assertEquals(1, port.tokensIssued.get());
  }

  @Test
  void aContinuationWaitingForAnotherRequestDoesNotStallIt() throws Exception {
    port.answer(r -> Answer.json(200, "{\"organization\":{\"id\":\"o\"}}"));
    try (HttpPortClient single = HttpPortClient.create(settings().withMaxConnections(1), ID, limiter)) {
      // Continuations run on the I/O thread that read the answer; one that blocks must not hold up the next exchange,
      // even with a single connection.
      String chained = single.organization()
          .thenApply(o -> Thread.currentThread().getName() + " then " + join(single.organization()).id())
          .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);

      assertTrue(chained.startsWith("oceanj-port-io-"), chained);
      assertTrue(chained.endsWith(" then o"), chained);
    }
  }

  @Test
  void tooLargeBatchIsSplitAfter413() {
    port.answer(r -> entityCount(r) > 5 ? Answer.json(413, "{\"error\":\"payload_too_large\"}") : bulkOk(r));

    var result = join(client.bulkUpsert("svc", entities(20, 10), UpsertOptions.defaults()));

    assertEquals(20, result.outcomes().size());
    assertTrue(result.outcomes().stream().allMatch(PortClient.EntityOutcome::ok), result.toString());
    for (int i = 0; i < 20; i++) {
      assertEquals(i, result.outcomes().get(i).index());
      assertEquals("e-" + i, result.outcomes().get(i).identifier());
    }
    List<Integer> accepted = port.apiRequests().stream().map(HttpPortClientTest::entityCount).filter(n -> n <= 5).toList();
    assertEquals(20, accepted.stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void singleEntity413IsReportedForThatEntityOnly() {
    port.answer(r -> r.body().contains("\"e-3\"") ? Answer.json(413, "{\"error\":\"payload_too_large\",\"message\":\"too big\"}")
        : bulkOk(r));

    var result = join(client.bulkUpsert("svc", entities(8, 10), UpsertOptions.defaults()));

    for (var o : result.outcomes()) {
      assertEquals(o.index() != 3, o.ok(), o.toString());
    }
    assertEquals(413, result.outcomes().get(3).error().orElseThrow().statusCode());
    assertEquals("too big", result.outcomes().get(3).error().orElseThrow().message());
  }

  @Test
  void bulkIsPackedByCountAndByRealSerializedBytes() throws Exception {
    port.answer(HttpPortClientTest::bulkOk);
    try (HttpPortClient small = HttpPortClient.create(settings(), ID, limiter, 4_000)) {
      // Each entity serializes to ~1,060 bytes: three fit under 4,000, four do not.
      var result = join(small.bulkUpsert("svc", entities(10, 1_000), UpsertOptions.defaults()));
      assertTrue(result.outcomes().stream().allMatch(PortClient.EntityOutcome::ok));
      for (var r : port.apiRequests()) {
        assertTrue(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 4_000);
        assertTrue(entityCount(r) <= 3);
      }
      assertEquals(10, port.apiRequests().stream().mapToInt(HttpPortClientTest::entityCount).sum());
    }
    port.requests.clear();
    var result = join(client.bulkUpsert("svc", entities(45, 10), UpsertOptions.defaults()));
    assertEquals(45, result.outcomes().size());
    assertEquals(List.of(20, 20, 5),
        port.apiRequests().stream().map(HttpPortClientTest::entityCount).sorted((a, b) -> b - a).toList());
  }

  @Test
  void anEntityAboveTheBodyLimitIsRejectedWithoutSending() {
    port.answer(HttpPortClientTest::bulkOk);
    try (HttpPortClient small = HttpPortClient.create(settings(), ID, limiter, 2_000)) {
      List<ObjectNode> es = entities(3, 10);
      ((ObjectNode) es.get(1).get("properties")).put("huge", "y".repeat(3_000));
      var result = join(small.bulkUpsert("svc", es, UpsertOptions.defaults()));
      assertTrue(result.outcomes().get(0).ok());
      assertFalse(result.outcomes().get(1).ok());
      assertEquals(413, result.outcomes().get(1).error().orElseThrow().statusCode());
      assertTrue(result.outcomes().get(2).ok());
      assertFalse(port.apiRequests().stream().anyMatch(r -> r.body().contains("yyyy")));
    }
  }

  @Test
  void mixedBulkAnswerIsMappedByIndex() {
    port.answer(r -> Answer.json(207, "{\"ok\":false,\"entities\":[{\"index\":0,\"identifier\":\"e-0\",\"created\":true},"
        + "{\"index\":2,\"identifier\":\"e-2\",\"created\":false}],\"errors\":[{\"index\":1,\"identifier\":\"e-1\","
        + "\"statusCode\":422,\"error\":\"invalid_entity\",\"message\":\"bad prop\"}]}"));

    var out = join(client.bulkUpsert("svc", entities(3, 1), UpsertOptions.defaults())).outcomes();

    assertTrue(out.get(0).ok() && out.get(0).created());
    assertEquals(new PortClient.PortError(422, "invalid_entity", "bad prop"), out.get(1).error().orElseThrow());
    assertTrue(out.get(2).ok() && !out.get(2).created());
  }

  @Test
  void entityWritesCarryTheExporterUserAgentAndFlags() {
    port.answer(r -> r.path().endsWith("/bulk") ? bulkOk(r) : Answer.json(200, "{\"organization\":{\"id\":\"o\"}}"));

    join(client.bulkUpsert("svc", entities(1, 1), new UpsertOptions(false, true, true)));
    join(client.organization());

    StubPort.Request write = port.apiRequests().get(0);
    assertEquals("port-ocean/fake/1.2.3/my-fake/exporter", write.header("User-Agent"));
    assertEquals("/v1/blueprints/svc/entities/bulk", write.path());
    assertEquals("upsert=true&merge=false&create_missing_related_entities=true&validation_only=true", write.query());
    assertEquals("port-ocean/fake/1.2.3/my-fake", port.apiRequests().get(1).header("User-Agent"));
  }

  @Test
  void serverErrorsAreRetriedForUpsertsButNeverForPatches() {
    AtomicInteger n = new AtomicInteger();
    port.answer(r -> n.incrementAndGet() <= 2 ? Answer.json(503, "{}") : bulkOk(r));
    assertTrue(join(client.bulkUpsert("svc", entities(2, 1), UpsertOptions.defaults())).outcomes().get(1).ok());
    assertEquals(3, port.apiRequests().size());

    port.requests.clear();
    port.answer(r -> Answer.json(503, "{\"error\":\"unavailable\"}").with("x-trace-id", "trace-77"));
    var e = assertThrows(CompletionException.class,
        () -> join(client.patchResyncState(new ResyncState("running", null, null, null, 60))));
    PortApiException pe = assertInstanceOf(PortApiException.class, e.getCause());
    assertEquals(1, port.apiRequests().size());
    assertEquals(503, pe.status());
    assertEquals("PATCH", pe.method());
    assertEquals("/v1/integration/my-fake/resync-state", pe.path());
    assertEquals("trace-77", pe.traceId().orElseThrow());
    assertTrue(pe.body().contains("unavailable"));
  }

  @Test
  void exhaustedRetriesFailWithTheLastAnswer() {
    port.answer(r -> Answer.json(502, "{\"error\":\"bad_gateway\"}"));
    var e = assertThrows(CompletionException.class, () -> join(client.getBlueprint("svc")));
    assertEquals(502, ((PortApiException) e.getCause()).status());
    assertEquals(5, port.apiRequests().size(), "1 send + 4 retries");
  }

  @Test
  void resyncStateUsesPortsWireNames() throws Exception {
    port.answer(r -> Answer.json(200, "{\"integration\":{}}"));
    Instant t = Instant.parse("2026-01-02T03:04:05Z");
    join(client.patchResyncState(new ResyncState("completed", t, t, null, 60)));
    JsonNode body = M.readTree(port.apiRequests().get(0).body());
    assertEquals(60, body.get("intervalInMinuets").asInt());
    assertEquals("2026-01-02T03:04:05Z", body.get("lastResyncStart").asText());
    assertFalse(body.has("nextResync"));
    assertFalse(body.has("intervalInMinutes"));
  }

  @Test
  void secretsNeverShowInErrorsOrToString() {
    port.denyTokens();

    var e = assertThrows(CompletionException.class, () -> join(client.organization()));

    PortApiException pe = assertInstanceOf(PortApiException.class, e.getCause());
    assertEquals(401, pe.status());
    assertEquals("/v1/auth/access_token", pe.path());
    assertEquals(1, port.requests.size(), "a rejected token request is not retried");
    assertFalse(pe.getMessage().contains("super-secret-value"), pe.getMessage());
    assertFalse(pe.body().contains("super-secret-value"));
    assertFalse(settings().toString().contains("super-secret-value"));
    assertTrue(port.requests.get(0).body().contains("super-secret-value"), "the secret did go to the token endpoint");
  }

  @Test
  void notFoundReadsAreEmpty() {
    port.answer(r -> Answer.json(404, "{\"ok\":false,\"error\":\"not_found\"}"));
    assertTrue(join(client.getEntity("svc", "a/b c")).isEmpty());
    assertTrue(join(client.getIntegration()).isEmpty());
    assertFalse(join(client.deleteEntity("svc", "x", false)));
    assertEquals("/v1/blueprints/svc/entities/a%2Fb%20c", port.apiRequests().get(0).path());
  }

  @Test
  void connectionRefusedFailsWithStatusZeroAfterRetries() throws Exception {
    java.net.URI dead;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = java.net.URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
    try (HttpPortClient c = HttpPortClient.create(PortClientSettings.of(dead, "cid", "sec")
        .withRetry(new PortSettings.Retry(2, Duration.ofMillis(5), Duration.ofMillis(20), 0.0)), ID, limiter)) {
      var e = assertThrows(CompletionException.class, () -> join(c.organization()));
      PortApiException pe = assertInstanceOf(PortApiException.class, e.getCause());
      assertEquals(0, pe.status());
      assertEquals("/v1/auth/access_token", pe.path());
      assertNull(pe.traceId().orElse(null));
      assertFalse(pe.getMessage().contains("sec\""));
    }
  }
}

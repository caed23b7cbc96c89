package dev.oceanj.integrations.pagerduty.fakeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakePagerDutyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN = "Token token=fake-pd-token";
  private static FakePagerDuty pd;

  @BeforeAll
  static void start() throws IOException {
    pd = FakePagerDuty.start(FakePagerDutySettings.builder().build());
  }

  @AfterAll
  static void stop() {
    pd.close();
  }

  @BeforeEach
  void reset() {
    pd.reset();
  }

  private static HttpResponse<String> call(FakePagerDuty fake, String method, String path, String auth, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.baseUri() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response = call(pd, "GET", path, TOKEN, null);
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  @Test
  void incidentsPageClassicallyFilterByStatusAndExpandIncludes() throws Exception {
    List<JsonNode> open = new ArrayList<>();
    for (int offset = 0; ; ) {
      JsonNode page = get("/incidents?offset=" + offset + "&limit=7&statuses[]=triggered&statuses[]=acknowledged"
          + "&include[]=assignees&include[]=first_trigger_log_entries");
      page.get("incidents").forEach(open::add);
      assertEquals(7, page.get("limit").asInt());
      assertTrue(page.get("total").isNull());
      if (!page.get("more").asBoolean()) {
        break;
      }
      offset += page.get("limit").asInt();
    }
    assertEquals(20, open.size(), "30 incidents, a third of them resolved");
    Set<String> ids = new HashSet<>();
    for (JsonNode incident : open) {
      ids.add(incident.get("id").asText());
      assertTrue(Set.of("triggered", "acknowledged").contains(incident.get("status").asText()));
      assertTrue(incident.at("/assignments/0/assignee/email").asText().endsWith("@example.com"), incident.toString());
      assertFalse(incident.at("/first_trigger_log_entry/agent/summary").asText().isEmpty());
      assertEquals("service_reference", incident.at("/service/type").asText());
      assertTrue(incident.get("html_url").asText().startsWith("https://"));
    }
    assertEquals(20, ids.size(), "no incident twice");
    JsonNode plain = get("/incidents?limit=100&statuses[]=resolved&total=true");
    assertEquals(10, plain.get("total").asInt());
    JsonNode first = plain.get("incidents").get(0);
    assertEquals("trigger_log_entry_reference", first.at("/first_trigger_log_entry/type").asText());
    assertEquals(0, first.get("assignments").size(), "a resolved incident has no assignment");
    assertEquals(25, get("/incidents").get("limit").asInt(), "PagerDuty's default limit");
    assertEquals(100, get("/incidents?limit=500").get("limit").asInt(), "limits are capped at 100");
    HttpResponse<String> bad = call(pd, "GET", "/incidents?statuses[]=open", TOKEN, null);
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("statuses[]"), bad.body());
    assertEquals(400, call(pd, "GET", "/incidents?include[]=nope", TOKEN, null).statusCode());
  }

  @Test
  void incidentListingsFollowChangesMadeAfterTheyWereRead() throws Exception {
    String resolved = "/incidents?limit=100&statuses[]=resolved&total=true&sort_by=created_at:asc";
    JsonNode before = get(resolved);
    assertEquals(10, before.get("total").asInt());
    String open = get("/incidents?limit=1&statuses[]=triggered").at("/incidents/0/id").asText();
    pd.setIncidentStatus(open, "resolved");
    JsonNode after = get(resolved);
    assertEquals(11, after.get("total").asInt(), "the same query again sees the status change");
    List<String> ids = new ArrayList<>();
    after.get("incidents").forEach(i -> ids.add(i.get("id").asText()));
    assertTrue(ids.contains(open), ids.toString());
    String service = pd.ids("services").get(0);
    String created = pd.triggerIncident(service, "Fresh", "high").get("id").asText();
    JsonNode all = get("/incidents?limit=100&total=true&sort_by=created_at:asc");
    assertEquals(31, all.get("total").asInt());
    assertEquals(created, all.at("/incidents/30/id").asText(), "the new incident is the latest");
  }

  @Test
  void theSameSeedGivesTheSameData() throws Exception {
    try (FakePagerDuty twin = FakePagerDuty.start(FakePagerDutySettings.builder().build());
        FakePagerDuty other = FakePagerDuty.start(FakePagerDutySettings.builder().seed(2).build())) {
      String path = "/services?limit=100";
      String mine = call(pd, "GET", path, TOKEN, null).body().replace(pd.baseUri().toString(), "API");
      assertEquals(mine, call(twin, "GET", path, TOKEN, null).body().replace(twin.baseUri().toString(), "API"));
      assertFalse(mine.equals(call(other, "GET", path, TOKEN, null).body().replace(other.baseUri().toString(), "API")));
    }
  }

  @Test
  void classicPaginationStopsAtTheTenThousandOffsetCap() throws Exception {
    try (FakePagerDuty big = FakePagerDuty.start(FakePagerDutySettings.builder().incidents(10_050).build())) {
      assertEquals(10_050, new HashSet<>(big.ids("incidents")).size(), "ids are unique");
      HttpResponse<String> last = call(big, "GET", "/incidents?offset=9900&limit=100", TOKEN, null);
      assertEquals(200, last.statusCode());
      JsonNode page = JSON.readTree(last.body());
      assertEquals(100, page.get("incidents").size());
      assertTrue(page.get("more").asBoolean(), "PagerDuty says there is more, but it cannot be reached");
      HttpResponse<String> beyond = call(big, "GET", "/incidents?offset=10000&limit=100", TOKEN, null);
      assertEquals(400, beyond.statusCode());
      assertTrue(beyond.body().contains("Offset"), beyond.body());
      assertEquals(400, call(big, "GET", "/incidents?offset=9950&limit=51", TOKEN, null).statusCode());
    }
  }

  @Test
  void authAcceptsTheTokenAndTheOAuthBearerAndLogsTheSchemeNeverTheToken() throws Exception {
    HttpResponse<String> none = call(pd, "GET", "/services", null, null);
    assertEquals(401, none.statusCode());
    assertTrue(none.headers().firstValue("ratelimit-remaining").isPresent(), "rate-limit headers on every answer");
    assertEquals(401, call(pd, "GET", "/services", "Bearer fake-pd-token", null).statusCode());
    assertEquals(401, call(pd, "GET", "/services", "Token token=wrong", null).statusCode());
    assertEquals(200, call(pd, "GET", "/services", "Bearer pdfake-oauth-token", null).statusCode());
    HttpResponse<String> ok = call(pd, "GET", "/services", TOKEN, null);
    assertEquals(200, ok.statusCode());
    assertEquals("960", ok.headers().firstValue("ratelimit-limit").orElseThrow());
    assertEquals("955", ok.headers().firstValue("ratelimit-remaining").orElseThrow());
    List<RequestLog.Entry> log = pd.requests(0);
    assertEquals(List.of("none", "bearer", "token", "bearer", "token"), log.stream().map(RequestLog.Entry::auth).toList());
    assertEquals(List.of(false, false, false, true, true), log.stream().map(RequestLog.Entry::authorized).toList());
    String control = call(pd, "GET", "/_control/requests", null, null).body();
    assertFalse(control.contains("fake-pd-token") || control.contains("pdfake-oauth-token"), control);
    assertTrue(control.contains("\"auth\":\"bearer\""), control);
  }

  @Test
  void faultsAnswer429WithRetryAfterAnd5xxBurstsThenRecover() throws Exception {
    HttpResponse<String> added = call(pd, "POST", "/_control/faults",
        null, "{\"path\":\"/incidents\",\"status\":429,\"times\":2,\"retryAfter\":3}");
    assertEquals(201, added.statusCode(), added.body());
    pd.fault("/services", "GET", 503, 1, null, false);
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> limited = call(pd, "GET", "/incidents", TOKEN, null);
      assertEquals(429, limited.statusCode());
      assertEquals("3", limited.headers().firstValue("Retry-After").orElseThrow());
    }
    assertEquals(200, call(pd, "GET", "/incidents", TOKEN, null).statusCode());
    assertEquals(503, call(pd, "GET", "/services", TOKEN, null).statusCode());
    assertEquals(200, call(pd, "GET", "/services", TOKEN, null).statusCode());
    try (FakePagerDuty tight = FakePagerDuty.start(
        FakePagerDutySettings.builder().rateLimit(3).analyticsDailyLimit(1).build())) {
      String raw = "{\"filters\":{},\"limit\":5}";
      HttpResponse<String> analytics = call(tight, "POST", "/analytics/raw/incidents", TOKEN, raw);
      assertEquals(200, analytics.statusCode(), analytics.body());
      assertEquals("0", analytics.headers().firstValue("daily-ratelimit-remaining").orElseThrow());
      HttpResponse<String> quota = call(tight, "POST", "/analytics/raw/incidents", TOKEN, raw);
      assertEquals(429, quota.statusCode(), "the daily analytics quota is spent");
      assertEquals("0", quota.headers().firstValue("daily-ratelimit-remaining").orElseThrow());
      assertEquals(200, call(tight, "GET", "/users", TOKEN, null).statusCode());
      HttpResponse<String> over = call(tight, "GET", "/users", TOKEN, null);
      assertEquals(429, over.statusCode());
      assertEquals("0", over.headers().firstValue("ratelimit-remaining").orElseThrow());
      assertTrue(over.headers().firstValue("Retry-After").isPresent());
    }
  }

  @Test
  void oncallsAndServicesCarryWhatTheDefaultMappingReads() throws Exception {
    JsonNode services = get("/services?limit=100").get("services");
    assertEquals(5, services.size());
    JsonNode service = services.get(0);
    String ep = service.at("/escalation_policy/id").asText();
    JsonNode oncalls = get("/oncalls?escalation_policy_ids[]=" + ep + "&include[]=users").get("oncalls");
    assertEquals(2, oncalls.size(), "now: one on-call per level");
    assertEquals(Set.of(1, 2), Set.of(oncalls.get(0).get("escalation_level").asInt(), oncalls.get(1).get("escalation_level").asInt()));
    oncalls.forEach(o -> assertTrue(o.at("/user/email").asText().contains("@"), o.toString()));
    assertEquals(4, get("/oncalls?escalation_policy_ids[]=" + ep + "&until=2027-03-01T00:00:00Z").get("oncalls").size(),
        "until ahead: this week and the next");
    JsonNode metrics = JSON.readTree(call(pd, "POST", "/analytics/metrics/incidents/services", TOKEN,
        "{\"filters\":{\"service_ids\":[\"" + service.get("id").asText() + "\"],"
            + "\"created_at_start\":\"2026-09-01T00:00:00Z\",\"created_at_end\":\"2026-12-01T00:00:00Z\"}}").body());
    assertEquals(service.get("id"), metrics.at("/data/0/service_id"));
    assertTrue(metrics.at("/data/0/mean_seconds_to_resolve").isNumber());
    HttpResponse<String> noDates = call(pd, "POST", "/analytics/metrics/incidents/services", TOKEN, "{\"filters\":{}}");
    assertEquals(400, noDates.statusCode());
    assertTrue(noDates.body().contains("filters.created_at_start"), noDates.body());
    List<String> raw = new ArrayList<>();
    String after = "null";
    while (true) {
      JsonNode page = JSON.readTree(call(pd, "POST", "/analytics/raw/incidents", TOKEN,
          "{\"filters\":{\"service_ids\":[\"" + service.get("id").asText() + "\"]},\"limit\":2,\"starting_after\":"
              + after + "}").body());
      page.get("data").forEach(row -> raw.add(row.get("id").asText()));
      if (!page.get("more").asBoolean()) {
        break;
      }
      after = "\"" + page.get("last").asText() + "\"";
    }
    assertEquals(6, raw.size(), "30 incidents over 5 services");
    JsonNode fields = get("/incidents/" + raw.get(0) + "/custom_fields/values").get("custom_fields");
    assertEquals("field_value", fields.get(0).get("type").asText());
    JsonNode schedule = get("/schedules?limit=1").at("/schedules/0");
    assertEquals("user_reference", schedule.at("/users/0/type").asText());
  }

  @Test
  void webhookEventsAreSignedDeliveredToSubscriptionsAndReflectChanges() throws Exception {
    LinkedBlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/integration/webhook", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new String[] {body, exchange.getRequestHeaders().getFirst("X-PagerDuty-Signature")});
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    try {
      String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/integration/webhook";
      HttpResponse<String> created = call(pd, "POST", "/webhook_subscriptions", TOKEN,
          "{\"webhook_subscription\":{\"type\":\"webhook_subscription\",\"description\":\"Port Ocean Integration\","
              + "\"delivery_method\":{\"type\":\"http_delivery_method\",\"url\":\"" + url + "\"},"
              + "\"filter\":{\"type\":\"account_reference\"},"
              + "\"events\":[\"incident.resolved\",\"service.deleted\"]}}");
      assertEquals(201, created.statusCode(), created.body());
      String secret = JSON.readTree(created.body()).at("/webhook_subscription/delivery_method/secret").asText();
      assertFalse(secret.isEmpty());
      JsonNode listed = get("/webhook_subscriptions").get("webhook_subscriptions");
      assertEquals(url, listed.at("/0/delivery_method/url").asText());
      assertTrue(listed.at("/0/delivery_method/secret").isNull(), "lists never show the secret");

      String incident = pd.ids("incidents").get(0);
      pd.setIncidentStatus(incident, "resolved");
      List<FakePagerDuty.Delivery> deliveries = pd.deliver("incident.resolved", incident);
      assertEquals(1, deliveries.size());
      assertEquals(200, deliveries.get(0).status(), String.valueOf(deliveries.get(0).error()));
      String[] delivery = received.poll(5, TimeUnit.SECONDS);
      assertNotNull(delivery);
      assertEquals(WebhookEvent.sign(secret, delivery[0]), delivery[1]);
      JsonNode event = JSON.readTree(delivery[0]).get("event");
      assertEquals("incident.resolved", event.get("event_type").asText());
      assertEquals(incident, event.at("/data/id").asText());
      assertEquals("resolved", event.at("/data/status").asText());
      assertEquals("resolved", get("/incidents/" + incident).at("/incident/status").asText());
      assertTrue(pd.deliver("incident.triggered", incident).isEmpty(), "not subscribed to that type");

      String service = pd.ids("services").get(1);
      assertEquals(204, call(pd, "DELETE", "/_control/services/" + service, null, null).statusCode());
      assertEquals(404, call(pd, "GET", "/services/" + service, TOKEN, null).statusCode());
      JsonNode answer = JSON.readTree(call(pd, "POST", "/_control/events", null,
          "{\"event_type\":\"service.deleted\",\"id\":\"" + service + "\",\"deliver\":true}").body());
      assertEquals(200, answer.at("/deliveries/0/status").asInt(), answer.toString());
      String[] deleted = received.poll(5, TimeUnit.SECONDS);
      assertNotNull(deleted);
      assertEquals(service, JSON.readTree(deleted[0]).at("/event/data/id").asText());
      assertEquals(WebhookEvent.sign(secret, deleted[0]), deleted[1]);

      String second = pd.subscribe(url, List.of("incident.triggered")).at("/delivery_method/secret").asText();
      assertFalse(second.equals(secret), "every subscription has its own secret");
      String triggered = pd.triggerIncident(pd.ids("services").get(0), "Disk full", "low").get("id").asText();
      assertEquals(200, pd.deliver("incident.triggered", triggered).get(0).status());
      String[] fresh = received.poll(5, TimeUnit.SECONDS);
      assertNotNull(fresh);
      assertEquals(WebhookEvent.sign(second, fresh[0]), fresh[1]);
      assertEquals("triggered", JSON.readTree(fresh[0]).at("/event/data/status").asText());
      assertEquals("Disk full", get("/incidents/" + triggered).at("/incident/title").asText());

      String renamed = pd.ids("services").get(0);
      HttpResponse<String> update = call(pd, "PUT", "/_control/services/" + renamed, null, "{\"name\":\"Checkout v2\"}");
      assertEquals(200, update.statusCode(), update.body());
      assertEquals("Checkout v2", get("/incidents?service_ids[]=" + renamed).at("/incidents/0/service/summary").asText(),
          "references follow the new name");
      assertEquals("Checkout v2", JSON.readTree(pd.event("service.updated", renamed).body()).at("/event/data/name").asText());
      assertEquals(400, call(pd, "PUT", "/_control/services/" + renamed, null, "{\"colour\":\"red\"}").statusCode());

      HttpResponse<String> added = call(pd, "POST", "/_control/services", null, "{\"name\":\"Fresh\",\"notFoundFor\":2}");
      assertEquals(201, added.statusCode(), added.body());
      String lagging = JSON.readTree(added.body()).at("/service/id").asText();
      assertEquals(List.of(404, 404, 200), List.of(call(pd, "GET", "/services/" + lagging, TOKEN, null).statusCode(),
          call(pd, "GET", "/services/" + lagging, TOKEN, null).statusCode(),
          call(pd, "GET", "/services/" + lagging, TOKEN, null).statusCode()), "PagerDuty's read-after-create lag");

      WebhookEvent unsent = pd.event("incident.triggered", incident);
      assertEquals(WebhookEvent.sign("fake-webhook-secret", unsent.body()), unsent.signature());
      assertEquals(400, call(pd, "POST", "/_control/events", null, "{\"event_type\":\"incident.resolved\",\"id\":\"nope\"}")
          .statusCode());
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void commandLineOptionsAreParsedAndBadOnesNamed() {
    FakePagerDutySettings settings = Main.parse(new String[] {"--port", "0", "--incidents=12", "--seed", "7"});
    assertEquals(0, settings.port());
    assertEquals(12, settings.incidents());
    assertEquals(7, settings.seed());
    java.time.Instant now = Main.parse(new String[] {"--clock", "now"}).clock();
    assertTrue(java.time.Duration.between(now, java.time.Instant.now()).toMinutes() < 61, "--clock now is this hour");
    assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--clock", "yesterday"}));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--users", "x"}));
    assertTrue(bad.getMessage().contains("--users"), bad.getMessage());
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--users", "1"}));
    assertTrue(small.getMessage().contains("users"), small.getMessage());
  }
}

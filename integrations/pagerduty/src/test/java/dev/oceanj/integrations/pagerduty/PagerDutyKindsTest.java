package dev.oceanj.integrations.pagerduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.testing.ResyncHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each kind against a loopback PagerDuty ({@link PdApi}): requests, pagination, enrichment, failures. */
class PagerDutyKindsTest {

  private PdApi api;

  @BeforeEach
  void start() throws Exception {
    api = new PdApi();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private String settings(String token) {
    return "{\"token\":\"" + token + "\",\"apiUrl\":\"" + api.url() + "/\"}";
  }

  private List<List<JsonNode>> resync(String resources) {
    try (ResyncHarness h = ResyncHarness.start(new PagerDutyIntegration(), settings("u+secret"),
        Duration.ofSeconds(20))) {
      return h.resync(resources.replace('\'', '"'));
    }
  }

  private List<JsonNode> one(String kind, String selector) {
    return resync("[{'kind':'" + kind + "','selector':" + selector + "}]").get(0);
  }

  @Test
  void servicesCarryAnalyticsOncallUsersAndCustomFields() {
    List<JsonNode> services = one("services", "{'query':'true','includeCustomFields':true}");
    assertEquals(2, services.size());
    JsonNode checkout = services.get(0);
    assertEquals("PSV1", checkout.get("id").asText());
    assertEquals(3600, checkout.at("/__analytics/mean_seconds_to_resolve").asInt());
    assertEquals(4, checkout.at("/__analytics/total_incident_count").asInt(), "the row is passed through");
    assertEquals(2, checkout.get("__oncall_user").size(), "both levels of PEP1");
    assertEquals("jane@acme.io", checkout.at("/__oncall_user/0/user/email").asText());
    assertEquals("PSV1-team", checkout.at("/__custom_fields/0/value").asText());
    assertTrue(services.get(1).get("__analytics").isNull(), "no row for PSV2");
    assertEquals(1, services.get(1).get("__oncall_user").size());
    var analytics = api.requests("/analytics/metrics/incidents/services");
    assertEquals(1, analytics.size(), "one call per page");
    JsonNode body = PdApi.tree(analytics.get(0).body().replace('"', '\''));
    assertEquals("[\"PSV1\",\"PSV2\"]", body.at("/filters/service_ids").toString());
    assertTrue(body.at("/filters/created_at_start").asText().endsWith("Z"));
    var oncalls = api.requests("/oncalls");
    assertEquals(List.of("PEP1", "PEP2"), oncalls.get(0).query().get("escalation_policy_ids[]"));
    assertEquals(List.of("users"), oncalls.get(0).query().get("include[]"));
  }

  @Test
  void serviceAnalyticsErrorsGiveNullAndCanBeTurnedOff() {
    api.analyticsFail = true;
    List<JsonNode> services = one("services", "{'query':'true'}");
    assertTrue(services.get(0).get("__analytics").isNull());
    assertTrue(services.get(0).path("__custom_fields").isMissingNode(), "not asked for");
    api.received.clear();
    services = one("services", "{'query':'true','serviceAnalytics':'false'}");
    assertTrue(services.get(0).path("__analytics").isMissingNode());
    assertEquals(0, api.requests("/analytics/metrics/incidents/services").size());
  }

  @Test
  void incidentsSendTheirQueryParamsAndPageThroughRawAnalytics() {
    List<JsonNode> incidents = one("incidents", "{'query':'true','incidentAnalytics':true,'apiQueryParams':"
        + "{'include':['assignees','first_trigger_log_entries'],'statuses':['triggered','acknowledged'],"
        + "'date_range':'all','sort_by':'created_at:asc'}}");
    assertEquals(1, incidents.size());
    assertEquals("Q1", incidents.get(0).get("id").asText());
    assertEquals(60, incidents.get(0).at("/__analytics/seconds_to_first_ack").asInt());
    var get = api.requests("/incidents").get(0);
    assertEquals(List.of("assignees", "first_trigger_log_entries"), get.query().get("include[]"));
    assertEquals(List.of("triggered", "acknowledged"), get.query().get("statuses[]"));
    assertEquals("all", get.first("date_range"));
    assertEquals("created_at:asc", get.first("sort_by"));
    assertEquals("0", get.first("offset"));
    assertEquals("100", get.first("limit"));
    assertEquals(2, api.requests("/analytics/raw/incidents").size(), "starting_after followed while more");
  }

  @Test
  void incidentAnalyticsErrorsFailTheKind() {
    api.analyticsFail = true;
    var failed = assertThrows(ResyncHarness.KindFailedException.class,
        () -> one("incidents", "{'query':'true','incidentAnalytics':true}"));
    assertTrue(failed.getMessage().contains("analytics/raw/incidents"), failed.getMessage());
  }

  @Test
  void analyticsDailyQuotaGivesNullThenFailsFast() {
    AtomicInteger calls = new AtomicInteger();
    api.overrides.put("/analytics/raw/incidents", r -> {
      calls.incrementAndGet();
      return new PdApi.Answer(429, "{}", Map.of("daily-ratelimit-remaining", "0"));
    });
    List<JsonNode> incidents = one("incidents", "{'query':'true','incidentAnalytics':true}");
    assertEquals(2, incidents.size());
    assertTrue(incidents.get(0).get("__analytics").isNull());
    assertEquals(1, calls.get(), "a daily-quota 429 is not retried");
  }

  @Test
  void schedulesGetUserEmailsFromOneUserListing() {
    List<List<JsonNode>> both = resync("[{'kind':'schedules','selector':{'query':'true','apiQueryParams':"
        + "{'until':2,'include':['final_schedule']}}},{'kind':'schedules','selector':{'query':'true'}}]");
    JsonNode users = both.get(0).get(0).get("users");
    assertEquals("jane@acme.io", users.get(0).get("__email").asText());
    assertEquals("isaac@acme.io", users.get(1).get("__email").asText());
    assertTrue(users.get(2).path("__email").isMissingNode(), "unknown user: no __email");
    assertEquals(1, api.requests("/users").size(), "users listed once per resync");
    var get = api.requests("/schedules").get(0);
    assertTrue(get.first("until").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), get.first("until"));
    assertNull(get.first("since"));
    assertEquals(List.of("final_schedule"), get.query().get("include[]"));
  }

  @Test
  void oncallDefaultsApplyOnlyWithApiQueryParams() {
    one("oncalls", "{'query':'true'}");
    assertNull(api.requests("/oncalls").get(0).first("until"));
    api.received.clear();
    List<JsonNode> oncalls = one("oncalls", "{'query':'true','apiQueryParams':{}}");
    assertEquals(3, oncalls.size());
    var get = api.requests("/oncalls").get(0);
    assertEquals(List.of("users"), get.query().get("include[]"));
    assertTrue(get.first("until").endsWith("Z"));
    assertNull(get.first("since"));
  }

  @Test
  void escalationPoliciesCarryTheirOncallUsers() {
    List<JsonNode> policies = one("escalation_policies", "{'query':'true','attachOncallUsers':'true'}");
    assertEquals(2, policies.get(0).get("__oncall_users").size());
    assertEquals(1, policies.get(1).get("__oncall_users").size());
    api.received.clear();
    policies = one("escalation_policies", "{'query':'true','attachOncallUsers':false}");
    assertTrue(policies.get(0).path("__oncall_users").isMissingNode());
    assertEquals(0, api.requests("/oncalls").size());
  }

  @Test
  void otherKindsAreListedGenericallyAcrossPages() {
    for (int i = 0; i < 230; i++) {
      api.lists.get("users").add(PdApi.obj("{'id':'PX" + i + "','type':'user','name':'u" + i + "'}"));
    }
    List<JsonNode> users = one("users", "{'query':'true'}");
    assertEquals(232, users.size());
    assertEquals(List.of("0", "100", "200"), api.requests("/users").stream().map(r -> r.first("offset")).toList());
    var failed = assertThrows(ResyncHarness.KindFailedException.class, () -> one("nothing_here", "{}"));
    assertTrue(failed.getMessage().contains("nothing_here"), failed.getMessage());
  }

  @Test
  void theOffsetCapFailsTheKindInsteadOfDroppingItems() {
    api.overrides.put("/teams", r -> new PdApi.Answer(200, ("{'teams':[{'id':'T" + r.first("offset")
        + "'}],'more':true,'limit':100,'offset':" + r.first("offset") + "}").replace('\'', '"'), Map.of()));
    var failed = assertThrows(ResyncHarness.KindFailedException.class, () -> one("teams", "{}"));
    assertTrue(failed.getMessage().contains("offset 10000"), failed.getMessage());
    assertEquals(99, failed.itemsBefore(), "offsets 0 to 9800 were read; 9900 would be the last allowed page");
  }

  @Test
  void incidentsGoOnPastTheOffsetCapWithoutLosingAny() {
    List<com.fasterxml.jackson.databind.node.ObjectNode> many = new java.util.ArrayList<>();
    java.time.Instant t0 = java.time.Instant.parse("2025-01-01T00:00:00Z");
    for (int i = 0; i < 10_150; i++) {
      // Two incidents per minute, so the cap falls inside a pair sharing its created_at.
      many.add(PdApi.obj("{'id':'QX" + i + "','status':'triggered','created_at':'" + t0.plusSeconds(60L * (i / 2))
          + "','service':{'id':'PSV1'}}"));
    }
    api.lists.put("incidents", new java.util.concurrent.CopyOnWriteArrayList<>(many));
    List<JsonNode> incidents = one("incidents", "{'query':'true','apiQueryParams':{'statuses':['triggered']}}");
    assertEquals(10_150, incidents.size());
    assertEquals(10_150, incidents.stream().map(i -> i.get("id").asText()).distinct().count(), "no duplicates");
    var windows = api.requests("/incidents").stream().filter(r -> "0".equals(r.first("offset"))).toList();
    assertEquals(2, windows.size());
    assertEquals("2025-01-04T11:19:00Z", windows.get(1).first("since"), "the created_at of the 10,000th incident");
    assertEquals("created_at:asc", windows.get(1).first("sort_by"));
    // Listed newest first (sort_by created_at:desc), the cap cannot be passed: the kind fails, nothing is deleted.
    var failed = assertThrows(ResyncHarness.KindFailedException.class,
        () -> one("incidents", "{'apiQueryParams':{'sort_by':'created_at:desc'}}"));
    assertTrue(failed.getMessage().contains("offset 10000"), failed.getMessage());
  }

  @Test
  void apiKeysAndOauthTokensAuthenticateAsOceanDoes() {
    ResyncHarness.collect(new PagerDutyIntegration(), settings("u+apikey"), "users");
    var h = api.requests("/users").get(0).headers();
    assertEquals("Token token=u+apikey", h.get("authorization"));
    assertEquals("application/json", h.get("content-type"));
    api.received.clear();
    ResyncHarness.collect(new PagerDutyIntegration(), settings("pdus+oauth"), "users");
    h = api.requests("/users").get(0).headers();
    assertEquals("Bearer pdus+oauth", h.get("authorization"));
    assertEquals("application/vnd.pagerduty+json;version=2", h.get("accept"));
  }

  @Test
  void status500And401AreRetriedAsOceanDoes() {
    AtomicInteger calls = new AtomicInteger();
    api.overrides.put("/teams", r -> calls.incrementAndGet() == 1 ? new PdApi.Answer(500, "{}", Map.of())
        : new PdApi.Answer(200, "{\"teams\":[{\"id\":\"T1\"}],\"more\":false}", Map.of()));
    assertEquals(1, one("teams", "{}").size());
    assertEquals(2, calls.get());
    api.overrides.put("/priorities", r -> new PdApi.Answer(401, "{}", Map.of()));
    var failed = assertThrows(ResyncHarness.KindFailedException.class, () -> one("priorities", "{}"));
    assertTrue(failed.getMessage().contains("401"), failed.getMessage());
    assertEquals(1 + PagerDutyClient.STATUS_RETRIES, api.requests("/priorities").size());
  }

  @Test
  void nearlySpentRateLimitBudgetWaitsForTheReset() {
    api.headers.putAll(Map.of("ratelimit-limit", "100", "ratelimit-remaining", "5", "ratelimit-reset", "1"));
    for (int i = 0; i < 150; i++) {
      api.lists.get("users").add(PdApi.obj("{'id':'PX" + i + "','type':'user','name':'u" + i + "'}"));
    }
    long t0 = System.nanoTime();
    assertEquals(152, one("users", "{}").size());
    long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    assertTrue(ms >= 900, "the second page waited ratelimit-reset (1 s): " + ms + " ms");
  }

  @Test
  void badSettingsAndSelectorsNameTheirField() {
    var e = assertThrows(InvalidSettingsException.class,
        () -> ResyncHarness.start(new PagerDutyIntegration(), "{\"apiUrl\":\"" + api.url() + "\"}"));
    assertTrue(e.getMessage().contains("token"), e.getMessage());
    e = assertThrows(InvalidSettingsException.class,
        () -> ResyncHarness.start(new PagerDutyIntegration(), "{\"token\":\"x\",\"apiUrl\":\"ftp:/x\"}"));
    assertTrue(e.getMessage().contains("apiUrl"), e.getMessage());
    e = assertThrows(InvalidSettingsException.class,
        () -> one("incidents", "{'apiQueryParams':{'statuses':['open']}}"));
    assertTrue(e.getMessage().contains("statuses"), e.getMessage());
  }
}

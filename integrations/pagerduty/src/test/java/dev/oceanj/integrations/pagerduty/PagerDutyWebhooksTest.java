package dev.oceanj.integrations.pagerduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventProcessor;
import dev.oceanj.spi.live.LiveEventResult;
import dev.oceanj.spi.live.WebhookAuthenticator;
import dev.oceanj.spi.testing.ResyncHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PagerDuty's v3 webhooks: the subscription, the signature, and each event type's upserts and deletions. */
class PagerDutyWebhooksTest {

  private PdApi api;

  @BeforeEach
  void start() throws Exception {
    api = new PdApi();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private ResyncHarness harness(String extra) {
    return ResyncHarness.start(new PagerDutyIntegration(), "{\"token\":\"u+key\",\"apiUrl\":\"" + api.url()
        + "\",\"appHost\":\"http://ocean.example.test/\"" + extra + "}", Duration.ofSeconds(20));
  }

  private static LiveEventProcessor processor(ResyncHarness h) {
    return h.defined().liveEventProcessors().get("/webhook").get(0);
  }

  private static String event(String type, String data) {
    return ("{'event':{'id':'01E','event_type':'" + type + "','resource_type':'x','occurred_at':'2026-08-20T11:00:00Z',"
        + "'agent':{'id':'PU1','type':'user_reference'},'data':" + data + "}}").replace('\'', '"');
  }

  private static LiveEventResult handle(LiveEventProcessor p, String body, String kind) throws Exception {
    JsonNode payload = PdApi.JSON.readTree(body);
    assertTrue(p.validate(payload), body);
    assertEquals(java.util.Set.of(kind), p.kinds(new LiveEvent(1, "/webhook", Map.of(), Map.of(), payload,
        Instant.now())));
    return p.handle(new LiveEvent(1, "/webhook", Map.of(), Map.of(), payload, Instant.now()), kind)
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void theSubscriptionIsCreatedOnceAndItsSecretVerifiesDeliveries() throws Exception {
    try (ResyncHarness h = harness("")) {
      var posts = api.received.stream().filter(r -> r.method().equals("POST")
          && r.path().equals("/webhook_subscriptions")).toList();
      assertEquals(1, posts.size());
      JsonNode sub = PdApi.JSON.readTree(posts.get(0).body()).get("webhook_subscription");
      assertEquals("http://ocean.example.test/integration/webhook", sub.at("/delivery_method/url").asText());
      assertEquals("account_reference", sub.at("/filter/type").asText());
      assertEquals(16, sub.get("events").size());
      byte[] body = event("incident.triggered", "{'id':'Q1'}").getBytes(StandardCharsets.UTF_8);
      var signer = (WebhookAuthenticator.HmacSha256) WebhookAuthenticator.hmacSha256(
          "X-PagerDuty-Signature", "v1=", PdApi.WEBHOOK_SECRET);
      LiveEventProcessor p = processor(h);
      assertTrue(p.authenticate(Map.of("x-pagerduty-signature", signer.sign(body)), body));
      assertTrue(p.authenticate(Map.of("x-pagerduty-signature", "v1=00ff, " + signer.sign(body)), body),
          "one of several signatures during secret rotation");
      assertFalse(p.authenticate(Map.of("x-pagerduty-signature", "v1=00ff"), body));
      assertFalse(p.authenticate(Map.of(), body));
      byte[] tampered = event("incident.triggered", "{'id':'Q2'}").getBytes(StandardCharsets.UTF_8);
      assertFalse(p.authenticate(Map.of("x-pagerduty-signature", signer.sign(body)), tampered));
    }
    try (ResyncHarness h = harness("")) {
      assertEquals(1, api.lists.get("webhook_subscriptions").size(), "not duplicated on restart");
      assertEquals(1, api.received.stream().filter(r -> r.method().equals("POST")).count());
    }
  }

  @Test
  void aConfiguredSecretVerifiesASubscriptionCreatedEarlier() throws Exception {
    api.lists.get("webhook_subscriptions").add(PdApi.obj("{'id':'POLD','delivery_method':{'type':"
        + "'http_delivery_method','url':'http://ocean.example.test/integration/webhook'}}"));
    try (ResyncHarness h = harness(",\"webhookSecret\":\"mine\"")) {
      assertEquals(0, api.received.stream().filter(r -> r.method().equals("POST")).count());
      byte[] body = event("service.updated", "{'id':'PSV1'}").getBytes(StandardCharsets.UTF_8);
      var signer = (WebhookAuthenticator.HmacSha256) WebhookAuthenticator.hmacSha256("x", "v1=", "mine");
      assertTrue(processor(h).authenticate(Map.of("x-pagerduty-signature", signer.sign(body)), body));
      assertFalse(processor(h).authenticate(Map.of("x-pagerduty-signature", "v1=" + "0".repeat(64)), body));
    }
  }

  @Test
  void incidentEventsUpsertTheIncidentAsPagerDutyHasIt() throws Exception {
    try (ResyncHarness h = harness("")) {
      LiveEventResult r = handle(processor(h), event("incident.acknowledged", "{'id':'Q1','type':'incident'}"),
          "incidents");
      assertEquals(1, r.upserted().size());
      assertEquals("Q1", ((JsonNode) r.upserted().get(0)).get("id").asText());
      assertEquals("triggered", ((JsonNode) r.upserted().get(0)).get("status").asText());
      assertTrue(r.deleted().isEmpty());
      r = handle(processor(h), event("incident.resolved", "{'id':'QGONE'}"), "incidents");
      assertTrue(r.upserted().isEmpty() && r.deleted().isEmpty(), "404: nothing");
      assertFalse(processor(h).validate(PdApi.JSON.readTree(event("incident.triggered", "{'id':''}"))));
      assertFalse(processor(h).validate(PdApi.JSON.readTree(event("schedule.updated", "{'id':'PS1'}"))));
    }
  }

  @Test
  void serviceEventsUpsertWithOncallUsersOrDelete() throws Exception {
    try (ResyncHarness h = harness("")) {
      LiveEventResult r = handle(processor(h), event("service.updated", "{'id':'PSV1'}"), "services");
      JsonNode s = (JsonNode) r.upserted().get(0);
      assertEquals("Checkout", s.get("name").asText());
      assertEquals(2, s.get("__oncall_user").size());
      // A new service PagerDuty does not show yet (its read-after-create lag): asked again after 1 s.
      java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
      api.overrides.put("/services/PSVNEW", q -> asked.incrementAndGet() == 1
          ? new PdApi.Answer(404, "{}", Map.of())
          : new PdApi.Answer(200, "{\"service\":{\"id\":\"PSVNEW\",\"name\":\"New\",\"escalation_policy\":"
              + "{\"id\":\"PEP2\"}}}", Map.of()));
      r = handle(processor(h), event("service.created", "{'id':'PSVNEW'}"), "services");
      assertEquals(2, asked.get());
      assertEquals("New", ((JsonNode) r.upserted().get(0)).get("name").asText());
      assertEquals(1, ((JsonNode) r.upserted().get(0)).get("__oncall_user").size());
      r = handle(processor(h), event("service.deleted", "{'id':'PSV2','type':'service'}"), "services");
      assertEquals("PSV2", ((JsonNode) r.deleted().get(0)).get("id").asText());
      assertTrue(r.upserted().isEmpty());
    }
  }

  private static JsonNode handleFor(LiveEventProcessor p, String body, String kind, Object selector) throws Exception {
    JsonNode payload = PdApi.JSON.readTree(body);
    dev.oceanj.spi.Resync live = new dev.oceanj.spi.Resync() {
      @Override
      public String id() {
        return "live-event-1";
      }

      @Override
      public java.util.List<MappedResource> resources() {
        return java.util.List.of();
      }

      @Override
      public dev.oceanj.spi.ResyncCache cache() {
        throw new UnsupportedOperationException();
      }
    };
    LiveEventResult r = p.handle(new LiveEvent(1, "/webhook", Map.of(), Map.of(), payload, Instant.now()),
        new dev.oceanj.spi.Resource<>(0, kind, selector, live)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(1, r.upserted().size());
    return (JsonNode) r.upserted().get(0);
  }

  @Test
  void eachResourceGetsTheEnrichmentItsSelectorAsksFor() throws Exception {
    try (ResyncHarness h = harness("")) {
      String incident = event("incident.acknowledged", "{'id':'Q1','type':'incident'}");
      JsonNode plain = handleFor(processor(h), incident, "incidents", new Selectors.Incidents(null, null, null));
      assertFalse(plain.has("__analytics") || plain.has("__custom_fields"), plain.toString());
      JsonNode rich = handleFor(processor(h), incident, "incidents", new Selectors.Incidents(true, true, null));
      assertEquals(60, rich.at("/__analytics/seconds_to_first_ack").asInt(), rich.toString());
      assertEquals("Q1-team", rich.at("/__custom_fields/0/value").asText(), rich.toString());
      String service = event("service.updated", "{'id':'PSV1'}");
      JsonNode s = handleFor(processor(h), service, "services", new Selectors.Services(null, null, true, null));
      assertEquals("PSV1-team", s.at("/__custom_fields/0/value").asText(), s.toString());
      assertEquals(2, s.get("__oncall_user").size());
      assertFalse(s.has("__analytics"), "a live service has no analytics, as in Ocean");
      assertFalse(handleFor(processor(h), service, "services", new Selectors.Services(null, null, null, null))
          .has("__custom_fields"));
    }
  }
}

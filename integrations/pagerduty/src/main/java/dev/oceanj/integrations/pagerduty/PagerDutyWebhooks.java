package dev.oceanj.integrations.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.integrations.pagerduty.PagerDutyClient.Query;
import dev.oceanj.spi.Resource;
import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventProcessor;
import dev.oceanj.spi.live.LiveEventResult;
import dev.oceanj.spi.live.WebhookAuthenticator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PagerDuty's v3 webhooks, as Ocean handles them: the subscription created at start (once per target URL), each
 * delivery's {@code X-PagerDuty-Signature} checked when the subscription's secret is known, and incident and service
 * events turned into upserts and deletions through the current mapping.
 */
final class PagerDutyWebhooks implements LiveEventProcessor {

  static final String PATH = "/webhook";
  static final String SIGNATURE = "x-pagerduty-signature";
  static final List<String> EVENTS = List.of("service.created", "service.updated",
      "incident.acknowledged", "incident.annotated", "incident.delegated", "incident.escalated",
      "incident.priority_updated", "incident.reassigned", "incident.reopened", "incident.resolved",
      "incident.status_update_published", "incident.responder.added", "incident.responder.replied",
      "incident.triggered", "incident.unacknowledged", "service.deleted");

  private static final Logger LOG = LoggerFactory.getLogger(PagerDutyWebhooks.class);

  private final PagerDutyClient api;
  private final PagerDutyKinds kinds;
  private final AtomicReference<WebhookAuthenticator.HmacSha256> signature = new AtomicReference<>();
  private final Duration firstServiceWait;

  PagerDutyWebhooks(PagerDutyClient api, PagerDutyKinds kinds, String secret, Duration firstServiceWait) {
    this.api = api;
    this.kinds = kinds;
    this.firstServiceWait = firstServiceWait;
    if (secret != null) {
      useSecret(secret);
    }
  }

  private void useSecret(String secret) {
    signature.set((WebhookAuthenticator.HmacSha256) WebhookAuthenticator.hmacSha256(SIGNATURE, "v1=", secret));
  }

  /**
   * Creates the account's webhook subscription to {@code {baseUrl}/integration/webhook} unless one already
   * delivers there. The secret of a subscription created here verifies the deliveries from then on. Errors are
   * logged, not fatal (as Ocean).
   */
  CompletionStage<Void> register(String baseUrl) {
    String target = baseUrl + "/integration" + PATH;
    return api.all("webhook_subscriptions", new Query()).thenCompose(subscriptions -> {
      for (JsonNode s : subscriptions) {
        if (target.equals(s.path("delivery_method").path("url").asText())) {
          LOG.info("PagerDuty webhook subscription {} already delivers to {}", s.path("id").asText(), target);
          if (signature.get() == null) {
            LOG.warn("PagerDuty deliveries to {} are not verified: the subscription's secret is only returned when "
                + "it is created; set the integration's webhookSecret to verify them", target);
          }
          return CompletableFuture.<Void>completedFuture(null);
        }
      }
      ObjectNode body = PagerDutyClient.object();
      ObjectNode sub = body.putObject("webhook_subscription");
      sub.put("type", "webhook_subscription");
      sub.put("description", "Port Ocean Integration");
      sub.putObject("delivery_method").put("type", "http_delivery_method").put("url", target);
      sub.putObject("filter").put("type", "account_reference");
      ArrayNode events = sub.putArray("events");
      EVENTS.forEach(events::add);
      return api.post("webhook_subscriptions", body).thenAccept(created -> {
        JsonNode s = created.map(c -> c.path("webhook_subscription")).orElse(PagerDutyClient.object());
        String secret = s.path("delivery_method").path("secret").asText("");
        if (!secret.isEmpty() && signature.get() == null) {
          useSecret(secret);
        }
        LOG.info("Created PagerDuty webhook subscription {} to {}", s.path("id").asText(), target);
      });
    }).exceptionally(e -> {
      LOG.error("Could not create PagerDuty's webhook subscription to {}: {}", target,
          PagerDutyKinds.cause(e).getMessage());
      return null;
    });
  }

  /** Whether deliveries are verified (a secret is known). */
  boolean verifying() {
    return signature.get() != null;
  }

  @Override
  public boolean authenticate(Map<String, String> headers, byte[] body) {
    WebhookAuthenticator.HmacSha256 s = signature.get();
    if (s == null) {
      return true;
    }
    String got = headers.get(SIGNATURE);
    if (got == null) {
      return false;
    }
    String expected = s.sign(body);
    boolean ok = false;
    for (String v : got.split(",")) {
      ok |= WebhookAuthenticator.constantTimeEquals(expected, v.trim().toLowerCase(Locale.ROOT));
    }
    return ok;
  }

  @Override
  public boolean validate(JsonNode payload) {
    String type = payload.path("event").path("event_type").asText("");
    if (!EVENTS.contains(type)) {
      return false;
    }
    return !type.startsWith("incident.") || !payload.path("event").path("data").path("id").asText("").isEmpty();
  }

  @Override
  public Set<String> kinds(LiveEvent event) {
    String type = event.payload().path("event").path("event_type").asText("");
    return type.startsWith("incident.") ? Set.of(PagerDutyKinds.INCIDENTS)
        : type.startsWith("service.") ? Set.of(PagerDutyKinds.SERVICES) : Set.of();
  }

  @Override
  public String partitionKey(LiveEvent event) {
    return event.payload().path("event").path("data").path("id").asText("");
  }

  @Override
  public CompletionStage<LiveEventResult> handle(LiveEvent event, String kind) {
    return handle(event, kind, null);
  }

  /** Per resource, as Ocean: what its selector asks ({@code incidentAnalytics}, {@code includeCustomFields}). */
  @Override
  public CompletionStage<LiveEventResult> handle(LiveEvent event, Resource<?> resource) {
    return handle(event, resource.kind(), resource.selector());
  }

  private CompletionStage<LiveEventResult> handle(LiveEvent event, String kind, Object selector) {
    JsonNode e = event.payload().path("event");
    String type = e.path("event_type").asText();
    String id = e.path("data").path("id").asText("");
    if (kind.equals(PagerDutyKinds.INCIDENTS)) {
      return api.get("incidents/" + id, null).thenCompose(r -> {
        Optional<JsonNode> incident = r.map(x -> x.get("incident")).filter(JsonNode::isObject);
        if (incident.isEmpty()) {
          return CompletableFuture.completedFuture(LiveEventResult.none());
        }
        List<JsonNode> one = List.of(incident.get());
        return (selector instanceof Selectors.Incidents s ? kinds.enrichIncidents(one, s)
            : CompletableFuture.<Void>completedFuture(null)).thenApply(v -> LiveEventResult.upsert(one));
      });
    }
    if (type.equals("service.deleted")) {
      return CompletableFuture.completedFuture(LiveEventResult.delete(List.of(e.path("data"))));
    }
    return service(id, 0).thenCompose(s -> {
      if (s.isEmpty()) {
        return CompletableFuture.completedFuture(LiveEventResult.none());
      }
      List<JsonNode> one = List.of(s.get());
      return kinds.attachOncalls(one, "__oncall_user")
          .thenCompose(v -> selector instanceof Selectors.Services x && x.includeCustomFields()
              ? kinds.customFields(PagerDutyKinds.SERVICES, one) : CompletableFuture.<Void>completedFuture(null))
          .thenApply(v -> LiveEventResult.upsert(one));
    });
  }

  /** {@code GET /services/{id}}, up to 5 times while not found (PagerDuty's read-after-create lag), as Ocean. */
  private CompletionStage<Optional<JsonNode>> service(String id, int attempt) {
    return api.get("services/" + id, null).thenCompose(r -> {
      Optional<JsonNode> s = r.map(x -> x.get("service")).filter(JsonNode::isObject);
      if (s.isPresent() || attempt >= 4) {
        return CompletableFuture.completedFuture(s);
      }
      long wait = firstServiceWait.toMillis() << attempt;
      return CompletableFuture.supplyAsync(() -> null,
              CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS))
          .thenCompose(v -> service(id, attempt + 1));
    });
  }
}

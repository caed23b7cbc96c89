package dev.oceanj.integrations.pagerduty.fakeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A PagerDuty v3 webhook delivery, signed: the exact body bytes to POST and the headers PagerDuty sends with them,
 * {@code X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the body keyed with the subscription's secret>} among them.
 *
 * @param eventType e.g. {@code incident.resolved}
 * @param body the JSON body, {@code {"event": {id, event_type, resource_type, occurred_at, agent, client, data}}}
 * @param headers the headers to send: {@code Content-Type}, {@code User-Agent}, {@code X-PagerDuty-Signature},
 *     {@code X-Webhook-Id}, {@code X-Webhook-Subscription}
 */
public record WebhookEvent(String eventType, String body, Map<String, String> headers) {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final AtomicLong IDS = new AtomicLong();

  /** The {@code X-PagerDuty-Signature} header value. */
  public String signature() {
    return headers.get("X-PagerDuty-Signature");
  }

  /** The body as JSON. */
  public JsonNode json() {
    try {
      return MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code v1=<hex HMAC-SHA256(secret, body)>}, as PagerDuty signs a delivery. */
  public static String sign(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "v1=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Builds and signs an event.
   *
   * @param eventType the event type, e.g. {@code incident.triggered} or {@code service.deleted}
   * @param data the event's {@code data} (an incident or a service as PagerDuty's v3 webhooks shape them)
   * @param agent who did it (a user reference), or null
   * @param secret the subscription's secret
   * @param subscriptionId the subscription's id, sent as {@code X-Webhook-Subscription}
   */
  public static WebhookEvent of(String eventType, JsonNode data, JsonNode agent, String secret, String subscriptionId) {
    if (eventType == null || !eventType.matches("(incident|service)\\.[a-z_.]+")) {
      throw new IllegalArgumentException("event_type must be an incident.* or service.* type, was '" + eventType + "'");
    }
    String id = "01" + Long.toString(Instant.now().toEpochMilli(), 36).toUpperCase()
        + String.format("%08d", IDS.incrementAndGet());
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode event = root.putObject("event");
    event.put("id", id);
    event.put("event_type", eventType);
    event.put("resource_type", eventType.substring(0, eventType.indexOf('.')));
    event.put("occurred_at", Instant.now().toString());
    event.set("agent", agent);
    event.putNull("client");
    event.set("data", data);
    String body = root.toString();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", "PagerDuty-Webhook/V3.0");
    headers.put("X-PagerDuty-Signature", sign(secret, body));
    headers.put("X-Webhook-Id", id);
    headers.put("X-Webhook-Subscription", subscriptionId);
    return new WebhookEvent(eventType, body, Collections.unmodifiableMap(headers));
  }
}

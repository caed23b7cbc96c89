package dev.oceanj.actors.trigger.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * Ocean's rules (ocean-reference.md §3, {@code _should_be_processed}) deciding whether a Kafka message asks this
 * integration for a resync. Pure; one instance per integration.
 *
 * <ul>
 *   <li>On the resync-requests topic: {@code context.integrationId} is this integration.
 *   <li>On {@code change.log}: {@code context.integrationId} is this integration and {@code action} is
 *       {@code RESYNC}; otherwise the change of the integration document in {@code diff.after} counts, unless it
 *       is a deletion ({@code after} null), another integration, or a pure resync-state update
 *       ({@code after.updatedAt == after.resyncState.updatedAt}), and only when the integration's
 *       {@code changelogDestination.type} is {@code KAFKA}. Ocean reads that field at the message's top level;
 *       Port puts the integration document in {@code diff.after}, so either place is accepted here.
 * </ul>
 */
public final class KafkaMessageFilter {

  /** What the filter decided, with the reason for the log. */
  public record Decision(boolean resync, String reason) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String integrationId;

  public KafkaMessageFilter(String integrationId) {
    this.integrationId = Objects.requireNonNull(integrationId);
  }

  /** Whether {@code topic} is a resync-requests topic (as opposed to the legacy change log). */
  public static boolean isResyncRequestsTopic(String topic) {
    return topic.endsWith(".integration.resync.requests");
  }

  /** Decides for one message value (UTF-8 JSON; anything else is ignored, with the reason). */
  public Decision decide(String topic, byte[] value) {
    if (value == null || value.length == 0) {
      return new Decision(false, "empty message");
    }
    JsonNode message;
    try {
      message = MAPPER.readTree(value);
    } catch (IOException e) {
      return new Decision(false, "not JSON: " + e.getMessage());
    }
    if (message == null || !message.isObject()) {
      return new Decision(false, "not a JSON object");
    }
    boolean forUs = integrationId.equals(message.path("context").path("integrationId").asText(null));
    if (isResyncRequestsTopic(topic)) {
      return forUs ? new Decision(true, "resync request") : new Decision(false, "resync request for another integration");
    }
    if (forUs && "RESYNC".equals(message.path("action").asText(null))) {
      return new Decision(true, "RESYNC action");
    }
    JsonNode after = message.path("diff").path("after");
    if (after.isMissingNode() || after.isNull()) {
      return new Decision(false, "not an integration change (no diff.after)");
    }
    if (!integrationId.equals(after.path("identifier").asText(null))) {
      return new Decision(false, "change of another integration");
    }
    JsonNode updatedAt = after.path("updatedAt");
    if (!updatedAt.isMissingNode() && updatedAt.equals(after.path("resyncState").path("updatedAt"))) {
      return new Decision(false, "resync-state update only");
    }
    boolean kafka = "KAFKA".equals(message.path("changelogDestination").path("type").asText(null))
        || "KAFKA".equals(after.path("changelogDestination").path("type").asText(null));
    return kafka
        ? new Decision(true, "integration changed")
        : new Decision(false, "integration changed but its changelogDestination is not KAFKA");
  }
}

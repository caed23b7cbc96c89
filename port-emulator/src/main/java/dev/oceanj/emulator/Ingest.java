package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Port's ingest endpoints, which Ocean fills the integration's sync status and event log from: sync metrics
 * ({@code POST /syncMetrics}, {@code PUT /syncMetrics/resync/{eventId}/kind/{kind}}), heartbeats
 * ({@code POST /heartbeat}) under the integration's {@code metricAttributes.ingestUrl}, and log batches
 * ({@code POST} to {@code logAttributes.ingestUrl}). The emulator serves them at {@code /v1/ingest/metrics/…} and
 * {@code /v1/ingest/logs} and records every call, in order, for {@code GET /_emulator/ingest}.
 */
final class Ingest {

  /** The most calls kept per channel; older ones are dropped. */
  static final int KEEP = 10_000;

  private final Clock clock;
  private final List<ObjectNode> syncMetrics = new ArrayList<>();
  private final List<ObjectNode> heartbeats = new ArrayList<>();
  private final List<ObjectNode> logs = new ArrayList<>();

  Ingest(Clock clock) {
    this.clock = clock;
  }

  /** {@code POST /syncMetrics}: {@code {"syncKindsMetrics": [event, …]}}. */
  ObjectNode syncMetrics(JsonNode body) {
    JsonNode events = body.path("syncKindsMetrics");
    if (!events.isArray()) {
      throw PortError.invalid("body must be {\"syncKindsMetrics\": [...]}");
    }
    return record(syncMetrics, "POST", "/syncMetrics", body);
  }

  /** {@code PUT /syncMetrics/resync/{eventId}/kind/{kind}}: {@code {"syncKindMetrics": event}}. */
  ObjectNode syncKindMetrics(String eventId, String kind, JsonNode body) {
    if (!body.path("syncKindMetrics").isObject()) {
      throw PortError.invalid("body must be {\"syncKindMetrics\": {...}}");
    }
    return record(syncMetrics, "PUT", "/syncMetrics/resync/" + eventId + "/kind/" + kind, body);
  }

  /** {@code POST /heartbeat}: {@code {"eventId": …}}. */
  ObjectNode heartbeat(JsonNode body) {
    if (!body.path("eventId").isTextual()) {
      throw PortError.invalid("body must be {\"eventId\": \"...\"}");
    }
    return record(heartbeats, "POST", "/heartbeat", body);
  }

  /** {@code POST} of a log batch: {@code {"logs": [{message, level, timestamp, extra}, …]}}. */
  ObjectNode logs(JsonNode body) {
    return logs(null, body);
  }

  /**
   * {@code POST} of a log batch to one integration's URL ({@code logAttributes.ingestUrl} ends with its
   * identifier): recorded with {@code "integration": <identifier>}.
   */
  synchronized ObjectNode logs(String integration, JsonNode body) {
    if (!body.path("logs").isArray()) {
      throw PortError.invalid("body must be {\"logs\": [...]}");
    }
    ObjectNode ok = record(logs, "POST", integration == null ? "" : "/" + integration, body);
    if (integration != null) {
      logs.get(logs.size() - 1).put("integration", integration);
    }
    return ok;
  }

  private synchronized ObjectNode record(List<ObjectNode> channel, String method, String path, JsonNode body) {
    ObjectNode call = Json.MAPPER.createObjectNode();
    call.put("receivedAt", Json.iso(clock.millis()));
    call.put("method", method);
    call.put("path", path);
    call.set("body", body);
    channel.add(call);
    if (channel.size() > KEEP) {
      channel.remove(0);
    }
    return Json.ok();
  }

  /** Everything received: {@code {syncMetrics: [...], heartbeats: [...], logs: [...]}}, each call with its time. */
  synchronized ObjectNode received() {
    ObjectNode out = Json.ok();
    ArrayNode s = out.putArray("syncMetrics");
    syncMetrics.forEach(s::add);
    ArrayNode h = out.putArray("heartbeats");
    heartbeats.forEach(h::add);
    ArrayNode l = out.putArray("logs");
    logs.forEach(l::add);
    return out;
  }

  synchronized void reset() {
    syncMetrics.clear();
    heartbeats.clear();
    logs.clear();
  }
}

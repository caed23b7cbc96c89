package dev.oceanj.integrations.pagerduty.fakeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PagerDuty's two analytics endpoints as Ocean calls them, over the account: the aggregated service metrics and the
 * raw incident rows. The numbers are deterministic stand-ins with PagerDuty's field names. Callers hold the fake's
 * lock.
 */
final class Analytics {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Analytics() {
  }

  /** {@code POST /analytics/metrics/incidents/services}: one row per service with incidents, deterministic means. */
  static ObjectNode serviceMetrics(Account account, JsonNode body) {
    JsonNode filters = body.path("filters");
    for (String field : List.of("created_at_start", "created_at_end")) {
      String value = filters.path(field).asText("");
      if (value.isEmpty()) {
        throw new FakePagerDuty.BadRequest("filters." + field + ": required, an ISO-8601 date-time");
      }
      try {
        OffsetDateTime.parse(value);
      } catch (DateTimeParseException e) {
        throw new FakePagerDuty.BadRequest("filters." + field + ": must be an ISO-8601 date-time, was '" + value + "'");
      }
    }
    List<String> ids = new ArrayList<>();
    filters.path("service_ids").forEach(id -> ids.add(id.asText()));
    ArrayNode rows = MAPPER.createArrayNode();
    Map<String, int[]> counts = new HashMap<>();
    for (ObjectNode incident : account.incidents.values()) {
      int[] c = counts.computeIfAbsent(incident.at("/service/id").asText(), k -> new int[2]);
      c[0]++;
      if (incident.get("status").asText().equals("resolved")) {
        c[1]++;
      }
    }
    for (ObjectNode service : account.services.values()) {
      String id = service.get("id").asText();
      int[] c = counts.get(id);
      if (c == null || !ids.isEmpty() && !ids.contains(id)) {
        continue;
      }
      int k = Math.abs(id.hashCode() % 97);
      ObjectNode row = rows.addObject();
      row.put("service_id", id);
      row.put("service_name", service.get("name").asText());
      row.put("team_id", service.at("/teams/0/id").asText(null));
      row.put("team_name", service.at("/teams/0/summary").asText(null));
      row.put("mean_assignment_count", 1);
      row.put("mean_engaged_seconds", 600 + 10 * k);
      row.put("mean_engaged_user_count", 1);
      row.put("mean_seconds_to_engage", 240 + k);
      row.put("mean_seconds_to_first_ack", 120 + k);
      row.put("mean_seconds_to_mobilize", 180 + k);
      row.put("mean_seconds_to_resolve", 2_820 + 30 * k);
      row.put("total_business_hour_interruptions", c[0] / 2);
      row.put("total_engaged_seconds", (600 + 10 * k) * c[0]);
      row.put("total_escalation_count", c[0] / 3);
      row.put("total_incident_count", c[0]);
      row.put("total_incidents_acknowledged", c[0] - c[1] / 2);
      row.put("total_incidents_auto_resolved", c[1] / 4);
      row.put("total_incidents_manual_escalated", 0);
      row.put("total_incidents_reassigned", 0);
      row.put("total_incidents_timeout_escalated", c[0] / 3);
      row.put("total_interruptions", c[0]);
      row.put("total_major_incidents", 0);
      row.put("total_notifications", 2 * c[0]);
      row.put("total_off_hour_interruptions", c[0] / 4);
      row.put("total_sleep_hour_interruptions", c[0] / 8);
      row.put("total_snoozed_seconds", 0);
      row.put("up_time_pct", 100.0 - (k % 10) / 10.0);
    }
    ObjectNode answer = MAPPER.createObjectNode();
    answer.set("data", rows);
    answer.set("filters", filters);
    answer.putNull("aggregate_unit");
    answer.put("time_zone", "Etc/UTC");
    answer.put("order", "desc");
    answer.put("order_by", "mean_seconds_to_resolve");
    return answer;
  }

  /** {@code POST /analytics/raw/incidents}: one row per incident of the filtered services, cursor paged. */
  static ObjectNode rawIncidents(Account account, JsonNode body) {
    JsonNode filters = body.path("filters");
    List<String> ids = new ArrayList<>();
    filters.path("service_ids").forEach(id -> ids.add(id.asText()));
    int limit = body.path("limit").asInt(20);
    if (limit < 1 || limit > 1000) {
      throw new FakePagerDuty.BadRequest("limit: must be between 1 and 1000, was " + limit);
    }
    String after = body.path("starting_after").isNull() ? null : body.path("starting_after").asText(null);
    ArrayNode rows = MAPPER.createArrayNode();
    boolean more = false;
    boolean started = after == null;
    boolean afterFound = after == null;
    for (ObjectNode incident : account.incidents.values()) {
      String serviceId = incident.at("/service/id").asText();
      if (!ids.isEmpty() && !ids.contains(serviceId)) {
        continue;
      }
      if (!started) {
        if (incident.get("id").asText().equals(after)) {
          started = true;
          afterFound = true;
        }
        continue;
      }
      if (rows.size() == limit) {
        more = true;
        break;
      }
      rows.add(rawRow(incident));
    }
    if (!afterFound) {
      throw new FakePagerDuty.BadRequest("starting_after: no row with id '" + after + "'");
    }
    ObjectNode answer = MAPPER.createObjectNode();
    answer.set("data", rows);
    answer.put("more", more);
    answer.put("first", rows.isEmpty() ? null : rows.get(0).get("id").asText());
    answer.put("last", rows.isEmpty() ? null : rows.get(rows.size() - 1).get("id").asText());
    answer.put("limit", limit);
    answer.put("starting_after", after);
    answer.put("order", "asc");
    answer.put("order_by", "created_at");
    answer.set("filters", filters);
    answer.put("time_zone", "Etc/UTC");
    return answer;
  }

  private static ObjectNode rawRow(ObjectNode incident) {
    int k = Math.abs(incident.get("id").asText().hashCode() % 97);
    boolean resolved = incident.get("status").asText().equals("resolved");
    boolean acked = !incident.get("status").asText().equals("triggered");
    ObjectNode row = MAPPER.createObjectNode();
    row.set("id", incident.get("id"));
    row.set("incident_number", incident.get("incident_number"));
    row.set("description", incident.get("title"));
    row.put("service_id", incident.at("/service/id").asText());
    row.put("service_name", incident.at("/service/summary").asText());
    row.put("team_id", incident.at("/teams/0/id").asText(null));
    row.put("team_name", incident.at("/teams/0/summary").asText(null));
    row.set("urgency", incident.get("urgency"));
    row.put("priority_name", incident.path("priority").path("name").asText(null));
    row.set("created_at", incident.get("created_at"));
    row.set("resolved_at", incident.get("resolved_at"));
    row.put("major", false);
    row.put("assignment_count", 1);
    row.put("escalation_count", k % 3);
    row.put("engaged_user_count", acked ? 1 : 0);
    if (acked) {
      row.put("seconds_to_first_ack", 120 + k);
      row.put("seconds_to_engage", 240 + k);
      row.put("seconds_to_mobilize", 180 + k);
    } else {
      row.putNull("seconds_to_first_ack");
      row.putNull("seconds_to_engage");
      row.putNull("seconds_to_mobilize");
    }
    if (resolved) {
      row.put("seconds_to_resolve", 2_820);
    } else {
      row.putNull("seconds_to_resolve");
    }
    row.put("engaged_seconds", acked ? 600 + 10 * k : 0);
    return row;
  }
}

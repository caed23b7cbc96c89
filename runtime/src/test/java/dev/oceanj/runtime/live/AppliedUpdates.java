package dev.oceanj.runtime.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.emulator.RequestLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The witness of live-event order: from the emulator's request log (with bodies), the {@code age} each answered
 * write of a {@code fake-person} entity carried, per identifier, in the order the emulator answered them.
 */
final class AppliedUpdates {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AppliedUpdates() {}

  /** Ages written per person identifier, in answer order (a redelivered event shows up again). */
  static Map<String, List<Integer>> agesByPerson(List<RequestLog.Entry> entries) {
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    for (RequestLog.Entry e : entries) {
      if (e.body() == null || e.status() >= 300 || !e.method().equals("POST")
          || !e.path().startsWith("/v1/blueprints/fake-person/entities")) {
        continue;
      }
      JsonNode body;
      try {
        body = JSON.readTree(e.body());
      } catch (IOException ex) {
        throw new UncheckedIOException("request log body of " + e.path() + " is not JSON", ex);
      }
      List<JsonNode> entities = new ArrayList<>();
      if (body.has("entities")) {
        body.get("entities").forEach(entities::add);
      } else {
        entities.add(body);
      }
      for (JsonNode entity : entities) {
        out.computeIfAbsent(entity.path("identifier").asText(), k -> new ArrayList<>())
            .add(entity.path("properties").path("age").asInt());
      }
    }
    return out;
  }

  /**
   * The first problem with {@code seen} (one person's ages in answer order) against events sent with ages
   * {@code 1..last} in order, or null: each age's first appearance must come in increasing order (an event handled
   * again after a crash may repeat earlier ages, never write an older one first), every age up to {@code last} sent
   * and acknowledged must appear, and the final write must be {@code last}.
   */
  static String orderProblem(List<Integer> seen, List<Integer> acknowledged, int last) {
    if (seen == null || seen.isEmpty()) {
      return "no write at all";
    }
    int highest = 0;
    java.util.Set<Integer> firsts = new java.util.HashSet<>();
    for (int age : seen) {
      if (firsts.add(age)) {
        if (age < highest) {
          return "age " + age + " first written after " + highest + ": " + seen;
        }
        highest = age;
      }
    }
    for (int age : acknowledged) {
      if (!firsts.contains(age)) {
        return "acknowledged age " + age + " never written: " + seen;
      }
    }
    if (seen.get(seen.size() - 1) != last) {
      return "last write " + seen.get(seen.size() - 1) + ", expected " + last + ": " + seen;
    }
    return null;
  }
}

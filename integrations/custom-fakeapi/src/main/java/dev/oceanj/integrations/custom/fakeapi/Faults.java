package dev.oceanj.integrations.custom.fakeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults on demand: a rule answers matching requests with a status of its choice (a 429 with {@code Retry-After}, a
 * burst of 503s, an endpoint that fails from its third page on) instead of serving them.
 *
 * <p>A rule, as posted to {@code /_control/faults}: {@code path} (required; the resource path without the auth and
 * pagination segments, {@code *} matches one segment, e.g. {@code /projects/*}{@code /issues}), {@code method}
 * (any when absent), {@code status} (500), {@code skip} (let this many matching requests through first, 0),
 * {@code times} (fail this many, then let everything through; forever when absent), {@code retryAfter} (seconds,
 * sent as {@code Retry-After}), {@code headers} (more response headers). The first rule that fires answers.
 */
final class Faults {

  /** A fault to answer with. */
  record Answer(int rule, int status, Map<String, String> headers) {
  }

  private record Rule(int id, String[] path, String method, int status, int skip, Long times,
      Map<String, String> headers, AtomicLong matched, AtomicLong fired) {

    boolean matches(String method, String[] segments) {
      if (this.method != null && !this.method.equals(method) || path.length != segments.length) {
        return false;
      }
      for (int i = 0; i < path.length; i++) {
        if (!path[i].equals("*") && !path[i].equals(segments[i])) {
          return false;
        }
      }
      return true;
    }

    ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("id", id);
      node.put("path", "/" + String.join("/", path));
      node.put("method", method);
      node.put("status", status);
      node.put("skip", skip);
      node.put("times", times);
      node.putPOJO("headers", headers);
      node.put("matched", matched.get());
      node.put("fired", fired.get());
      return node;
    }
  }

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  /** Adds a rule from its JSON; a bad rule is rejected naming the field. */
  int add(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new FakeApi.BadRequest("a fault rule is a JSON object, e.g. {\"path\":\"/items\",\"status\":503,\"times\":2}");
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!List.of("path", "method", "status", "skip", "times", "retryAfter", "headers").contains(name)) {
        throw new FakeApi.BadRequest("fault rule: unknown field '" + name
            + "' (known: path, method, status, skip, times, retryAfter, headers)");
      }
    }
    JsonNode path = json.get("path");
    if (path == null || !path.isTextual() || !path.asText().startsWith("/")) {
      throw new FakeApi.BadRequest("fault rule: 'path' is required and starts with '/', e.g. \"/items\"");
    }
    int status = integer(json, "status", 500);
    if (status < 100 || status > 599) {
      throw new FakeApi.BadRequest("fault rule: 'status' must be an HTTP status (100-599), was " + status);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (json.has("retryAfter")) {
      headers.put("Retry-After", Integer.toString(integer(json, "retryAfter", 0)));
    }
    JsonNode extra = json.get("headers");
    if (extra != null) {
      if (!extra.isObject()) {
        throw new FakeApi.BadRequest("fault rule: 'headers' must be an object of header names to values");
      }
      extra.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    }
    String method = json.hasNonNull("method") ? json.get("method").asText().toUpperCase(Locale.ROOT) : null;
    Long times = json.hasNonNull("times") ? (long) integer(json, "times", 0) : null;
    int id = ids.incrementAndGet();
    rules.add(new Rule(id, FakeApi.segments(path.asText()), method, status, integer(json, "skip", 0), times,
        Map.copyOf(headers), new AtomicLong(), new AtomicLong()));
    return id;
  }

  private static int integer(JsonNode json, String field, int fallback) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || value.asInt() < 0) {
      throw new FakeApi.BadRequest("fault rule: '" + field + "' must be a non-negative integer, was " + value);
    }
    return value.asInt();
  }

  /** The fault this request gets, if a rule fires for it. */
  Optional<Answer> check(String method, String[] segments) {
    for (Rule rule : rules) {
      if (!rule.matches(method, segments)) {
        continue;
      }
      long n = rule.matched().getAndIncrement();
      if (n < rule.skip() || rule.times() != null && n >= rule.skip() + rule.times()) {
        continue;
      }
      rule.fired().incrementAndGet();
      return Optional.of(new Answer(rule.id(), rule.status(), rule.headers()));
    }
    return Optional.empty();
  }

  List<ObjectNode> list() {
    List<ObjectNode> result = new ArrayList<>();
    rules.forEach(rule -> result.add(rule.toJson()));
    return result;
  }

  void clear() {
    rules.clear();
  }
}

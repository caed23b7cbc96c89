package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Ocean's small rules on JSON values: dot paths, Python truthiness and {@code str()}, query rendering. */
final class JsonValues {

  static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  private JsonValues() {}

  /** Descends objects only along {@code a.b.c}; null when a key is missing or a step is not an object. */
  static JsonNode dotPath(JsonNode root, String path) {
    JsonNode node = root;
    for (String key : path.split("\\.")) {
      if (node == null || !node.isObject()) {
        return null;
      }
      node = node.get(key);
    }
    return node == null || node.isNull() ? null : node;
  }

  static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isNumber()) {
      return v.decimalValue().signum() != 0;
    }
    if (v.isTextual()) {
      return !v.asText().isEmpty();
    }
    return v.size() > 0;
  }

  /** As Python's {@code str()} renders a JSON value (objects and arrays as JSON, where Python prints a repr). */
  static String pythonStr(JsonNode v) {
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? "True" : "False";
    }
    if (v.isNumber()) {
      return v.isIntegralNumber() ? v.bigIntegerValue().toString() : v.decimalValue().toPlainString();
    }
    return v.toString();
  }

  /** A query-string value as httpx renders it: strings verbatim, numbers, {@code true}/{@code false}, null empty. */
  static String queryValue(JsonNode v) {
    if (v == null || v.isNull()) {
      return "";
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().toString();
    }
    if (v.isNumber()) {
      return v.decimalValue().toPlainString();
    }
    return v.isBoolean() ? String.valueOf(v.asBoolean()) : v.toString();
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code k=v&k2=v2} with list values repeated, in order. */
  static String query(List<Map.Entry<String, String>> params) {
    StringBuilder q = new StringBuilder();
    for (Map.Entry<String, String> p : params) {
      q.append(q.length() == 0 ? "" : "&").append(encode(p.getKey())).append('=').append(encode(p.getValue()));
    }
    return q.toString();
  }

  static String canonical(Object value) {
    try {
      return CANONICAL.writeValueAsString(CANONICAL.valueToTree(value));
    } catch (Exception e) {
      throw new IllegalStateException("cannot serialise a request key", e);
    }
  }
}

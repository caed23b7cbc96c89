package dev.oceanj.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Shared Jackson mapper and small JSON helpers. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Json() {}

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode object(String text) {
    try {
      return (ObjectNode) MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("stored JSON is corrupt: " + e.getMessage(), e);
    }
  }

  static ObjectNode object(byte[] bytes) {
    try {
      return (ObjectNode) MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalStateException("stored JSON is corrupt: " + e.getMessage(), e);
    }
  }

  /** Parses a request body; empty means an empty object. */
  static JsonNode parseBody(byte[] body) {
    if (body.length == 0) {
      return MAPPER.createObjectNode();
    }
    try {
      JsonNode n = MAPPER.readTree(body);
      return n == null ? MAPPER.createObjectNode() : n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw PortError.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw PortError.badRequest("request body is not valid JSON: " + e.getMessage());
    }
  }

  static ObjectNode ok() {
    return MAPPER.createObjectNode().put("ok", true);
  }

  static String iso(long epochMillis) {
    return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
  }

  /** Epoch millis of an ISO-8601 instant, or null when it is not one. */
  static Long parseInstant(String s) {
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(s).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        try {
          return java.time.LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e3) {
          return null;
        }
      }
    }
  }

  /** Deep merge of {@code patch} into {@code target}: objects merge key by key, anything else replaces. */
  static void deepMerge(ObjectNode target, JsonNode patch) {
    patch.properties().forEach(f -> {
      JsonNode existing = target.get(f.getKey());
      if (existing instanceof ObjectNode eo && f.getValue() instanceof ObjectNode) {
        deepMerge(eo, f.getValue());
      } else {
        target.set(f.getKey(), f.getValue());
      }
    });
  }
}

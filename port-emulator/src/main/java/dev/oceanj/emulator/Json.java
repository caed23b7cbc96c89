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

  /**
   * The bytes {@link #bytes} gives for a tree of objects, arrays and values, written faster ({@link EntityJson}): how
   * entity writes serialise what they store, and how answers are written.
   */
  static byte[] entityBytes(JsonNode node) {
    return EntityJson.bytes(node);
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

  /**
   * Parses an entity write body as {@link #parseBody} does, keeping strings as {@link RawText} where
   * {@link RawJson} can, so that the entity written from it copies their bytes instead of re-encoding them. Only
   * for trees that live as long as the request: raw strings hold on to the body.
   */
  static JsonNode parseEntityBody(byte[] body) {
    ObjectNode raw = RawJson.parseObject(body);
    return raw != null ? raw : parseBody(body);
  }

  /** A stored entity's JSON as a tree, strings kept raw where possible (they hold on to {@code json}). */
  static ObjectNode entity(byte[] json) {
    ObjectNode raw = RawJson.parseObject(json);
    return raw != null ? raw : object(json);
  }

  static ObjectNode ok() {
    return MAPPER.createObjectNode().put("ok", true);
  }

  /** A formatted whole second: everything of the ISO text before the milliseconds. */
  private record SecondText(long second, String prefix) {}

  /**
   * Recently formatted seconds, indexed by the second's low bits. Every upsert formats its timestamps and
   * DateTimeFormatter costs several microseconds a call; the seconds repeat, so only the milliseconds are appended.
   * Entries are immutable records, so a racy read sees either a whole old entry or a whole new one.
   */
  private static final SecondText[] SECONDS = new SecondText[64];

  static String iso(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    int millis = (int) Math.floorMod(epochMillis, 1000);
    int slot = (int) (second & (SECONDS.length - 1));
    SecondText cached = SECONDS[slot];
    if (cached == null || cached.second() != second) {
      String whole = ISO_MILLIS.format(Instant.ofEpochSecond(second));
      // The pattern ends in ".SSS'Z'": keep what precedes the five characters of milliseconds and zone.
      cached = new SecondText(second, whole.substring(0, whole.length() - 5));
      SECONDS[slot] = cached;
    }
    return cached.prefix() + '.' + (char) ('0' + millis / 100) + (char) ('0' + millis / 10 % 10)
        + (char) ('0' + millis % 10) + 'Z';
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

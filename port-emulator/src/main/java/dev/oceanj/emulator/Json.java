package dev.oceanj.emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

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
   * The bytes {@link #bytes} gives for a tree of objects, arrays and values, but {@link RawText} strings are copied
   * rather than encoded again: how entity writes serialise what they store.
   */
  static byte[] entityBytes(JsonNode node) {
    Scratch out = SCRATCH.get();
    out.reset();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      write(g, node, RawText.copiesTo(g));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /**
   * A per-thread buffer that the entity is written into before it is copied out at its exact size: growing a fresh
   * buffer for every entity made more garbage than the entity itself.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch extends java.io.OutputStream {
    private byte[] buf = new byte[8192];
    private int count;

    void reset() {
      count = 0;
      if (buf.length > 1 << 20) {
        // An entity near the 1 MiB body limit grew it: do not keep that much per thread.
        buf = new byte[8192];
      }
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    private void ensure(int more) {
      if (count + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
      }
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, count);
    }
  }

  /** As {@code ObjectNode.serialize} with the mapper's default features: no sorting, nulls and empty arrays kept. */
  private static void write(JsonGenerator g, JsonNode node, boolean copyRaw) throws IOException {
    if (node instanceof ObjectNode o) {
      g.writeStartObject();
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        g.writeFieldName(e.getKey());
        write(g, e.getValue(), copyRaw);
      }
      g.writeEndObject();
    } else if (node instanceof ArrayNode a) {
      g.writeStartArray();
      for (JsonNode item : a) {
        write(g, item, copyRaw);
      }
      g.writeEndArray();
    } else if (copyRaw && node instanceof RawText raw) {
      raw.writeTo(g);
    } else if (node instanceof TextNode) {
      g.writeString(node.textValue());
    } else if (node instanceof NullNode) {
      g.writeNull();
    } else if (node instanceof BooleanNode) {
      g.writeBoolean(node.booleanValue());
    } else if (node instanceof IntNode) {
      g.writeNumber(node.intValue());
    } else if (node instanceof LongNode) {
      g.writeNumber(node.longValue());
    } else if (node instanceof DoubleNode) {
      g.writeNumber(node.doubleValue());
    } else {
      // Rarer values (big numbers, binary, POJOs): Jackson's own serialisation of the node.
      MAPPER.writeTree(g, node);
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

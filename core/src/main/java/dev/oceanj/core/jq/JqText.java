package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Compact JSON text exactly as {@code jq -c} prints it (numbers via {@link JqNumbers}). */
final class JqText {

  private JqText() {}

  static String toJson(JsonNode v) {
    StringBuilder b = new StringBuilder();
    write(b, v);
    return b.toString();
  }

  /** jq's {@code tostring}: strings as they are, everything else as compact JSON. */
  static String toText(JsonNode v) {
    return v.isTextual() ? v.textValue() : toJson(v);
  }

  static void write(StringBuilder b, JsonNode v) {
    write(b, v, 0);
  }

  private static void write(StringBuilder b, JsonNode v, int depth) {
    if (depth > JqBuiltins.MAX_DEPTH) {
      // jq's printer gives up at its depth limit instead of overflowing the stack.
      b.append("<skipped: too deep>");
      return;
    }
    if (v == null || v.isNull() || v.isMissingNode()) {
      b.append("null");
    } else if (v.isTextual()) {
      quote(b, v.textValue());
    } else if (v.isNumber()) {
      b.append(JqNumbers.format(v));
    } else if (v.isBoolean()) {
      b.append(v.booleanValue());
    } else if (v.isArray()) {
      b.append('[');
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        write(b, v.get(i), depth + 1);
      }
      b.append(']');
    } else if (v.isObject()) {
      b.append('{');
      boolean first = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) {
          b.append(',');
        }
        first = false;
        quote(b, e.getKey());
        b.append(':');
        write(b, e.getValue(), depth + 1);
      }
      b.append('}');
    } else {
      quote(b, v.asText());
    }
  }

  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\t': b.append("\\t"); break;
        case '\r': b.append("\\r"); break;
        case '\b': b.append("\\b"); break;
        case '\f': b.append("\\f"); break;
        default:
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }

  /** {@code type (value)} as jq's error messages describe a value, the dump cut to jq's 11 characters. */
  static String describe(JsonNode v) {
    String dump = toJson(v);
    if (dump.length() > 14) {
      dump = dump.substring(0, 11) + "...";
    }
    return typeOf(v) + " (" + dump + ")";
  }

  static String typeOf(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "null";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isTextual()) {
      return "string";
    }
    if (v.isArray()) {
      return "array";
    }
    return "object";
  }
}

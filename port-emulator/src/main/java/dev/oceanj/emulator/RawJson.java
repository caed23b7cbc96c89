package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a JSON object into the same Jackson tree {@code ObjectMapper.readTree} builds, except that long strings
 * whose bytes Jackson would write back unchanged become {@link RawText} nodes, so that {@link Json#entityBytes}
 * copies them when the entity is written out. Entity writes parse a body and serialise what they store; with 1 KiB string properties, decoding and
 * re-encoding those strings was most of the emulator's CPU per entity.
 *
 * <p>It reads a strict subset of JSON and declines (answers null) anything outside it, so the caller falls back to
 * Jackson and every error, limit and edge case stays Jackson's: a root that is not an object, content after it,
 * escapes other than JSON's, invalid UTF-8 (including overlong forms and encoded surrogates), control characters in
 * strings, numbers Jackson would not read as an int, a long or a double (leading zeros, 19 digits or more), deep
 * nesting, very long names. What it accepts, it reads as Jackson does: duplicate names keep their first position
 * and their last value, integers are {@link IntNode} when they fit an int and {@link LongNode} otherwise, other
 * numbers are {@link DoubleNode}s of {@link Double#parseDouble}.
 */
final class RawJson {

  /** Far below Jackson's nesting limit, so a body accepted here is never one Jackson would refuse. */
  private static final int MAX_DEPTH = 100;
  /** Far below Jackson's name length limit (50,000), for the same reason. */
  private static final int MAX_NAME_BYTES = 10_000;
  /** Far below Jackson's number length limit (1,000). */
  private static final int MAX_NUMBER_CHARS = 100;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Thrown to give up; no stack trace, as declining is an ordinary outcome. */
  private static final class Decline extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Decline() {
      super("declined", null, false, false);
    }
  }

  private static final Decline DECLINE = new Decline();

  private final byte[] b;
  private final int end;
  private int i;
  private int depth;

  private RawJson(byte[] bytes) {
    this.b = bytes;
    this.end = bytes.length;
  }

  /** The tree of a JSON object, or null when the text is not in the subset this reads (then ask Jackson). */
  static ObjectNode parseObject(byte[] bytes) {
    RawJson r = new RawJson(bytes);
    try {
      r.skipWhitespace();
      if (r.i >= r.end || r.b[r.i] != '{') {
        return null;
      }
      ObjectNode root = r.object();
      r.skipWhitespace();
      return r.i == r.end ? root : null;
    } catch (Decline d) {
      return null;
    }
  }

  private void skipWhitespace() {
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      i++;
    }
  }

  private byte peek() {
    if (i >= end) {
      throw DECLINE;
    }
    return b[i];
  }

  private JsonNode value() {
    byte c = peek();
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        literal("true");
        return BooleanNode.TRUE;
      case 'f':
        literal("false");
        return BooleanNode.FALSE;
      case 'n':
        literal("null");
        return NullNode.getInstance();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw DECLINE;
    }
  }

  private ObjectNode object() {
    if (++depth > MAX_DEPTH) {
      throw DECLINE;
    }
    i++;
    ObjectNode o = NODES.objectNode();
    skipWhitespace();
    if (peek() == '}') {
      i++;
      depth--;
      return o;
    }
    while (true) {
      if (peek() != '"') {
        throw DECLINE;
      }
      String name = name();
      skipWhitespace();
      if (peek() != ':') {
        throw DECLINE;
      }
      i++;
      skipWhitespace();
      // As Jackson's tree reader: a repeated name replaces the value and keeps the first position.
      o.replace(name, value());
      skipWhitespace();
      byte c = peek();
      i++;
      if (c == '}') {
        depth--;
        return o;
      }
      if (c != ',') {
        throw DECLINE;
      }
      skipWhitespace();
    }
  }

  private ArrayNode array() {
    if (++depth > MAX_DEPTH) {
      throw DECLINE;
    }
    i++;
    ArrayNode a = NODES.arrayNode();
    skipWhitespace();
    if (peek() == ']') {
      i++;
      depth--;
      return a;
    }
    while (true) {
      a.add(value());
      skipWhitespace();
      byte c = peek();
      i++;
      if (c == ']') {
        depth--;
        return a;
      }
      if (c != ',') {
        throw DECLINE;
      }
      skipWhitespace();
    }
  }

  private void literal(String word) {
    int n = word.length();
    if (end - i < n) {
      throw DECLINE;
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != word.charAt(k)) {
        throw DECLINE;
      }
    }
    i += n;
    requireDelimiter();
  }

  /** A value must be followed by whitespace, a separator or the end; Jackson reads "truex" or "1x" as errors. */
  private void requireDelimiter() {
    if (i < end) {
      byte c = b[i];
      if (c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        throw DECLINE;
      }
    }
  }

  private JsonNode number() {
    int start = i;
    boolean negative = b[i] == '-';
    if (negative) {
      i++;
    }
    int firstDigit = i;
    long value = 0;
    if (peek() == '0') {
      i++;
      if (i < end && b[i] >= '0' && b[i] <= '9') {
        throw DECLINE;
      }
    } else {
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        value = value * 10 + (b[i] - '0');
        i++;
        if (i - firstDigit > 18) {
          throw DECLINE;
        }
      }
      if (i == firstDigit) {
        throw DECLINE;
      }
    }
    boolean floating = false;
    if (i < end && b[i] == '.') {
      floating = true;
      i++;
      digits();
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      floating = true;
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      digits();
    }
    requireDelimiter();
    if (floating) {
      if (i - start > MAX_NUMBER_CHARS) {
        throw DECLINE;
      }
      return DoubleNode.valueOf(Double.parseDouble(new String(b, start, i - start, StandardCharsets.ISO_8859_1)));
    }
    long v = negative ? -value : value;
    return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
  }

  private void digits() {
    int from = i;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    if (i == from) {
      throw DECLINE;
    }
  }

  private String name() {
    // Names repeat from entity to entity: short plain ones are looked up by their bytes instead of built again
    // (which also spares hashing them: a String caches its hash).
    final byte[] bytes = b;
    int start = i + 1;
    int at = start;
    int hash = 0;
    while (at < end && at - start <= MAX_CACHED_NAME && PLAIN[bytes[at] & 0xff]) {
      hash = 31 * hash + bytes[at];
      at++;
    }
    if (at < end && bytes[at] == '"' && at - start <= MAX_CACHED_NAME) {
      int slot = (hash ^ (hash >>> 16)) & (NAMES.length - 1);
      Name cached = NAMES[slot];
      i = at + 1;
      if (cached != null && Arrays.equals(cached.utf8, 0, cached.utf8.length, bytes, start, at)) {
        return cached.text;
      }
      String text = new String(bytes, start, at - start, StandardCharsets.ISO_8859_1);
      NAMES[slot] = new Name(Arrays.copyOfRange(bytes, start, at), text);
      return text;
    }
    JsonNode n = string();
    if (i - start > MAX_NAME_BYTES) {
      throw DECLINE;
    }
    return n.textValue();
  }

  private static final int MAX_CACHED_NAME = 64;

  /** A name and its bytes. Immutable, so a racy read of {@link #NAMES} sees a whole entry or another one. */
  private record Name(byte[] utf8, String text) {}

  /** Recently read names, by a hash of their bytes; a collision just replaces the entry. */
  private static final Name[] NAMES = new Name[512];

  /** A string value; {@code i} is at its opening quote and ends after its closing one. */
  private JsonNode string() {
    int start = ++i;
    boolean ascii = true;
    boolean raw = true;
    // The hot loop of the whole parse (1 KiB strings): locals rather than fields, and one table test per plain byte,
    // as C1 keeps fields in memory and does not merge the comparisons.
    final byte[] bytes = b;
    final int limit = end;
    int at = start;
    while (true) {
      while (at < limit && PLAIN[bytes[at] & 0xff]) {
        at++;
      }
      if (at >= limit) {
        throw DECLINE;
      }
      int c = bytes[at] & 0xff;
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        i = at;
        return escapedString(start);
      }
      if (c < 0x20) {
        throw DECLINE;
      }
      ascii = false;
      i = at;
      int n = utf8Sequence(c);
      if (n == 4) {
        // Jackson writes characters beyond the BMP as two \\u escapes: this string cannot be copied as is.
        raw = false;
      }
      at += n;
    }
    int length = at - start;
    i = at + 1;
    if (length == 0) {
      return TextNode.valueOf("");
    }
    String s = new String(bytes, start, length, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    return raw && length >= RawText.MIN_LENGTH ? new RawText(s, bytes, start, length) : TextNode.valueOf(s);
  }

  /** Bytes a string can hold as they are: printable ASCII other than the quote and the backslash. */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  /**
   * Length of the well-formed UTF-8 sequence starting at {@code i} with lead byte {@code c} (RFC 3629: no overlong
   * forms, no surrogates, nothing above U+10FFFF); declines anything else.
   */
  private int utf8Sequence(int c) {
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c == 0xe0) {
        lo = 0xa0;
      } else if (c == 0xed) {
        hi = 0x9f;
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c == 0xf0) {
        lo = 0x90;
      } else if (c == 0xf4) {
        hi = 0x8f;
      }
    } else {
      throw DECLINE;
    }
    if (end - i < n) {
      throw DECLINE;
    }
    int second = b[i + 1] & 0xff;
    if (second < lo || second > hi) {
      throw DECLINE;
    }
    for (int k = 2; k < n; k++) {
      if ((b[i + k] & 0xc0) != 0x80) {
        throw DECLINE;
      }
    }
    return n;
  }

  /** The rest of a string that holds escapes, decoded as Jackson does; {@code start} is after the opening quote. */
  private JsonNode escapedString(int start) {
    StringBuilder sb = new StringBuilder(i - start + 16);
    sb.append(new String(b, start, i - start, StandardCharsets.UTF_8));
    while (true) {
      if (i >= end) {
        throw DECLINE;
      }
      int c = b[i] & 0xff;
      if (c == '"') {
        i++;
        return TextNode.valueOf(sb.toString());
      }
      if (c == '\\') {
        if (i + 1 >= end) {
          throw DECLINE;
        }
        byte e = b[i + 1];
        i += 2;
        switch (e) {
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case '/' -> sb.append('/');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> sb.append(hexChar());
          default -> throw DECLINE;
        }
      } else if (c < 0x20) {
        throw DECLINE;
      } else if (c < 0x80) {
        sb.append((char) c);
        i++;
      } else {
        int n = utf8Sequence(c);
        sb.append(new String(b, i, n, StandardCharsets.UTF_8));
        i += n;
      }
    }
  }

  /** The four hex digits of a {@code \\u} escape, as one char (surrogates are kept as they come, as Jackson does). */
  private char hexChar() {
    if (end - i < 4) {
      throw DECLINE;
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int c = b[i + k];
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        throw DECLINE;
      }
      v = (v << 4) | d;
    }
    i += 4;
    return (char) v;
  }
}

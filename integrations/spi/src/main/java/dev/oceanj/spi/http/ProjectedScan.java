package dev.oceanj.spi.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.RawFields;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A page of JSON held as bytes, read the way {@link JsonItems} reads it with Jackson (the same envelope, the same
 * items, the same nodes from the same factory), but without Jackson's tokenizer where {@link RawFields} says a value
 * is not read: a skipped value is only checked against JSON's grammar (no field name looked up in a symbol table,
 * no string built, no number converted) and field names are compared as bytes with the names a projection keeps.
 *
 * <p>It is strict: anything it does not expect (a JSON extension, a byte order mark, an encoding other than
 * UTF-8, an odd UTF-8 sequence, nesting or numbers or strings past its limits, trailing content, a body that is not
 * JSON) makes it give up with {@link Unsupported}, and the caller reads the page with Jackson instead, which then
 * gives Jackson's answer or error. So what it accepts it reads exactly as Jackson's tree reader would with default
 * parser features; it never accepts what Jackson refuses.
 */
final class ProjectedScan {

  /** The page is not one this reader handles; read it with Jackson. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported() {
      super(null, null, false, false);
    }
  }

  private static final Unsupported UNSUPPORTED = new Unsupported();
  /** Below Jackson's default nesting limit, so a document it would refuse is always left to it. */
  private static final int MAX_DEPTH = 200;
  /** Below Jackson's default number length limit (1,000). */
  private static final int MAX_NUMBER = 500;
  /** Below Jackson's default string (20,000,000) and name (50,000) length limits. */
  private static final int MAX_STRING = 5_000_000;
  private static final int MAX_NAME = 20_000;

  private final byte[] b;
  private final int end;
  private final JsonNodeFactory nodes;
  private final boolean bigDecimals;
  private final Map<RawFields, Names> names = new IdentityHashMap<>();
  private int i;
  private int depth;
  private long count;
  private boolean streamed;
  /** Whether the last string {@link #stringEnd} scanned holds an escape. */
  private boolean escaped;
  /** Whether the last string {@link #stringEnd} scanned holds a byte above 0x7F (it then needs decoding). */
  private boolean wide;
  /** The last name {@link #keptName} decoded (it held an escape). */
  private String decodedName;

  private ProjectedScan(byte[] b, JsonNodeFactory nodes, boolean bigDecimals) {
    this.b = b;
    this.end = b.length;
    this.nodes = nodes;
    this.bigDecimals = bigDecimals;
  }

  /**
   * Reads {@code body} as {@link JsonItems#read(com.fasterxml.jackson.core.JsonParser, List, RawFields,
   * java.util.function.Consumer)} would, adding the streamed items to {@code items} in order.
   *
   * @param bigDecimals whether decimals are read as {@link BigDecimal} (the mapper's
   *     {@code USE_BIG_DECIMAL_FOR_FLOATS}), else as doubles
   * @throws Unsupported when the body is not one this reader handles (nothing is then known of it)
   */
  static JsonItems.Envelope read(byte[] body, List<String> path, RawFields fields, JsonNodeFactory nodes,
      boolean bigDecimals, List<JsonNode> items) throws Unsupported {
    ProjectedScan s = new ProjectedScan(body, nodes, bigDecimals);
    s.ws();
    if (s.i >= s.end) {
      throw UNSUPPORTED;
    }
    JsonNode doc = s.envelope(path, 0, fields, items);
    s.ws();
    if (s.i != s.end) {
      throw UNSUPPORTED;
    }
    return new JsonItems.Envelope(doc, s.streamed, s.count);
  }

  private JsonNode envelope(List<String> path, int level, RawFields fields, List<JsonNode> items)
      throws Unsupported {
    byte c = b[i];
    if (level == path.size() && c == '[') {
      streamed = true;
      if (open(']')) {
        do {
          items.add(item(fields));
          count++;
        } while (!afterElement());
      }
      return nodes.arrayNode();
    }
    if (level < path.size() && c == '{') {
      ObjectNode object = nodes.objectNode();
      if (open('}')) {
        do {
          String name = name();
          JsonNode value = name.equals(path.get(level)) && !streamed
              ? envelope(path, level + 1, fields, items)
              : value();
          object.set(name, value);
        } while (!afterMember());
      }
      return object;
    }
    return value();
  }

  /** One element of the streamed array: whole, or the parts {@code fields} reads. */
  private JsonNode item(RawFields fields) throws Unsupported {
    if (peek() != '{' || fields.nextWhole()) {
      return value();
    }
    return projected(fields);
  }

  /** As {@code JsonItems.projected}: the value as far as {@code node} reads it. */
  private JsonNode projected(RawFields node) throws Unsupported {
    byte c = peek();
    if (node.isAll() || (c != '{' && c != '[')) {
      return value();
    }
    RawFields elements = node.elements();
    if (c == '{' && elements == null) {
      Names keep = names.computeIfAbsent(node, Names::new);
      ObjectNode object = nodes.objectNode();
      if (open('}')) {
        do {
          int k = keptName(keep);
          if (k >= 0) {
        object.set(keep.strings[k], projected(keep.children[k]));
          } else if (k == -1) {
        skip();
          } else {
        String name = decodedName;
        RawFields child = node.field(name);
        if (child != null) {
          object.set(name, projected(child));
        } else {
          skip();
        }
          }
        } while (!afterMember());
      }
      return object;
    }
    if (c == '[' && elements != null) {
      ArrayNode array = nodes.arrayNode();
      if (open(']')) {
        do {
          array.add(projected(elements));
        } while (!afterElement());
      }
      return array;
    }
    return value();
  }

  /** The names a projection keeps of an object, as UTF-8 bytes. */
  private static final class Names {
    final byte[][] bytes;
    final String[] strings;
    final RawFields[] children;

    Names(RawFields node) {
      int n = node.names().size();
      bytes = new byte[n][];
      strings = new String[n];
      children = new RawFields[n];
      int k = 0;
      for (String name : node.names()) {
        strings[k] = name;
        bytes[k] = name.getBytes(StandardCharsets.UTF_8);
        children[k] = node.field(name);
        k++;
      }
    }
  }

  /**
   * Reads a member's name and its colon: the index of the kept name it equals, -1 when it is none of them, -2 when
   * it holds escapes (then {@link #decodedName} is the name to look up).
   */
  private int keptName(Names keep) throws Unsupported {
    if (b[i] != '"') {
      throw UNSUPPORTED;
    }
    int start = i + 1;
    int close = stringEnd(start);
    int len = close - start;
    int result = -1;
    if (escaped) {
      decodedName = decode(start, close);
      result = -2;
    } else {
      byte[][] bytes = keep.bytes;
      for (int k = 0; k < bytes.length; k++) {
        byte[] n = bytes[k];
        if (n.length == len && Arrays.equals(b, start, close, n, 0, len)) {
          result = k;
          break;
        }
      }
    }
    if (len > MAX_NAME) {
      throw UNSUPPORTED;
    }
    i = close + 1;
    colon();
    return result;
  }

  /** Reads a member's name and its colon. */
  private String name() throws Unsupported {
    if (peek() != '"') {
      throw UNSUPPORTED;
    }
    int start = i + 1;
    int close = stringEnd(start);
    if (close - start > MAX_NAME) {
      throw UNSUPPORTED;
    }
    String name = escaped || wide ? decode(start, close) : new String(b, start, close - start,
        StandardCharsets.ISO_8859_1);
    i = close + 1;
    colon();
    return name;
  }

  private void colon() throws Unsupported {
    ws();
    if (peek() != ':') {
      throw UNSUPPORTED;
    }
    i++;
    ws();
  }

  /** After an object's member: true at its closing brace (consumed; the object is left), false after a comma. */
  private boolean afterMember() throws Unsupported {
    return after('}');
  }

  /** After an array's element: true at its closing bracket (consumed; the array is left), false after a comma. */
  private boolean afterElement() throws Unsupported {
    return after(']');
  }

  private boolean after(char close) throws Unsupported {
    ws();
    byte c = peek();
    i++;
    if (c == close) {
      leave();
      return true;
    }
    if (c != ',') {
      throw UNSUPPORTED;
    }
    ws();
    return false;
  }

  /** The whole value at {@code i}, as Jackson's tree reader makes it. */
  private JsonNode value() throws Unsupported {
    byte c = peek();
    switch (c) {
      case '{': {
        ObjectNode object = nodes.objectNode();
        if (open('}')) {
          do {
            String name = name();
            object.set(name, value());
          } while (!afterMember());
        }
        return object;
      }
      case '[': {
        ArrayNode array = nodes.arrayNode();
        if (open(']')) {
          do {
            array.add(value());
          } while (!afterElement());
        }
        return array;
      }
      case '"': {
        int start = i + 1;
        int close = stringEnd(start);
        if (close - start > MAX_STRING) {
          throw UNSUPPORTED;
        }
        String s = escaped || wide ? decode(start, close)
            : new String(b, start, close - start, StandardCharsets.ISO_8859_1);
        i = close + 1;
        return nodes.textNode(s);
      }
      case 't':
        literal("true");
        return nodes.booleanNode(true);
      case 'f':
        literal("false");
        return nodes.booleanNode(false);
      case 'n':
        literal("null");
        return nodes.nullNode();
      default:
        return number();
    }
  }

  /** Checks the value at {@code i} against JSON's grammar and moves past it, building nothing. */
  private void skip() throws Unsupported {
    byte c = peek();
    switch (c) {
      case '{':
        if (open('}')) {
          do {
            if (peek() != '"') {
          throw UNSUPPORTED;
            }
            int close = stringEnd(i + 1);
            if (close - i - 1 > MAX_NAME) {
          throw UNSUPPORTED;
            }
            i = close + 1;
            colon();
            skip();
          } while (!afterMember());
        }
        return;
      case '[':
        if (open(']')) {
          do {
            skip();
          } while (!afterElement());
        }
        return;
      case '"': {
        int close = stringEnd(i + 1);
        if (close - i - 1 > MAX_STRING) {
          throw UNSUPPORTED;
        }
        i = close + 1;
        return;
      }
      case 't':
        literal("true");
        return;
      case 'f':
        literal("false");
        return;
      case 'n':
        literal("null");
        return;
      default:
        numberEnd();
    }
  }

  /**
   * The index of the quote that closes the string whose first character is at {@code start}, checking its
   * escapes and its UTF-8; sets {@link #escaped} and {@link #wide}.
   */
  private int stringEnd(int start) throws Unsupported {
    boolean esc = false;
    boolean wide = false;
    int j = start;
    byte[] a = b;
    int n = end;
    while (true) {
      if (j >= n) {
        throw UNSUPPORTED;
      }
      int c = a[j];
      if (c >= 0x20 && c != '"' && c != '\\') {
        j++; // the common case first: one test fewer per byte
      } else if (c == '"') {
        break;
      } else if (c == '\\') {
        esc = true;
        j = escapeEnd(j + 1);
      } else if (c < 0) {
        wide = true;
        j = utf8End(j, c & 0xFF);
      } else {
        throw UNSUPPORTED; // a control character
      }
    }
    escaped = esc;
    this.wide = wide;
    return j;
  }

  /** The index after the escape whose letter is at {@code j}. */
  private int escapeEnd(int j) throws Unsupported {
    if (j >= end) {
      throw UNSUPPORTED;
    }
    switch (b[j]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
        return j + 1;
      case 'u':
        if (j + 4 >= end) {
          throw UNSUPPORTED;
        }
        for (int k = 1; k <= 4; k++) {
          if (Character.digit(b[j + k], 16) < 0) {
            throw UNSUPPORTED;
          }
        }
        return j + 5;
      default:
        throw UNSUPPORTED;
    }
  }

  /** The index after the well-formed UTF-8 sequence whose lead byte {@code lead} is at {@code j}. */
  private int utf8End(int j, int lead) throws Unsupported {
    int more;
    int min;
    int max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      more = 1;
      min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      more = 2;
      min = lead == 0xE0 ? 0xA0 : 0x80; // no overlong form
      max = lead == 0xED ? 0x9F : 0xBF; // no surrogate
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      more = 3;
      min = lead == 0xF0 ? 0x90 : 0x80;
      max = lead == 0xF4 ? 0x8F : 0xBF; // not above U+10FFFF
    } else {
      throw UNSUPPORTED;
    }
    if (j + more >= end) {
      throw UNSUPPORTED;
    }
    int second = b[j + 1] & 0xFF;
    if (second < min || second > max) {
      throw UNSUPPORTED;
    }
    for (int k = 2; k <= more; k++) {
      if ((b[j + k] & 0xC0) != 0x80) {
        throw UNSUPPORTED;
      }
    }
    return j + more + 1;
  }

  /** The characters of the string from {@code start} to {@code close} (already checked by {@link #stringEnd}). */
  private String decode(int start, int close) {
    if (!escaped) {
      return new String(b, start, close - start, StandardCharsets.UTF_8);
    }
    StringBuilder s = new StringBuilder(close - start);
    int j = start;
    while (j < close) {
      int run = j;
      while (j < close && b[j] != '\\') {
        j++;
      }
      if (j > run) {
        s.append(new String(b, run, j - run, StandardCharsets.UTF_8));
      }
      if (j >= close) {
        break;
      }
      byte e = b[j + 1];
      switch (e) {
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> {
          s.append((char) Integer.parseInt(new String(b, j + 2, 4, StandardCharsets.ISO_8859_1), 16));
          j += 4;
        }
        default -> s.append((char) e); // '"', '\\', '/'
      }
      j += 2;
    }
    return s.toString();
  }

  private void literal(String word) throws Unsupported {
    int n = word.length();
    if (i + n > end) {
      throw UNSUPPORTED;
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != word.charAt(k)) {
        throw UNSUPPORTED;
      }
    }
    i += n;
    delimiter();
  }

  /** A value must be followed by white space, a comma, a closing bracket or the end (Jackson reports the rest). */
  private void delimiter() throws Unsupported {
    if (i < end) {
      byte c = b[i];
      if (c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        throw UNSUPPORTED;
      }
    }
  }

  /** Moves past the number at {@code i}; true when it has a fraction or an exponent. */
  private boolean numberEnd() throws Unsupported {
    int start = i;
    int j = i;
    if (j < end && b[j] == '-') {
      j++;
    }
    if (j >= end) {
      throw UNSUPPORTED;
    }
    if (b[j] == '0') {
      j++;
    } else if (b[j] >= '1' && b[j] <= '9') {
      while (j < end && b[j] >= '0' && b[j] <= '9') {
        j++;
      }
    } else {
      throw UNSUPPORTED;
    }
    boolean fraction = false;
    if (j < end && b[j] == '.') {
      fraction = true;
      j = digits(j + 1);
    }
    if (j < end && (b[j] == 'e' || b[j] == 'E')) {
      fraction = true;
      j++;
      if (j < end && (b[j] == '+' || b[j] == '-')) {
        j++;
      }
      j = digits(j);
    }
    if (j - start > MAX_NUMBER) {
      throw UNSUPPORTED;
    }
    i = j;
    delimiter();
    return fraction;
  }

  /** The index after one or more digits from {@code j}. */
  private int digits(int j) throws Unsupported {
    int from = j;
    while (j < end && b[j] >= '0' && b[j] <= '9') {
      j++;
    }
    if (j == from) {
      throw UNSUPPORTED;
    }
    return j;
  }

  /** The number at {@code i} as Jackson's tree reader makes it: int, long or big integer; double or decimal. */
  private JsonNode number() throws Unsupported {
    int start = i;
    boolean fraction = numberEnd();
    String text = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
    if (fraction) {
      return bigDecimals ? nodes.numberNode(new BigDecimal(text)) : nodes.numberNode(Double.parseDouble(text));
    }
    int digits = text.length() - (b[start] == '-' ? 1 : 0);
    if (digits <= 18) {
      long v = Long.parseLong(text);
      return v == (int) v ? nodes.numberNode((int) v) : nodes.numberNode(v);
    }
    BigInteger big = new BigInteger(text);
    return big.bitLength() < 64 ? nodes.numberNode(big.longValue()) : nodes.numberNode(big);
  }

  private byte peek() throws Unsupported {
    if (i >= end) {
      throw UNSUPPORTED;
    }
    return b[i];
  }

  private void ws() {
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      i++;
    }
  }

  /**
   * Enters the object or array whose opening bracket is at {@code i}: true when a member or element follows (the
   * caller reads them, then {@link #afterMember()} or {@link #afterElement()} closes it), false when it was empty
   * (already closed).
   */
  private boolean open(char close) throws Unsupported {
    enter();
    i++;
    ws();
    if (peek() == close) {
      i++;
      leave();
      return false;
    }
    return true;
  }

  private void enter() throws Unsupported {
    if (++depth > MAX_DEPTH) {
      throw UNSUPPORTED;
    }
  }

  private void leave() {
    depth--;
  }

}

package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RawJson} must build exactly Jackson's tree (same node classes, same order, same values) and serialise to
 * exactly Jackson's bytes, or decline so that Jackson reads the text.
 */
class RawJsonTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Parses with both; when RawJson accepts, the trees and their serialisations must be identical. */
  private static ObjectNode sameAsJackson(byte[] text) {
    ObjectNode raw = RawJson.parseObject(text);
    if (raw == null) {
      return null;
    }
    JsonNode jackson = Json.parseBody(text);
    assertEquals(jackson, raw, new String(text, StandardCharsets.UTF_8));
    assertSameShape(jackson, raw, "$");
    assertArrayEquals(Json.bytes(jackson), Json.bytes(raw), () -> "bytes of " + new String(text, StandardCharsets.UTF_8));
    assertArrayEquals(Json.bytes(jackson), Json.entityBytes(raw),
        () -> "raw-copying bytes of " + new String(text, StandardCharsets.UTF_8));
    assertEquals(Json.text(jackson), Json.text(raw));
    return raw;
  }

  private static void assertSameShape(JsonNode expected, JsonNode actual, String path) {
    // RawText is a TextNode; every other class must be Jackson's own (IntNode vs LongNode vs DoubleNode matters).
    Class<?> a = actual instanceof RawText ? com.fasterxml.jackson.databind.node.TextNode.class : actual.getClass();
    assertEquals(expected.getClass(), a, path);
    if (expected.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> e = expected.fields();
      Iterator<Map.Entry<String, JsonNode>> r = actual.fields();
      while (e.hasNext()) {
        var x = e.next();
        var y = r.next();
        assertEquals(x.getKey(), y.getKey(), path + " key order");
        assertSameShape(x.getValue(), y.getValue(), path + "." + x.getKey());
      }
      assertTrue(!r.hasNext(), path);
    } else if (expected.isArray()) {
      for (int i = 0; i < expected.size(); i++) {
        assertSameShape(expected.get(i), actual.get(i), path + "[" + i + "]");
      }
    }
  }

  @Test
  void readsTypicalEntityBodiesWithRawStrings() {
    String bio = "lorem ipsum dolor sit amet, ünïcödé 日本語 ".repeat(40);
    String body = "{\"entities\":[{\"identifier\":\"hr-1\",\"title\":\"Ada Abrams\",\"blueprint\":\"fake-person\","
        + "\"properties\":{\"name\":\"Ada Abrams\",\"age\":42,\"score\":1.5,\"bio\":\"" + bio + "\",\"ok\":true,"
        + "\"none\":null},\"relations\":{\"department\":\"hr\"}}]}";
    ObjectNode tree = sameAsJackson(utf8(body));
    assertNotNull(tree, "a plain body takes the fast path");
    assertInstanceOf(RawText.class, tree.at("/entities/0/properties/bio"), "plain strings are kept raw");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{}", " {\"a\" : [ ] , \"b\":{ } }\n", "{\"a\":\"\"}", "{\"a\":-0,\"b\":0,\"c\":-1}",
      "{\"a\":2147483647,\"b\":2147483648,\"c\":-2147483648,\"d\":-2147483649,\"e\":999999999999999999}",
      "{\"a\":1.0,\"b\":1e2,\"c\":1E+2,\"d\":-1.5e-3,\"e\":0.1,\"f\":-0.0,\"g\":1e400,\"h\":123456789.123456789}",
      "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":{\"x\":1},\"a\":[1,2]}",
      "{\"é\":\"ünïcödé שלום 日本語\",\"k\":\"\u007f\"}",
      "{\"emoji\":\"smile 😀 here\"}", "{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\ud83d alone\"}",
      "{\"esc\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u2028 é\"}", "{\"a\\\"b\":1}",
      "{\"url\":\"https://example.com/a/b?c=d\"}", "{\"t\":true,\"f\":false,\"n\":null,\"arr\":[true,false,null,\"s\",1,2.5]}",
      "{\"deep\":[[[[[[[[[[{\"x\":[[[]]]}]]]]]]]]]]}"})
  void agreesWithJacksonOnWhatItAccepts(String text) {
    assertNotNull(sameAsJackson(utf8(text)), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "[]", "1", "\"s\"", "null", "{\"a\":1} trailing", "{\"a\":1}{}", "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}",
      "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}", "{\"a\":NaN}", "{\"a\":1x}", "{\"a\":tru}", "{\"a\":truex}",
      "{\"a\":1,}", "{\"a\":[1,]}", "{a:1}", "{'a':1}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12G4\"}",
      "{\"a\":\"tab\there\"}", "{\"a\":1234567890123456789}", "{\"a\":\"unterminated}", "{\"a\" 1}", "{\"a\":1 \"b\":2}",
      "{\"a\":/*c*/1}"})
  void declinesWhatJacksonShouldDecide(String text) {
    assertNull(RawJson.parseObject(utf8(text)), text);
  }

  @Test
  void declinesMalformedUtf8AndAByteOrderMark() {
    byte[][] bad = {
        {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0x80, '"', '}'}, // overlong NUL
        {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'}, // encoded surrogate
        {'{', '"', 'a', '"', ':', '"', (byte) 0xe2, (byte) 0x82, '"', '}'}, // truncated
        {'{', '"', 'a', '"', ':', '"', (byte) 0x80, '"', '}'}, // stray continuation byte
        {'{', '"', 'a', '"', ':', '"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'}, // > U+10FFFF
        {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'}}; // BOM: Jackson's to skip
    for (byte[] b : bad) {
      assertNull(RawJson.parseObject(b));
    }
  }

  @Test
  void declinesNestingBeyondItsLimit() {
    String deep = "{\"a\":" + "[".repeat(150) + "]".repeat(150) + "}";
    assertNull(RawJson.parseObject(utf8(deep)));
  }

  @Test
  void agreesWithJacksonOnRandomDocuments() {
    Random r = new Random(20260127);
    int accepted = 0;
    int raw = 0;
    for (int n = 0; n < 3000; n++) {
      StringBuilder sb = new StringBuilder();
      randomObject(r, sb, 0);
      ObjectNode tree = sameAsJackson(utf8(sb.toString()));
      if (tree != null) {
        accepted++;
        raw += rawStrings(tree);
      }
    }
    assertTrue(accepted > 2500, "most random documents are in the subset it reads: " + accepted);
    assertTrue(raw > 50, "and many of their long strings are raw: " + raw);
  }

  private static int rawStrings(JsonNode n) {
    int count = n instanceof RawText ? 1 : 0;
    for (JsonNode child : n) {
      count += rawStrings(child);
    }
    return count;
  }

  private static void randomValue(Random r, StringBuilder sb, int depth) {
    int k = r.nextInt(depth > 4 ? 6 : 8);
    switch (k) {
      case 0, 1, 2 -> randomString(r, sb);
      case 3 -> sb.append(randomNumber(r));
      case 4 -> sb.append(r.nextBoolean() ? "true" : "false");
      case 5 -> sb.append("null");
      case 6 -> randomObject(r, sb, depth + 1);
      default -> {
        sb.append('[');
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            sb.append(',').append(r.nextInt(5) == 0 ? " " : "");
          }
          randomValue(r, sb, depth + 1);
        }
        sb.append(']');
      }
    }
  }

  private static void randomObject(Random r, StringBuilder sb, int depth) {
    sb.append('{');
    int n = r.nextInt(6);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(r.nextInt(4) == 0 ? " ,\n" : ",");
      }
      // A small name alphabet, so names repeat within an object.
      sb.append('"').append((char) ('a' + r.nextInt(4))).append('"').append(r.nextInt(4) == 0 ? " : " : ":");
      randomValue(r, sb, depth);
    }
    sb.append('}');
  }

  private static final String[] PIECES = {"a", "Z", "09", " ", "é", "ß", "日本", "😀", "\\\"", "\\\\", "\\/", "\\n", "\\t",
      "\\u0000", "\\u001f", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\u007f", "\u2028", "https://x.io/p?q=1", "~`!@#$%^&*()",
      "lorem ipsum ".repeat(6), "ünïcödé 日本語 ".repeat(6)};

  private static void randomString(Random r, StringBuilder sb) {
    sb.append('"');
    int n = r.nextInt(8);
    for (int i = 0; i < n; i++) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    sb.append('"');
  }

  private static String randomNumber(Random r) {
    return switch (r.nextInt(7)) {
      case 0 -> Integer.toString(r.nextInt());
      case 1 -> Long.toString(r.nextLong() / (1 + r.nextInt(1000)));
      case 2 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
      case 3 -> (r.nextBoolean() ? "-" : "") + r.nextInt(1000) + "." + r.nextInt(1000) + "e" + (r.nextInt(40) - 20);
      case 4 -> "0";
      case 5 -> "-0";
      default -> Integer.toString(r.nextInt(100));
    };
  }
}

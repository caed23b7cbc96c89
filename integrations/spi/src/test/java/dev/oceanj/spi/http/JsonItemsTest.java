package dev.oceanj.spi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import dev.oceanj.spi.RawFields;
import org.junit.jupiter.api.Test;

class JsonItemsTest {

  private static InputStream json(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void streamsTheArrayAtThePathAndKeepsTheEnvelope() throws IOException {
    List<JsonNode> items = new ArrayList<>();
    var page = JsonItems.read(json("{\"meta\": {\"next\": \"c2\"}, \"data\": {\"content\": [{\"id\": 1}, {\"id\": 2.50}],"
        + " \"last\": false}}"), List.of("data", "content"), items::add);
    assertEquals(2, page.count());
    assertTrue(page.streamed());
    assertEquals("c2", page.envelope().at("/meta/next").asText());
    assertEquals(false, page.envelope().at("/data/last").asBoolean(true));
    assertEquals(0, page.envelope().at("/data/content").size());
    assertEquals("2.50", items.get(1).get("id").decimalValue().toPlainString());
  }

  @Test
  void aTopLevelArrayStreamsAtTheRootAndAMissingPathStreamsNothing() throws IOException {
    List<JsonNode> items = new ArrayList<>();
    assertEquals(3, JsonItems.read(json("[1, 2, 3]"), List.of(), items::add).count());
    var none = JsonItems.read(json("{\"other\": [1]}"), List.of("data"), items::add);
    assertFalse(none.streamed());
    assertEquals(1, none.envelope().get("other").size());
    assertThrows(IOException.class, () -> JsonItems.read(json(""), List.of(), items::add));
    assertThrows(IOException.class, () -> JsonItems.read(json("{\"a\": [1, 2"), List.of("a"), items::add));
  }

  @Test
  void simplePathsAreRecognisedAndJqIsLeftToTheCaller() {
    assertEquals(Optional.of(List.of()), JsonItems.simplePath("."));
    assertEquals(Optional.of(List.of("data", "items")), JsonItems.simplePath(".data.items"));
    assertEquals(Optional.empty(), JsonItems.simplePath(".data[]"));
    assertEquals(Optional.empty(), JsonItems.simplePath(".data | map(.x)"));
  }

  @Test
  void aLargePageIsConsumedItemByItem() throws IOException {
    // about 15 MB of items generated on the fly; only the count is kept, so a heap that could not hold the page
    // as a tree twice still reads it
    int n = 150_000;
    String item = "{\"id\": \"%07d\", \"pad\": \"" + "x".repeat(70) + "\"}";
    List<InputStream> parts = new ArrayList<>();
    parts.add(json("{\"data\": ["));
    InputStream items = new InputStream() {
      int i;
      byte[] current = new byte[0];
      int pos;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0];
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos == current.length) {
          if (i == n) {
            return -1;
          }
          current = ((i == 0 ? "" : ",") + item.replace("%07d", Integer.toString(1_000_000 + i++)))
              .getBytes(StandardCharsets.UTF_8);
          pos = 0;
        }
        int k = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, k);
        pos += k;
        return k;
      }
    };
    parts.add(items);
    parts.add(json("], \"has_more\": true}"));
    AtomicLong count = new AtomicLong();
    var page = JsonItems.read(new SequenceInputStream(Collections.enumeration(parts)), List.of("data"),
        node -> count.incrementAndGet());
    assertEquals(n, count.get());
    assertEquals(n, page.count());
    assertTrue(page.envelope().get("has_more").asBoolean());
  }

  @Test
  void projectedElementsKeepOnlyTheFieldsReadAfterTheFirstWholeOnes() throws IOException {
    List<JsonNode> items = new ArrayList<>();
    String body = "{\"incidents\": [{\"id\": 1, \"big\": {\"x\": [1, {\"y\": 2}]}, \"title\": \"a\", \"n\": 1.5},"
        + " {\"id\": 2, \"big\": [], \"title\": null, \"n\": 2}, 3, {\"big\": \"s\", \"id\": 4}], \"more\": true}";
    com.fasterxml.jackson.databind.ObjectMapper plain = new com.fasterxml.jackson.databind.ObjectMapper();
    RawFields fields = RawFields.only(List.of("title", "n"), 1).with("id");
    try (var parser = plain.createParser(body)) {
      var page = JsonItems.read(parser, List.of("incidents"), fields, items::add);
      assertEquals(4, page.count());
      assertTrue(page.envelope().get("more").asBoolean());
    }
    assertEquals("{\"id\":1,\"big\":{\"x\":[1,{\"y\":2}]},\"title\":\"a\",\"n\":1.5}", items.get(0).toString());
    assertEquals("{\"id\":2,\"title\":null,\"n\":2}", items.get(1).toString());
    assertEquals("3", items.get(2).toString());
    assertEquals("{\"id\":4}", items.get(3).toString());
    assertTrue(items.get(1).get("n").isInt());
    assertTrue(items.get(0).get("n").isDouble(), "the caller's mapper makes the numbers");
  }

  @Test
  void allFieldsReadEveryElementWhole() throws IOException {
    List<JsonNode> items = new ArrayList<>();
    JsonItems.read(json("[{\"a\": 1, \"b\": [2]}, {\"c\": {}}]"), List.of(), items::add);
    assertEquals("[{\"a\":1,\"b\":[2]}, {\"c\":{}}]", items.toString());
    assertTrue(RawFields.all().nextWhole());
    assertTrue(RawFields.all().with("x").isAll());
    assertThrows(IOException.class, () -> {
      try (var parser = JsonItems.MAPPER.createParser("[{\"a\": 1, \"b\": [2")) {
        JsonItems.read(parser, List.of(), RawFields.only(List.of("a"), 0), items::add);
      }
    });
  }
}

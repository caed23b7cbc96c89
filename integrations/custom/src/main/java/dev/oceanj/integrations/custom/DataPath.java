package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.oceanj.spi.Jq;
import dev.oceanj.spi.http.JsonItems;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code data_path}: which values of a page are items (or, for a path parameter, records). A simple path
 * ({@code .data.items}) streams the page; any other jq reads it as one tree.
 */
final class DataPath {

  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private final String text;
  private final boolean wholePageWhenUnset;
  private final Optional<List<String>> simple;
  private final Jq.Expression jq;

  /**
   * @param text the jq, or null when unset
   * @param wholePageWhenUnset a path parameter's rule: unset means the page is one record; a resource's unset
   *     means {@code .}
   */
  DataPath(String text, boolean wholePageWhenUnset, Jq jq) {
    this.text = text;
    this.wholePageWhenUnset = wholePageWhenUnset;
    String effective = text == null ? "." : text;
    this.simple = text == null && wholePageWhenUnset ? Optional.empty() : JsonItems.simplePath(effective);
    this.jq = simple.isPresent() || text == null ? null : jq.compile(effective);
  }

  /** A page read: its envelope (without streamed items), whether its root is an array, and its items. */
  record Read(JsonNode envelope, boolean array, List<JsonNode> items) {}

  /** The cache-key spelling: the path, or how it behaves when unset. */
  String key() {
    return text != null ? text : wholePageWhenUnset ? "<page>" : ".";
  }

  Read read(InputStream in) throws IOException {
    if (simple.isPresent()) {
      List<JsonNode> items = new ArrayList<>();
      var envelope = JsonItems.read(in, simple.get(), items::add);
      if (envelope.streamed()) {
        return new Read(envelope.envelope(), simple.get().isEmpty(), items);
      }
      return fromDocument(envelope.envelope());
    }
    JsonNode doc = JSON.readTree(in);
    if (doc == null || doc.isMissingNode()) {
      throw new IOException("the response body is empty, not JSON");
    }
    return fromDocument(doc);
  }

  /** The items of a whole page. */
  Read fromDocument(JsonNode doc) {
    List<JsonNode> items = new ArrayList<>();
    if (text == null && wholePageWhenUnset) {
      items.add(doc);
    } else if (simple.isPresent()) {
      JsonNode v = doc;
      for (String key : simple.get()) {
        v = v == null || !v.isObject() ? null : v.get(key);
      }
      addValue(v, items);
    } else {
      List<JsonNode> outputs = jq.all(doc);
      if (outputs.size() == 1) {
        addValue(outputs.get(0), items);
      } else {
        outputs.stream().filter(o -> !o.isNull()).forEach(items::add);
      }
    }
    return new Read(doc, doc.isArray(), items);
  }

  private static void addValue(JsonNode v, List<JsonNode> items) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return;
    }
    if (v.isArray()) {
      v.forEach(items::add);
    } else {
      items.add(v);
    }
  }
}

package dev.oceanj.spi.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.RawFields;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a JSON page as it streams in, handing each element of the array at a simple path ({@code .data},
 * {@code .data.content}, or {@code .} for a top-level array) to a consumer one at a time; the rest of the
 * document (the envelope: cursors, flags, totals) is kept as a small tree. So a 50 MB page is never held as a
 * tree of the whole page next to the items.
 *
 * @since 0.2
 */
public final class JsonItems {

  /** Reads numbers as jq keeps them: decimals exact. */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private static final Pattern SIMPLE_PATH =
      Pattern.compile("\\.|(\\.[A-Za-z_][A-Za-z0-9_]*)+");

  private JsonItems() {}

  /**
   * The result of reading one page.
   *
   * @param envelope the document without the streamed array (which is left as an empty array in its place);
   *     the whole document when no array was found at the path
   * @param streamed whether an array was found at the path and its elements streamed
   * @param count how many elements were streamed
   * @since 0.2
   */
  public record Envelope(JsonNode envelope, boolean streamed, long count) {}

  /**
   * The segments of {@code jqPath} when it is a simple path ({@code .}, {@code .a}, {@code .a.b}), empty for
   * anything else (then the caller evaluates it on a whole tree).
   */
  public static Optional<List<String>> simplePath(String jqPath) {
    String p = jqPath == null ? "." : jqPath.trim();
    if (!SIMPLE_PATH.matcher(p).matches()) {
      return Optional.empty();
    }
    List<String> segments = new ArrayList<>();
    for (String s : p.split("\\.")) {
      if (!s.isEmpty()) {
        segments.add(s);
      }
    }
    return Optional.of(List.copyOf(segments));
  }

  /**
   * Reads one JSON document from {@code in}, streaming the elements of the array at {@code path} to
   * {@code items}.
   *
   * @throws IOException when the body is not one JSON document
   */
  public static Envelope read(InputStream in, List<String> path, Consumer<? super JsonNode> items)
      throws IOException {
    try (JsonParser p = MAPPER.createParser(in)) {
      return read(p, path, RawFields.all(), items);
    }
  }

  /**
   * Reads one JSON document from {@code parser} (created by the caller's {@link ObjectMapper}, whose settings,
   * e.g. for numbers, make the trees), streaming the elements of the array at {@code path} to {@code items}. Of
   * an element that is an object, only what {@code fields} reads is read (its fields, and within them as deep as
   * the tree goes); the rest is skipped without building anything, unless {@link RawFields#nextWhole()} says the
   * element is to be read whole. The caller closes the parser.
   *
   * @throws IOException when the body is not one JSON document
   * @since 0.2
   */
  public static Envelope read(JsonParser parser, List<String> path, RawFields fields, Consumer<? super JsonNode> items)
      throws IOException {
    if (parser.nextToken() == null) {
      throw new IOException("the response body is empty, not JSON");
    }
    long[] count = {0};
    boolean[] streamed = {false};
    JsonNode doc = readValue(parser, path, 0, fields, items, count, streamed);
    if (parser.nextToken() != null) {
      throw new IOException("the response body holds more than one JSON document");
    }
    return new Envelope(doc, streamed[0], count[0]);
  }

  /**
   * Reads one JSON document held in {@code body} as {@link #read(JsonParser, List, RawFields, Consumer)} reads it
   * with a parser of {@code mapper} (the same envelope, the same items, the same nodes), handing the items to
   * {@code items} once the whole document was read. Where {@code fields} skips a value, it is only checked against
   * JSON's grammar, not tokenized: for a page of large objects of which a mapping reads a few fields this is
   * several times cheaper than the parser. A document that reader does not handle (a JSON extension the mapper
   * allows, another encoding, an error) is read with the parser instead, with its answer or its error.
   *
   * @throws IOException when the body is not one JSON document
   * @since 0.2
   */
  public static Envelope read(byte[] body, ObjectMapper mapper, List<String> path, RawFields fields,
      Consumer<? super JsonNode> items) throws IOException {
    if (scans(mapper)) {
      List<JsonNode> read = new ArrayList<>();
      try {
        Envelope page = ProjectedScan.read(body, path, fields, mapper.getNodeFactory(),
            mapper.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS), read);
        read.forEach(items);
        return page;
      } catch (ProjectedScan.Unsupported e) {
        // Jackson reads it, or says what is wrong with it.
      }
    }
    try (JsonParser p = mapper.createParser(body)) {
      return read(p, path, fields, items);
    }
  }

  /** Whether {@code mapper} makes trees as {@link ProjectedScan} does: default parser features and node reading. */
  private static boolean scans(ObjectMapper mapper) {
    var config = mapper.getDeserializationConfig();
    if (config.isEnabled(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        || config.isEnabled(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
        || config.isEnabled(DeserializationFeature.USE_LONG_FOR_INTS)
        || config.getDatatypeFeatures().isExplicitlySet(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)) {
      return false;
    }
    JsonFactory factory = mapper.getFactory();
    for (JsonParser.Feature f : JsonParser.Feature.values()) {
      if (f.enabledByDefault() != factory.isEnabled(f) && f != JsonParser.Feature.AUTO_CLOSE_SOURCE) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode readValue(JsonParser p, List<String> path, int depth, RawFields fields,
      Consumer<? super JsonNode> items, long[] count, boolean[] streamed) throws IOException {
    JsonToken t = p.currentToken();
    if (depth == path.size() && t == JsonToken.START_ARRAY) {
      streamed[0] = true;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() == null) {
          throw new IOException("the response body ends inside an array");
        }
        items.accept(item(p, fields));
        count[0]++;
      }
      return JsonNodeFactory.instance.arrayNode();
    }
    if (depth < path.size() && t == JsonToken.START_OBJECT) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        JsonNode value = name.equals(path.get(depth)) && !streamed[0]
            ? readValue(p, path, depth + 1, fields, items, count, streamed)
            : p.readValueAsTree();
        object.set(name, value);
      }
      return object;
    }
    return p.readValueAsTree();
  }

  /** One element: whole, or the parts {@code fields} reads. */
  private static JsonNode item(JsonParser p, RawFields fields) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT || fields.nextWhole()) {
      return p.readValueAsTree();
    }
    return projected(p, fields, p.getCodec() instanceof ObjectMapper m ? m.getNodeFactory() : null);
  }

  /**
   * The value at the parser's current token as far as {@code node} reads it: an object's fields that it names
   * (each as far as its node reads it), an array's elements as far as its elements node reads them, anything
   * else whole. Strings, booleans and nulls are made with {@code nodes} (the mapper's factory, as its tree reader
   * makes them) without a tree reader's set-up per value; null {@code nodes} reads them with the parser's codec.
   */
  private static JsonNode projected(JsonParser p, RawFields node, JsonNodeFactory nodes) throws IOException {
    JsonToken t = p.currentToken();
    if (nodes != null) {
      switch (t) {
        case VALUE_STRING:
          return nodes.textNode(p.getText());
        case VALUE_TRUE:
          return nodes.booleanNode(true);
        case VALUE_FALSE:
          return nodes.booleanNode(false);
        case VALUE_NULL:
          return nodes.nullNode();
        default:
          break;
      }
    }
    if (node.isAll()) {
      return p.readValueAsTree();
    }
    RawFields elements = node.elements();
    if (t == JsonToken.START_OBJECT && elements == null) {
      ObjectNode object = (ObjectNode) p.getCodec().createObjectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        RawFields child = node.field(name);
        if (child != null) {
          object.set(name, projected(p, child, nodes));
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("the response body ends inside an object");
      }
      return object;
    }
    if (t == JsonToken.START_ARRAY && elements != null) {
      ArrayNode array = (ArrayNode) p.getCodec().createArrayNode();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() == null) {
          throw new IOException("the response body ends inside an array");
        }
        array.add(projected(p, elements, nodes));
      }
      return array;
    }
    return p.readValueAsTree();
  }
}

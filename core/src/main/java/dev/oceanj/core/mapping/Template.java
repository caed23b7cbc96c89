package dev.oceanj.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** A compiled mapping value: builds the JSON of one field for one item. Immutable, thread-safe. */
abstract class Template {

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Collects the misconfigured fields of one item; the map is only allocated when one fails. */
  static final class Misconfigurations {
    Map<String, String> fields;

    void add(String path, String expression) {
      if (fields == null) {
        fields = new LinkedHashMap<>(4);
      }
      fields.put(path, expression);
    }

    Map<String, String> snapshot() {
      return fields == null ? Map.of() : java.util.Collections.unmodifiableMap(fields);
    }
  }

  abstract JsonNode build(JsonNode item, Misconfigurations mis);

  /** A jq leaf; a failure or null is recorded as a misconfiguration under Ocean's dot path. */
  static final class LeafTemplate extends Template {
    final String path;
    final Leaf leaf;

    LeafTemplate(String path, Leaf leaf) {
      this.path = path;
      this.leaf = leaf;
    }

    @Override
    JsonNode build(JsonNode item, Misconfigurations mis) {
      JsonNode v;
      try {
        v = leaf.first(item);
      } catch (RuntimeException e) {
        // Ocean logs the failed search and maps the field to None.
        v = null;
      }
      if (v == null || v.isNull()) {
        mis.add(path, leaf.expression());
        return NullNode.getInstance();
      }
      return v;
    }
  }

  static final class ObjectTemplate extends Template {
    final String[] keys;
    final Template[] values;

    ObjectTemplate(String[] keys, Template[] values) {
      this.keys = keys;
      this.values = values;
    }

    @Override
    JsonNode build(JsonNode item, Misconfigurations mis) {
      ObjectNode o = new ObjectNode(NODES, new LinkedHashMap<>(keys.length * 4 / 3 + 1));
      for (int i = 0; i < keys.length; i++) {
        o.set(keys[i], values[i].build(item, mis));
      }
      return o;
    }
  }

  static final class ArrayTemplate extends Template {
    final Template[] elements;

    ArrayTemplate(Template[] elements) {
      this.elements = elements;
    }

    @Override
    JsonNode build(JsonNode item, Misconfigurations mis) {
      ArrayNode a = new ArrayNode(NODES, new ArrayList<>(elements.length));
      for (Template t : elements) {
        a.add(t.build(item, mis));
      }
      return a;
    }
  }
}

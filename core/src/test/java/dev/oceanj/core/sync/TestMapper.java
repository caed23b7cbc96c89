package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Consumer;

/** A hand-written mapping for stage tests: {id, name, dept?, skip?, bad?, items?} → blueprint "person". */
final class TestMapper implements ResourceMapper {

  private final String kind;
  private final String blueprint;

  TestMapper(String kind, String blueprint) {
    this.kind = kind;
    this.blueprint = blueprint;
  }

  static ObjectNode item(String id, String name) {
    return JsonNodeFactory.instance.objectNode().put("id", id).put("name", name);
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public int index() {
    return 0;
  }

  @Override
  public void expandItems(JsonNode raw, Consumer<JsonNode> out) {
    if (raw.has("items")) {
      raw.get("items").forEach(out);
    } else {
      out.accept(raw);
    }
  }

  @Override
  public Outcome map(JsonNode item) {
    if (item.path("bad").asBoolean()) {
      return new Failed("selector did not yield a boolean for " + item.path("id").asText());
    }
    if (item.path("skip").asBoolean()) {
      return new FilteredOut();
    }
    if (!item.hasNonNull("id")) {
      return new Dropped("no identifier", Map.of("identifier", ".id"));
    }
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("identifier", item.get("id").asText());
    e.put("title", item.path("name").asText());
    e.putObject("properties").put("name", item.path("name").asText()).put("pad", item.path("pad").asText(""));
    Map<String, String> mis = Map.of();
    if (item.hasNonNull("dept")) {
      e.putObject("relations").put("department", item.get("dept").asText());
    } else {
      e.putObject("relations").putNull("department");
      mis = Map.of("relations.department", ".dept");
    }
    return new Mapped(e, blueprint, item.get("id").asText(), mis);
  }
}

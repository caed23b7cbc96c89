package dev.oceanj.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.jq.JqFieldReads;
import dev.oceanj.core.jq.JqProgram;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One resource of a {@link CompiledMapping}: its selector, {@code itemsToParse} and entity mappings, compiled.
 * Immutable and thread-safe: the resync engine calls {@link #map} from any thread, once per item.
 *
 * <p>Semantics are Ocean's (ocean-reference §5): every expression yields its first output or null; the
 * selector must yield a boolean; a field that fails or yields null stays {@code null} in the entity and is
 * reported as misconfigured; an entity is kept only when identifier and blueprint are truthy in Python's sense
 * (null, false, 0, "", [] and {} are not).
 */
public final class CompiledResource {

  private final ResourceConfig config;
  private final Leaf selector;
  private final Leaf itemsToParse;
  /** Field names of the source array to strip natively, or null. */
  private final String[] sourcePath;
  /** jq that strips the source array when the native way cannot, or null when nothing is stripped. */
  private final JqProgram stripSource;
  private final Leaf blueprint;
  private final Template.LeafTemplate blueprintTemplate;
  private final String literalBlueprint;
  private final String[] fieldNames;
  private final Template[] fields;
  private final int identifierField;
  /** What the expressions can read of a raw object, or null when they may read it whole. */
  private final JqFieldReads.Reads rawReads;

  CompiledResource(ResourceConfig config, Leaf selector, Leaf itemsToParse, String[] sourcePath, JqProgram stripSource,
      Leaf blueprint, String[] fieldNames, Template[] fields, JqFieldReads.Reads rawReads) {
    this.config = config;
    this.rawReads = rawReads;
    this.selector = selector;
    this.itemsToParse = itemsToParse;
    this.sourcePath = sourcePath;
    this.stripSource = stripSource;
    this.blueprint = blueprint;
    this.blueprintTemplate = new Template.LeafTemplate("blueprint", blueprint);
    JsonNode c = blueprint.constant();
    this.literalBlueprint = c != null && truthy(c) ? text(c) : null;
    this.fieldNames = fieldNames;
    this.fields = fields;
    int id = -1;
    for (int i = 0; i < fieldNames.length; i++) {
      if (fieldNames[i].equals("identifier")) {
        id = i;
      }
    }
    this.identifierField = id;
  }

  /** The resource's kind. */
  public String kind() {
    return config.kind();
  }

  /** The resource's index in {@code resources[]}. */
  public int index() {
    return config.index();
  }

  /** The resource as parsed. */
  public ResourceConfig config() {
    return config;
  }

  /** Whether the identifier mapping is a search query: such entities are never diffed nor deleted by Ocean. */
  public boolean usesSearchIdentifier() {
    return config.mappings().usesSearchIdentifier();
  }

  /**
   * What this resource's expressions (selector, {@code itemsToParse}, identifier, title, icon, team, properties,
   * relations, blueprint) can read of a raw object, or empty when one of them may read it whole
   * ({@link JqFieldReads}). A raw object reduced to these parts maps to the same entity with the same errors, so a
   * source may skip the rest while parsing.
   */
  public Optional<JqFieldReads.Reads> rawReads() {
    return Optional.ofNullable(rawReads);
  }

  /** The blueprint when its mapping is a string literal such as {@code '"service"'}; empty otherwise. */
  public Optional<String> literalBlueprint() {
    return Optional.ofNullable(literalBlueprint);
  }

  /**
   * Applies {@code itemsToParse}: emits, for each element of the array it yields, the parent merged with
   * {@code {<itemsToParseName>: element}} (the source array removed from the parent first when
   * {@code itemsToParseTopLevelTransform}); emits {@code rawItem} itself when the resource has no
   * {@code itemsToParse}. Emitted objects share unchanged sub-trees with {@code rawItem}: treat them as read-only.
   *
   * @throws ItemsToParseException when the expression fails or does not yield an array, or the item is not an
   *     object; nothing is emitted for that item then
   */
  public void expandItems(JsonNode rawItem, Consumer<JsonNode> out) {
    if (itemsToParse == null) {
      out.accept(rawItem);
      return;
    }
    JsonNode elements;
    try {
      elements = itemsToParse.first(rawItem);
    } catch (RuntimeException e) {
      throw new ItemsToParseException(where() + "itemsToParse '" + itemsToParse.expression() + "' failed: " + e.getMessage(), e);
    }
    if (!elements.isArray()) {
      throw new ItemsToParseException(where() + "itemsToParse '" + itemsToParse.expression() + "' must yield an array, got "
          + PortAppConfig.type(elements), null);
    }
    if (!rawItem.isObject()) {
      throw new ItemsToParseException(where() + "itemsToParse needs an object item to merge into, got "
          + PortAppConfig.type(rawItem), null);
    }
    ObjectNode parent = config.itemsToParseTopLevelTransform() ? stripped((ObjectNode) rawItem) : (ObjectNode) rawItem;
    String name = config.itemsToParseName();
    for (JsonNode element : elements) {
      ObjectNode merged = new ObjectNode(Template.NODES, new LinkedHashMap<>((parent.size() + 1) * 4 / 3 + 1));
      merged.setAll(parent);
      merged.set(name, element);
      out.accept(merged);
    }
  }

  private ObjectNode stripped(ObjectNode item) {
    if (sourcePath != null) {
      JsonNode r = without(item, 0);
      if (r != null) {
        return (ObjectNode) r;
      }
    }
    if (stripSource == null) {
      return item;
    }
    JsonNode r;
    try {
      r = stripSource.first(item);
    } catch (RuntimeException e) {
      throw new ItemsToParseException(where() + "could not remove the source array with '" + stripSource.source() + "': "
          + e.getMessage(), e);
    }
    if (!r.isObject()) {
      throw new ItemsToParseException(where() + "'" + stripSource.source() + "' did not yield an object", null);
    }
    return (ObjectNode) r;
  }

  /** {@code node} without {@code sourcePath[i..]}, copying only what changes; null when jq must decide. */
  private JsonNode without(JsonNode node, int i) {
    if (node.isNull()) {
      return node;
    }
    if (!node.isObject()) {
      return null;
    }
    JsonNode child = node.get(sourcePath[i]);
    if (child == null) {
      return node;
    }
    JsonNode replacement = null;
    if (i < sourcePath.length - 1) {
      replacement = without(child, i + 1);
      if (replacement == null) {
        return null;
      }
      if (replacement == child) {
        return node;
      }
    }
    ObjectNode copy = new ObjectNode(Template.NODES, new LinkedHashMap<>(node.size() * 4 / 3 + 1));
    copy.setAll((ObjectNode) node);
    if (replacement == null) {
      copy.remove(sourcePath[i]);
    } else {
      copy.set(sourcePath[i], replacement);
    }
    return copy;
  }

  /** Runs the selector, then the mappings (Ocean's {@code _get_mapped_entity}). */
  public MapResult map(JsonNode item) {
    JsonNode selected;
    try {
      selected = selector.first(item);
    } catch (RuntimeException e) {
      return new MapResult.SelectorError("Selector query failed for pattern '" + selector.expression() + "': " + e.getMessage());
    }
    if (!selected.isBoolean()) {
      return new MapResult.SelectorError("Expected boolean value for pattern '" + selector.expression() + "', got value: "
          + selected + " of type: " + jqType(selected) + " instead");
    }
    if (!selected.booleanValue()) {
      return MapResult.FILTERED_OUT;
    }
    return mapIgnoringSelector(item);
  }

  /**
   * Maps {@code item} whatever the selector says (Ocean's {@code parse_all}): live events use it to find the
   * entities of items that no longer pass the selector.
   */
  public MapResult mapIgnoringSelector(JsonNode item) {
    Template.Misconfigurations mis = new Template.Misconfigurations();
    ObjectNode entity = new ObjectNode(Template.NODES, new LinkedHashMap<>(fields.length * 4 / 3 + 1));
    JsonNode identifier = NullNode.getInstance();
    for (int i = 0; i < fields.length; i++) {
      JsonNode v = fields[i].build(item, mis);
      entity.set(fieldNames[i], v);
      if (i == identifierField) {
        identifier = v;
      }
    }
    String bp = literalBlueprint;
    if (bp == null) {
      JsonNode b = blueprintTemplate.build(item, mis);
      bp = truthy(b) ? text(b) : null;
    }
    Map<String, String> misconfigured = mis.snapshot();
    if (!truthy(identifier) || bp == null) {
      String reason = !truthy(identifier)
          ? "identifier is empty: '" + expressionText(config.mappings().identifier()) + "' gave " + identifier
          : "blueprint is empty: '" + blueprint.expression() + "'";
      return new MapResult.Dropped(reason, misconfigured);
    }
    String id = identifier.isObject() ? null : text(identifier);
    return new MapResult.Mapped(entity, bp, id, misconfigured);
  }

  private static String expressionText(MappingValue v) {
    return v instanceof MappingValue.Expr ? ((MappingValue.Expr) v).expression() : "(search query)";
  }

  private String where() {
    return "resources[" + config.index() + "] (kind " + config.kind() + "): ";
  }

  /** Python truthiness, which Ocean applies to identifier and blueprint. */
  static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      return v.doubleValue() != 0.0 || (v.isBigInteger() && v.bigIntegerValue().signum() != 0);
    }
    if (v.isTextual()) {
      return !v.textValue().isEmpty();
    }
    return v.size() > 0;
  }

  private static String text(JsonNode v) {
    return v.isTextual() ? v.textValue() : v.toString();
  }

  private static String jqType(JsonNode v) {
    if (v.isObject()) {
      return "object";
    }
    if (v.isArray()) {
      return "array";
    }
    if (v.isTextual()) {
      return "string";
    }
    if (v.isNumber()) {
      return "number";
    }
    return v.isNull() ? "null" : "boolean";
  }

  /** Names of the entity body's keys, in order (for tests and diagnostics). */
  List<String> fieldNames() {
    return List.of(fieldNames);
  }

  @Override
  public String toString() {
    return "CompiledResource[" + config.index() + ":" + config.kind() + "]";
  }
}

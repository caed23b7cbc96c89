package dev.oceanj.core.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The JSON Schema of an integration's mapping (the port-app-config, ocean-reference.md §4), as Ocean's
 * {@code ocean port-app-config schema} writes it (ocean-deploy-reference.md §10): the four top-level flags,
 * {@code resources} with one resource type per kind ({@code kind} a single-value enum), each kind's selector, and
 * the entity mapping with Port's search queries. The {@code json} form puts every type under {@code definitions};
 * the {@code ui} form is what Port's form-based mapping editor reads.
 *
 * <p>A kind's selector is the base selector ({@code query}, a jq boolean expression) plus, when the integration
 * gives one, the components of a record class: Java types become JSON types ({@code String} → string, integral
 * numbers → integer, other numbers → number, {@code boolean}, enums → string enums, lists, sets and arrays →
 * array, {@code Map<String, V>} → object, {@code java.time} instants and dates → strings with a format, nested
 * records → their own definition). A component is required unless it is an {@code Optional}, carries an
 * annotation named {@code Nullable} (then null is allowed too) or a {@code @JsonProperty(defaultValue = …)}.
 * {@code @JsonProperty} renames a field; {@code @JsonPropertyDescription} describes it. Every selector definition
 * has {@code additionalProperties: false}.
 */
public final class MappingSchema {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern WORD_START = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|[-_ ]+");

  private final String title;
  private final Map<String, Optional<Class<?>>> kinds;
  private final ObjectNode definitions = JSON.createObjectNode();

  private MappingSchema(String title, Map<String, Optional<Class<?>>> kinds) {
    this.title = title;
    this.kinds = kinds;
  }

  /**
   * The {@code json} form.
   *
   * @param title the schema's title, e.g. the integration's name
   * @param kinds every kind, in order, with its selector record class when it has one
   * @throws IllegalArgumentException when a selector class is not a record, or a component's type cannot be
   *     described (naming the class and the component)
   */
  public static ObjectNode json(String title, Map<String, Optional<Class<?>>> kinds) {
    return new MappingSchema(title, new LinkedHashMap<>(kinds)).build();
  }

  /**
   * The {@code ui} form: {@code {"kinds": {kind: {title, description, selectors}}, "advancedConfig": {…}}}, the
   * selectors with every {@code $ref} resolved and no definitions.
   */
  public static ObjectNode ui(String title, Map<String, Optional<Class<?>>> kinds) {
    ObjectNode schema = json(title, kinds);
    ObjectNode defs = (ObjectNode) schema.get("definitions");
    ObjectNode ui = JSON.createObjectNode();
    ObjectNode uiKinds = ui.putObject("kinds");
    for (String kind : kinds.keySet()) {
      ObjectNode entry = uiKinds.putObject(kind);
      entry.put("title", kind);
      entry.put("description", "The resources of kind " + kind + " and how they map to Port entities");
      entry.set("selectors", inline(defs.get(definitionName(kind, "Selector")), defs, new java.util.HashSet<>()));
    }
    ObjectNode advanced = ui.putObject("advancedConfig");
    schema.get("properties").fields().forEachRemaining(e -> {
      if (!e.getKey().equals("resources")) {
        advanced.set(e.getKey(), e.getValue());
      }
    });
    return ui;
  }

  private ObjectNode build() {
    ObjectNode root = JSON.createObjectNode();
    root.put("title", title);
    root.put("description", "The mapping (port-app-config) of " + title + ": which resources to fetch and how "
        + "they become Port entities");
    root.put("type", "object");
    ObjectNode props = root.putObject("properties");
    props.set("enableMergeEntity", flag("Enable Merge Entity",
        "Merge the mapped properties into existing entities instead of replacing them", true));
    ((ObjectNode) props.get("enableMergeEntity")).putObject("extra").putObject("ui_schema").put("hidden", true);
    props.set("deleteDependentEntities", flag("Delete Dependent Entities",
        "Also delete the entities that relate to an entity the resync deletes", true));
    props.set("createMissingRelatedEntities", flag("Create Missing Related Entities",
        "Create an empty entity for a relation target that does not exist yet", true));
    ObjectNode threshold = props.putObject("entityDeletionThreshold");
    threshold.put("title", "Entity Deletion Threshold");
    threshold.put("description", "The largest share (0 to 1) of the integration's entities a resync may delete");
    threshold.put("default", PortAppConfig.DEFAULT_DELETION_THRESHOLD);
    threshold.put("minimum", 0);
    threshold.put("maximum", 1);
    threshold.put("type", "number");
    ObjectNode resources = props.putObject("resources");
    resources.put("title", "Resources");
    resources.put("description", "One entry per kind to fetch, with its selector and entity mapping");
    resources.put("type", "array");
    ArrayNode anyOf = resources.putObject("items").putArray("anyOf");
    root.putArray("required").add("resources");

    defineCommonTypes();
    for (Map.Entry<String, Optional<Class<?>>> kind : kinds.entrySet()) {
      String selector = definitionName(kind.getKey(), "Selector");
      definitions.set(selector, selector(kind.getKey(), kind.getValue()));
      String resource = definitionName(kind.getKey(), "Resource");
      definitions.set(resource, resource(kind.getKey(), selector));
      anyOf.addObject().put("$ref", "#/definitions/" + resource);
    }
    root.set("definitions", definitions);
    return root;
  }

  private static ObjectNode flag(String title, String description, boolean dflt) {
    ObjectNode n = JSON.createObjectNode();
    n.put("title", title);
    n.put("description", description);
    n.put("default", dflt);
    n.put("type", "boolean");
    return n;
  }

  private ObjectNode resource(String kind, String selector) {
    ObjectNode r = JSON.createObjectNode();
    r.put("title", kind);
    r.put("description", "The " + kind + " resources and their mapping");
    r.put("type", "object");
    ObjectNode p = r.putObject("properties");
    ObjectNode k = p.putObject("kind");
    k.put("title", "Kind");
    k.put("description", "The kind to fetch");
    k.putArray("enum").add(kind);
    k.put("type", "string");
    p.putObject("selector").put("title", "Selector").put("description", "Which " + kind + " items to map")
        .putArray("allOf").addObject().put("$ref", "#/definitions/" + selector);
    p.putObject("port").put("title", "Port").put("description", "How each item becomes a Port entity")
        .putArray("allOf").addObject().put("$ref", "#/definitions/PortResourceConfig");
    r.putArray("required").add("kind").add("selector").add("port");
    r.put("additionalProperties", false);
    return r;
  }

  private ObjectNode selector(String kind, Optional<Class<?>> type) {
    ObjectNode s = JSON.createObjectNode();
    s.put("title", "Selector");
    s.put("description", "Selects the " + kind + " items to map");
    s.put("type", "object");
    ObjectNode props = s.putObject("properties");
    ObjectNode query = props.putObject("query");
    query.put("title", "Query");
    query.put("description", "A jq expression that is true for the items to map");
    query.put("type", "string");
    ArrayNode required = JSON.createArrayNode();
    required.add("query");
    type.ifPresent(cls -> components(record(cls), props, required));
    s.set("required", required);
    s.put("additionalProperties", false);
    return s;
  }

  /** Adds {@code cls}'s components to {@code props} / {@code required}. */
  private void components(Class<?> cls, ObjectNode props, ArrayNode required) {
    for (RecordComponent c : cls.getRecordComponents()) {
      JsonProperty named = annotation(c, JsonProperty.class);
      String name = named != null && !named.value().isEmpty() ? named.value() : c.getName();
      if (name.equals("query") && props.has("query")) {
        continue;
      }
      ObjectNode field = JSON.createObjectNode();
      field.put("title", words(name));
      JsonPropertyDescription description = annotation(c, JsonPropertyDescription.class);
      if (description != null) {
        field.put("description", description.value());
      }
      Type type = c.getGenericType();
      boolean optional = type instanceof ParameterizedType p && p.getRawType() == Optional.class;
      boolean nullable = isNullable(c);
      ObjectNode typeSchema = describe(optional ? arg(type, 0, cls, c) : type, cls, c);
      field.setAll(typeSchema);
      if (named != null && !named.defaultValue().isEmpty()) {
        field.set("default", defaultValue(named.defaultValue(), typeSchema));
      }
      if (nullable) {
        ObjectNode either = JSON.createObjectNode();
        either.put("title", field.get("title").asText());
        if (field.has("description")) {
          either.set("description", field.get("description"));
        }
        ArrayNode anyOf = either.putArray("anyOf");
        anyOf.add(typeSchema);
        anyOf.addObject().put("type", "null");
        field = either;
      }
      props.set(name, field);
      if (!optional && !nullable && (named == null || named.defaultValue().isEmpty())) {
        required.add(name);
      }
    }
  }

  private ObjectNode describe(Type type, Class<?> owner, RecordComponent where) {
    ObjectNode n = JSON.createObjectNode();
    Class<?> raw = raw(type);
    if (raw == String.class || raw == Character.class || raw == char.class) {
      n.put("type", "string");
    } else if (raw == boolean.class || raw == Boolean.class) {
      n.put("type", "boolean");
    } else if (raw == int.class || raw == long.class || raw == short.class || raw == byte.class
        || raw == Integer.class || raw == Long.class || raw == Short.class || raw == Byte.class
        || raw == BigInteger.class) {
      n.put("type", "integer");
    } else if (raw == double.class || raw == float.class || raw == Double.class || raw == Float.class
        || raw == BigDecimal.class || raw == Number.class) {
      n.put("type", "number");
    } else if (raw.isEnum()) {
      ArrayNode values = n.putArray("enum");
      for (Object constant : raw.getEnumConstants()) {
        values.add(((Enum<?>) constant).name());
      }
      n.put("type", "string");
    } else if (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
      n.put("type", "string").put("format", "date-time");
    } else if (raw == LocalDate.class) {
      n.put("type", "string").put("format", "date");
    } else if (raw == Duration.class) {
      n.put("type", "string").put("format", "duration");
    } else if (raw.isArray()) {
      n.put("type", "array");
      Type item = type instanceof GenericArrayType g ? g.getGenericComponentType() : raw.getComponentType();
      n.set("items", describe(item, owner, where));
    } else if (Collection.class.isAssignableFrom(raw)) {
      n.put("type", "array");
      n.set("items", describe(arg(type, 0, owner, where), owner, where));
    } else if (Map.class.isAssignableFrom(raw)) {
      if (raw(arg(type, 0, owner, where)) != String.class) {
        throw unsupported(owner, where, "a map's keys must be strings");
      }
      n.put("type", "object");
      n.set("additionalProperties", describe(arg(type, 1, owner, where), owner, where));
    } else if (raw == Object.class || JsonNode.class.isAssignableFrom(raw)) {
      return n;
    } else if (raw.isRecord()) {
      String name = raw.getSimpleName();
      if (!definitions.has(name)) {
        ObjectNode def = definitions.putObject(name);
        def.put("title", words(name));
        def.put("type", "object");
        ObjectNode props = def.putObject("properties");
        ArrayNode required = JSON.createArrayNode();
        components(raw, props, required);
        def.set("required", required);
      }
      n.put("$ref", "#/definitions/" + name);
    } else {
      throw unsupported(owner, where, "type " + type.getTypeName() + " has no JSON Schema counterpart");
    }
    return n;
  }

  private static Type arg(Type type, int i, Class<?> owner, RecordComponent where) {
    if (!(type instanceof ParameterizedType p)) {
      throw unsupported(owner, where, "raw type " + type.getTypeName() + " needs its type arguments");
    }
    Type a = p.getActualTypeArguments()[i];
    if (a instanceof WildcardType w) {
      a = w.getUpperBounds()[0];
    }
    return a;
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (type instanceof GenericArrayType g) {
      return java.lang.reflect.Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
    }
    if (type instanceof WildcardType w) {
      return raw(w.getUpperBounds()[0]);
    }
    return Object.class;
  }

  private static Class<?> record(Class<?> cls) {
    if (!cls.isRecord()) {
      throw new IllegalArgumentException("Selector type " + cls.getName() + " is not a record");
    }
    return cls;
  }

  private static IllegalArgumentException unsupported(Class<?> owner, RecordComponent where, String why) {
    return new IllegalArgumentException("Selector type " + owner.getName() + ", field '" + where.getName() + "': "
        + why);
  }

  private static JsonNode defaultValue(String text, ObjectNode typeSchema) {
    String type = typeSchema.path("type").asText("");
    try {
      return switch (type) {
        case "boolean", "integer", "number", "array", "object" -> JSON.readTree(text);
        default -> JSON.getNodeFactory().textNode(text);
      };
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return JSON.getNodeFactory().textNode(text);
    }
  }

  private static <A extends Annotation> A annotation(RecordComponent c, Class<A> type) {
    A on = c.getAnnotation(type);
    if (on != null) {
      return on;
    }
    try {
      return c.getDeclaringRecord().getDeclaredField(c.getName()).getAnnotation(type);
    } catch (NoSuchFieldException e) {
      return null;
    }
  }

  private static boolean isNullable(RecordComponent c) {
    for (Annotation a : c.getAnnotations()) {
      if (a.annotationType().getSimpleName().equals("Nullable")) {
        return true;
      }
    }
    for (Annotation a : c.getAnnotatedType().getAnnotations()) {
      if (a.annotationType().getSimpleName().equals("Nullable")) {
        return true;
      }
    }
    return false;
  }

  private void defineCommonTypes() {
    ObjectNode rule = define("Rule", "Rule", "One condition of a search query");
    ObjectNode ruleProps = rule.putObject("properties");
    for (String f : new String[] {"property", "operator", "value"}) {
      ruleProps.putObject(f).put("title", words(f)).put("description", "A jq expression giving the rule's " + f)
          .put("type", "string");
    }
    rule.putArray("required").add("property").add("operator").add("value");

    ObjectNode search = define("IngestSearchQuery", "Ingest Search Query",
        "Finds the entity by a Port search instead of an identifier");
    ObjectNode searchProps = search.putObject("properties");
    searchProps.putObject("combinator").put("title", "Combinator").put("type", "string")
        .putArray("enum").add("and").add("or");
    ObjectNode rules = searchProps.putObject("rules");
    rules.put("title", "Rules");
    rules.put("type", "array");
    ArrayNode ruleOrQuery = rules.putObject("items").putArray("anyOf");
    ruleOrQuery.addObject().put("$ref", "#/definitions/Rule");
    ruleOrQuery.addObject().put("$ref", "#/definitions/IngestSearchQuery");
    search.putArray("required").add("combinator").add("rules");

    ObjectNode entity = define("EntityMapping", "Entity Mapping", "jq expressions that build the entity from one item");
    ObjectNode ep = entity.putObject("properties");
    ep.set("identifier", jqOrSearch("Identifier", "The entity's identifier"));
    ep.putObject("title").put("title", "Title").put("description", "The entity's title").put("type", "string");
    ep.putObject("icon").put("title", "Icon").put("description", "The entity's icon").put("type", "string");
    ep.putObject("blueprint").put("title", "Blueprint")
        .put("description", "The blueprint, usually a quoted literal such as '\"service\"'").put("type", "string");
    ep.set("team", jqOrSearch("Team", "The owning team(s)"));
    ObjectNode properties = ep.putObject("properties");
    properties.put("title", "Properties").put("description", "Property name to jq expression").put("type", "object");
    properties.putObject("additionalProperties").put("type", "string");
    ObjectNode relations = ep.putObject("relations");
    relations.put("title", "Relations").put("description", "Relation name to jq expression or search query")
        .put("type", "object");
    ArrayNode relationValue = relations.putObject("additionalProperties").putArray("anyOf");
    relationValue.addObject().put("type", "string");
    relationValue.addObject().put("$ref", "#/definitions/IngestSearchQuery");
    entity.putArray("required").add("identifier").add("blueprint");

    ObjectNode mappings = define("MappingsConfig", "Mappings Config", "The entity an item becomes");
    mappings.putObject("properties").putObject("mappings").put("$ref", "#/definitions/EntityMapping");
    mappings.putArray("required").add("mappings");

    ObjectNode port = define("PortResourceConfig", "Port Resource Config", "How each item becomes a Port entity");
    ObjectNode pp = port.putObject("properties");
    pp.putObject("entity").put("$ref", "#/definitions/MappingsConfig");
    pp.putObject("itemsToParse").put("title", "Items To Parse")
        .put("description", "A jq expression giving a list inside each item; each element is mapped instead")
        .put("type", "string");
    pp.putObject("itemsToParseName").put("title", "Items To Parse Name")
        .put("description", "The key under which each element is mapped").put("default", "item").put("type", "string");
    pp.putObject("itemsToParseTopLevelTransform").put("title", "Items To Parse Top Level Transform")
        .put("description", "Remove the parsed list from the item each element is mapped with")
        .put("default", true).put("type", "boolean");
    port.putArray("required").add("entity");
  }

  private ObjectNode define(String name, String title, String description) {
    ObjectNode def = definitions.putObject(name);
    def.put("title", title);
    def.put("description", description);
    def.put("type", "object");
    return def;
  }

  private static ObjectNode jqOrSearch(String title, String description) {
    ObjectNode n = JSON.createObjectNode();
    n.put("title", title);
    n.put("description", description + ": a jq expression or a search query");
    ArrayNode anyOf = n.putArray("anyOf");
    anyOf.addObject().put("type", "string");
    anyOf.addObject().put("$ref", "#/definitions/IngestSearchQuery");
    return n;
  }

  /**
   * A copy of {@code node} with each {@code $ref} replaced by its definition and one-element allOf flattened; a
   * type that contains itself keeps its innermost reference, as {@code {"type": "object"}}.
   */
  private static JsonNode inline(JsonNode node, ObjectNode defs, java.util.Set<String> inlining) {
    if (node.isObject()) {
      if (node.has("$ref")) {
        String name = node.get("$ref").asText().substring("#/definitions/".length());
        if (!inlining.add(name)) {
          return JSON.createObjectNode().put("type", "object");
        }
        JsonNode resolved = inline(defs.get(name), defs, inlining);
        inlining.remove(name);
        return resolved;
      }
      ObjectNode out = JSON.createObjectNode();
      node.fields().forEachRemaining(e -> out.set(e.getKey(), inline(e.getValue(), defs, inlining)));
      JsonNode allOf = out.get("allOf");
      if (allOf != null && allOf.size() == 1 && allOf.get(0).isObject()) {
        out.remove("allOf");
        ((ObjectNode) allOf.get(0)).fields().forEachRemaining(e -> out.putIfAbsent(e.getKey(), e.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(e -> out.add(inline(e, defs, inlining)));
      return out;
    }
    return node;
  }

  /** {@code fake-person} + {@code Selector} → {@code FakePersonSelector}. */
  static String definitionName(String kind, String suffix) {
    StringBuilder b = new StringBuilder();
    for (String word : kind.split("[^A-Za-z0-9]+")) {
      if (!word.isEmpty()) {
        b.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
      }
    }
    return b + suffix;
  }

  /** {@code includeArchived} → {@code Include Archived}. */
  static String words(String name) {
    StringBuilder b = new StringBuilder();
    for (String w : WORD_START.split(name)) {
      if (!w.isEmpty()) {
        if (b.length() > 0) {
          b.append(' ');
        }
        b.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
      }
    }
    return b.toString();
  }
}

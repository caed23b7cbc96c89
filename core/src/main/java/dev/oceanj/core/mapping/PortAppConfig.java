package dev.oceanj.core.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.core.mapping.MappingException.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The port-app-config (Ocean's mapping), parsed exactly as Ocean reads it (ocean-reference §4): camelCase keys,
 * Ocean's defaults, unknown keys ignored. Parsing checks the structure only; {@link CompiledMapping#compile}
 * compiles the jq.
 *
 * @param enableMergeEntity default true (Port's {@code merge} upsert flag)
 * @param deleteDependentEntities default true
 * @param createMissingRelatedEntities default true
 * @param entityDeletionThreshold 0..1, default 0.9: the largest share of owned entities a resync may delete
 * @param resources the resources, in document order
 * @param raw the document as read, for PATCHing it back to Port unchanged
 * @param source where it came from (a file name or {@code "Port integration config"}), named in every error
 */
public record PortAppConfig(
    boolean enableMergeEntity,
    boolean deleteDependentEntities,
    boolean createMissingRelatedEntities,
    double entityDeletionThreshold,
    List<ResourceConfig> resources,
    JsonNode raw,
    String source) {

  /** Ocean's default {@code entityDeletionThreshold}. */
  public static final double DEFAULT_DELETION_THRESHOLD = 0.9;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  public PortAppConfig {
    resources = List.copyOf(resources);
  }

  /**
   * Parses a YAML or JSON mapping.
   *
   * @param yamlOrJson the document
   * @param sourceName named in errors: a file name or {@code "Port integration config"}
   * @throws MappingException naming the source and every problem found
   */
  public static PortAppConfig parse(String yamlOrJson, String sourceName) {
    String trimmed = yamlOrJson.strip();
    if (trimmed.isEmpty()) {
      throw new MappingException(sourceName, List.of(top("(document)", "the mapping is empty")));
    }
    JsonNode tree;
    try {
      // JSON is read with the JSON parser: YAML rejects tabs that JSON allows.
      tree = trimmed.startsWith("{") || trimmed.startsWith("[") ? JSON.readTree(trimmed) : YAML.readTree(yamlOrJson);
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      throw new MappingException(sourceName, List.of(top("(document)", "not valid YAML/JSON: " + message
          + (message.contains(" line ") ? "" : location(e)))));
    }
    return fromJson(tree == null ? MissingNode.getInstance() : tree, sourceName);
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }

  /**
   * Reads an already parsed mapping, e.g. {@code integration.config} from Port.
   *
   * @throws MappingException naming the source and every problem found
   */
  public static PortAppConfig fromJson(JsonNode config, String sourceName) {
    List<Problem> problems = new ArrayList<>();
    if (config == null || !config.isObject()) {
      problems.add(top("(document)", "expected an object with 'resources', got " + type(config)));
      throw new MappingException(sourceName, problems);
    }
    boolean merge = bool(config, "enableMergeEntity", true, -1, null, "", problems);
    boolean deleteDependents = bool(config, "deleteDependentEntities", true, -1, null, "", problems);
    boolean createMissing = bool(config, "createMissingRelatedEntities", true, -1, null, "", problems);
    double threshold = DEFAULT_DELETION_THRESHOLD;
    JsonNode t = config.get("entityDeletionThreshold");
    if (t != null && !t.isNull()) {
      Double d = number(t);
      if (d == null || d < 0 || d > 1 || d.isNaN()) {
        problems.add(top("entityDeletionThreshold", "expected a number from 0 to 1, got " + t));
      } else {
        threshold = d;
      }
    }
    List<ResourceConfig> resources = new ArrayList<>();
    JsonNode rs = config.get("resources");
    if (rs != null && !rs.isNull()) {
      if (!rs.isArray()) {
        problems.add(top("resources", "expected a list, got " + type(rs)));
      } else {
        for (int i = 0; i < rs.size(); i++) {
          ResourceConfig r = resource(i, rs.get(i), problems);
          if (r != null) {
            resources.add(r);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new MappingException(sourceName, problems);
    }
    return new PortAppConfig(merge, deleteDependents, createMissing, threshold, resources, config, sourceName);
  }

  /** The distinct kinds, in document order. */
  public Set<String> kinds() {
    Set<String> kinds = new LinkedHashSet<>();
    resources.forEach(r -> kinds.add(r.kind()));
    return kinds;
  }

  private static ResourceConfig resource(int i, JsonNode r, List<Problem> problems) {
    int before = problems.size();
    if (!r.isObject()) {
      problems.add(new Problem(i, null, "(resource)", null, "expected an object, got " + type(r)));
      return null;
    }
    String kind = null;
    JsonNode k = r.get("kind");
    if (k == null || k.isNull() || !k.isValueNode() || k.asText().isEmpty()) {
      problems.add(new Problem(i, null, "kind", null, "required: a non-empty string"));
    } else {
      kind = k.asText();
    }
    String selector = requiredExpr(r.path("selector").get("query"), i, kind, "selector.query", problems);
    JsonNode port = r.get("port");
    if (port == null || !port.isObject()) {
      problems.add(new Problem(i, kind, "port", null, "required: an object with 'entity.mappings'"));
      return null;
    }
    Optional<String> itemsToParse = Optional.ofNullable(optionalExpr(port.get("itemsToParse"), i, kind, "port.itemsToParse", problems));
    String itemsName = ResourceConfig.DEFAULT_ITEMS_TO_PARSE_NAME;
    JsonNode n = port.get("itemsToParseName");
    if (n != null && !n.isNull()) {
      if (!n.isTextual() || n.asText().isEmpty()) {
        problems.add(new Problem(i, kind, "port.itemsToParseName", null, "expected a non-empty string, got " + n));
      } else {
        itemsName = n.asText();
      }
    }
    boolean topLevel = bool(port, "itemsToParseTopLevelTransform", true, i, kind, "port.", problems);
    JsonNode m = port.path("entity").get("mappings");
    EntityMappingConfig mappings = null;
    if (m == null || !m.isObject()) {
      problems.add(new Problem(i, kind, "port.entity.mappings", null, "required: an object with at least 'identifier' and 'blueprint'"));
    } else {
      mappings = mappings(m, i, kind, problems);
    }
    if (problems.size() > before) {
      return null;
    }
    return new ResourceConfig(i, kind, selector, mappings, itemsToParse, itemsName, topLevel);
  }

  private static EntityMappingConfig mappings(JsonNode m, int i, String kind, List<Problem> problems) {
    String p = "port.entity.mappings.";
    MappingValue identifier = null;
    JsonNode id = m.get("identifier");
    if (id == null || id.isNull()) {
      problems.add(new Problem(i, kind, p + "identifier", null, "required: jq or a search query {combinator, rules}"));
    } else {
      identifier = value(id, i, kind, p + "identifier", true, problems);
    }
    Optional<String> title = Optional.ofNullable(optionalExpr(m.get("title"), i, kind, p + "title", problems));
    String blueprint = requiredExpr(m.get("blueprint"), i, kind, p + "blueprint", problems);
    Optional<String> icon = Optional.ofNullable(optionalExpr(m.get("icon"), i, kind, p + "icon", problems));
    JsonNode teamNode = m.get("team");
    Optional<MappingValue> team = teamNode == null || teamNode.isNull()
        ? Optional.empty() : Optional.ofNullable(value(teamNode, i, kind, p + "team", true, problems));
    Map<String, MappingValue> properties = map(m.get("properties"), i, kind, p + "properties", false, problems);
    Map<String, MappingValue> relations = map(m.get("relations"), i, kind, p + "relations", true, problems);
    if (identifier == null || blueprint == null) {
      return null;
    }
    return new EntityMappingConfig(identifier, title, blueprint, team, icon, properties, relations);
  }

  private static Map<String, MappingValue> map(JsonNode node, int i, String kind, String path, boolean searchQueries,
      List<Problem> problems) {
    Map<String, MappingValue> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      problems.add(new Problem(i, kind, path, null, "expected an object of name: jq, got " + type(node)));
      return out;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (e.getValue().isNull()) {
        problems.add(new Problem(i, kind, path + "." + e.getKey(), null, "expected jq, got null"));
      } else {
        MappingValue v = value(e.getValue(), i, kind, path + "." + e.getKey(), searchQueries, problems);
        if (v != null) {
          out.put(e.getKey(), v);
        }
      }
    }
    return out;
  }

  /** A mapping value: jq text, or an object/array of them. Objects in search-query positions must look like one. */
  private static MappingValue value(JsonNode node, int i, String kind, String path, boolean searchQuery, List<Problem> problems) {
    if (node.isValueNode() && !node.isNull()) {
      return new MappingValue.Expr(exprText(node));
    }
    if (node.isObject()) {
      if (searchQuery && (!node.has("combinator") || !node.path("rules").isArray())) {
        problems.add(new Problem(i, kind, path, null,
            "an object here must be a search query {combinator, rules: [...]} whose leaves are jq"));
        return null;
      }
      Map<String, MappingValue> fields = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (e.getValue().isNull()) {
          problems.add(new Problem(i, kind, path + "." + e.getKey(), null, "expected jq, got null"));
          continue;
        }
        MappingValue v = value(e.getValue(), i, kind, path + "." + e.getKey(), false, problems);
        if (v != null) {
          fields.put(e.getKey(), v);
        }
      }
      return new MappingValue.Obj(fields);
    }
    if (node.isArray()) {
      List<MappingValue> elements = new ArrayList<>();
      for (int j = 0; j < node.size(); j++) {
        JsonNode e = node.get(j);
        String ep = path + "[" + j + "]";
        if (e.isNull()) {
          problems.add(new Problem(i, kind, ep, null, "expected jq, got null"));
          continue;
        }
        MappingValue v = value(e, i, kind, ep, false, problems);
        if (v != null) {
          elements.add(v);
        }
      }
      return new MappingValue.Arr(elements);
    }
    problems.add(new Problem(i, kind, path, null, "expected jq, got " + type(node)));
    return null;
  }

  private static String requiredExpr(JsonNode node, int i, String kind, String path, List<Problem> problems) {
    if (node == null || node.isNull()) {
      problems.add(new Problem(i, kind, path, null, "required: a jq expression"));
      return null;
    }
    return optionalExpr(node, i, kind, path, problems);
  }

  private static String optionalExpr(JsonNode node, int i, String kind, String path, List<Problem> problems) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isValueNode()) {
      problems.add(new Problem(i, kind, path, null, "expected a jq expression (a string), got " + type(node)));
      return null;
    }
    return exprText(node);
  }

  /**
   * An unquoted YAML scalar ({@code query: true}, {@code age: 5}) is read as the jq of its JSON text. Ocean's
   * pydantic would turn {@code true} into {@code "True"}, which jq rejects; users mean {@code true}.
   */
  private static String exprText(JsonNode node) {
    return node.isTextual() ? node.textValue() : node.toString();
  }

  private static boolean bool(JsonNode parent, String key, boolean dflt, int i, String kind, String prefix, List<Problem> problems) {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    // pydantic v1 (Ocean) also accepts these spellings.
    String s = v.asText().trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "true": case "1": case "yes": case "on": case "y": case "t":
        return true;
      case "false": case "0": case "no": case "off": case "n": case "f":
        return false;
      default:
        problems.add(new Problem(i, kind, prefix + key, null, "expected a boolean, got " + v));
        return dflt;
    }
  }

  private static Double number(JsonNode v) {
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.textValue().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Problem top(String field, String message) {
    return new Problem(-1, null, field, null, message);
  }

  static String type(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "an array";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isNumber()) {
      return "a number";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    return n.isNull() ? "null" : n.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}

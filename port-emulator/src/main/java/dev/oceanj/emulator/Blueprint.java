package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A blueprint as the emulator validates entities against it: its JSON schema (property types, formats,
 * {@code enum}, {@code required}, string and number bounds) and its relations (target, {@code many},
 * {@code required}).
 */
record Blueprint(String identifier, ObjectNode json, Map<String, JsonNode> properties, Set<String> required,
    Map<String, Relation> relations) {

  /** A relation definition. */
  record Relation(String name, String target, boolean many, boolean required) {}

  /** Port's entity identifier rule (port-api-limits §4.5). */
  static final Pattern ENTITY_IDENTIFIER = Pattern.compile("^(?!\\.{1,2}$)[\\p{L}0-9@_.+:\\\\/=-]+$");
  /** Port's blueprint identifier rule: as entities, without {@code =}. */
  static final Pattern BLUEPRINT_IDENTIFIER = Pattern.compile("^(?!\\.{1,2}$)[\\p{L}0-9@_.+:\\\\/-]+$");
  static final int ENTITY_IDENTIFIER_MAX = 1000;
  static final int BLUEPRINT_IDENTIFIER_MAX = 100;

  private static final Set<String> TYPES = Set.of("string", "number", "boolean", "object", "array");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  private static final Pattern IPV4 = Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");

  static void checkEntityIdentifier(String id, String what) {
    if (id.length() > ENTITY_IDENTIFIER_MAX) {
      throw PortError.invalid(what + " is longer than " + ENTITY_IDENTIFIER_MAX + " characters");
    }
    if (!ENTITY_IDENTIFIER.matcher(id).matches()) {
      throw PortError.invalid(what + " \"" + id + "\" does not match " + ENTITY_IDENTIFIER.pattern());
    }
  }

  /**
   * Validates and normalises a blueprint body (identifier, title, description, schema, relations), checking that
   * relation targets exist ({@code exists} answers for other blueprints).
   */
  static Blueprint parse(ObjectNode body, java.util.function.Predicate<String> exists) {
    String id = body.path("identifier").asText(null);
    if (id == null || !body.get("identifier").isTextual()) {
      throw PortError.invalid("blueprint field \"identifier\" is required and must be a string");
    }
    if (id.length() > BLUEPRINT_IDENTIFIER_MAX || !BLUEPRINT_IDENTIFIER.matcher(id).matches()) {
      throw PortError.invalid("blueprint identifier \"" + id + "\" must match " + BLUEPRINT_IDENTIFIER.pattern()
          + " and have at most " + BLUEPRINT_IDENTIFIER_MAX + " characters");
    }
    if (!body.hasNonNull("title")) {
      body.put("title", id);
    }
    if (!body.get("title").isTextual() || body.get("title").asText().length() > 100) {
      throw PortError.invalid("blueprint \"" + id + "\" field \"title\" must be a string of at most 100 characters");
    }
    JsonNode description = body.get("description");
    if (description != null && !description.isNull()
        && (!description.isTextual() || description.asText().length() > 200)) {
      throw PortError.invalid("blueprint \"" + id + "\" field \"description\" must be a string of at most 200 characters");
    }
    ObjectNode schema = body.get("schema") instanceof ObjectNode s ? s : body.putObject("schema");
    ObjectNode props = schema.get("properties") instanceof ObjectNode p ? p : schema.putObject("properties");
    ArrayNode req = schema.get("required") instanceof ArrayNode r ? r : schema.putArray("required");
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    props.properties().forEach(f -> {
      String type = f.getValue().path("type").asText("");
      if (!TYPES.contains(type)) {
        throw PortError.invalid("blueprint \"" + id + "\" property \"" + f.getKey() + "\" has type \"" + type
            + "\"; expected one of " + TYPES);
      }
      properties.put(f.getKey(), f.getValue());
    });
    Set<String> required = new LinkedHashSet<>();
    for (JsonNode r : req) {
      if (!properties.containsKey(r.asText())) {
        throw PortError.invalid("blueprint \"" + id + "\" requires property \"" + r.asText() + "\" which its schema does not define");
      }
      required.add(r.asText());
    }
    ObjectNode rels = body.get("relations") instanceof ObjectNode r ? r : body.putObject("relations");
    Map<String, Relation> relations = new LinkedHashMap<>();
    rels.properties().forEach(f -> {
      JsonNode def = f.getValue();
      String target = def.path("target").asText(null);
      if (target == null) {
        throw PortError.invalid("blueprint \"" + id + "\" relation \"" + f.getKey() + "\" has no \"target\"");
      }
      if (!target.equals(id) && !exists.test(target)) {
        throw PortError.notFound("not_found", "blueprint \"" + id + "\" relation \"" + f.getKey()
            + "\" targets blueprint \"" + target + "\" which does not exist");
      }
      if (def instanceof ObjectNode o) {
        if (!o.has("many")) {
          o.put("many", false);
        }
        if (!o.has("required")) {
          o.put("required", false);
        }
        if (!o.has("title")) {
          o.put("title", f.getKey());
        }
      }
      relations.put(f.getKey(), new Relation(f.getKey(), target, def.path("many").asBoolean(false),
          def.path("required").asBoolean(false)));
    });
    for (String k : new String[] {"mirrorProperties", "calculationProperties", "aggregationProperties"}) {
      if (!body.has(k)) {
        body.putObject(k);
      }
    }
    return new Blueprint(id, body, properties, required, relations);
  }

  /** Checks one property value against its schema; null values pass (required is checked separately). */
  void checkProperty(String name, JsonNode value) {
    JsonNode schema = properties.get(name);
    if (schema == null) {
      throw PortError.invalid("property \"" + name + "\" is not defined in blueprint \"" + identifier + "\"");
    }
    if (value == null || value.isNull()) {
      return;
    }
    checkValue("property \"" + name + "\" of blueprint \"" + identifier + "\"", schema, value);
  }

  private static void checkValue(String what, JsonNode schema, JsonNode value) {
    String type = schema.path("type").asText();
    switch (type) {
      case "string" -> {
        if (!value.isTextual()) {
          throw typeError(what, type, value);
        }
        String s = value.asText();
        checkFormat(what, schema.path("format").asText(""), s);
        if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
          throw PortError.invalid(what + " must have at least " + schema.get("minLength").asInt() + " characters");
        }
        if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
          throw PortError.invalid(what + " must have at most " + schema.get("maxLength").asInt() + " characters");
        }
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
          throw PortError.invalid(what + " must match pattern " + schema.get("pattern").asText());
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          throw typeError(what, type, value);
        }
        if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
          throw PortError.invalid(what + " must be >= " + schema.get("minimum").asText());
        }
        if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
          throw PortError.invalid(what + " must be <= " + schema.get("maximum").asText());
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          throw typeError(what, type, value);
        }
      }
      case "object" -> {
        if (!value.isObject()) {
          throw typeError(what, type, value);
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          throw typeError(what, type, value);
        }
        JsonNode items = schema.get("items");
        if (items != null && items.has("type")) {
          int i = 0;
          for (JsonNode item : value) {
            checkValue(what + " item " + i++, items, item);
          }
        }
      }
      default -> throw PortError.invalid(what + " has an unknown schema type \"" + type + "\"");
    }
    JsonNode allowed = schema.get("enum");
    if (allowed instanceof ArrayNode list) {
      boolean found = false;
      for (JsonNode a : list) {
        if (a.equals(value) || (a.isNumber() && value.isNumber() && a.asDouble() == value.asDouble())) {
          found = true;
          break;
        }
      }
      if (!found) {
        throw PortError.invalid(what + " must be one of " + list + " (got " + value + ")");
      }
    }
  }

  private static PortError typeError(String what, String type, JsonNode value) {
    return PortError.invalid(what + " must be of type " + type + " (got " + value.getNodeType().name().toLowerCase() + ")");
  }

  private static void checkFormat(String what, String format, String s) {
    boolean ok = switch (format) {
      case "date-time", "timer" -> Json.parseInstant(s) != null;
      case "url" -> isUrl(s);
      case "email" -> EMAIL.matcher(s).matches();
      case "ipv4" -> IPV4.matcher(s).matches();
      case "ipv6" -> s.contains(":") && s.matches("^[0-9a-fA-F:.]+$");
      default -> true;
    };
    if (!ok) {
      throw PortError.invalid(what + " must be in format \"" + format + "\" (got \"" + s + "\")");
    }
  }

  private static boolean isUrl(String s) {
    try {
      URI u = new URI(s);
      return u.getScheme() != null && (u.getHost() != null || u.getSchemeSpecificPart() != null) && u.isAbsolute();
    } catch (Exception e) {
      return false;
    }
  }
}

package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A blueprint as the emulator validates entities against it: its JSON schema (property types, formats,
 * {@code enum}, {@code required}, string and number bounds) and its relations (target, {@code many},
 * {@code required}).
 */
record Blueprint(String identifier, ObjectNode json, Map<String, Rule> properties, Set<String> required,
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
  static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9a-fA-F:.]+$");
  private static final Pattern IPV4 = Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");

  static void checkEntityIdentifier(String id, String what) {
    if (id.length() > ENTITY_IDENTIFIER_MAX) {
      throw PortError.invalid(what + " is longer than " + ENTITY_IDENTIFIER_MAX + " characters");
    }
    if (!isEntityIdentifier(id)) {
      throw PortError.invalid(what + " \"" + id + "\" does not match " + ENTITY_IDENTIFIER.pattern());
    }
  }

  /** The ASCII characters {@link #ENTITY_IDENTIFIER} allows besides letters. */
  private static final boolean[] IDENTIFIER_ASCII = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      IDENTIFIER_ASCII[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      IDENTIFIER_ASCII[c] = true;
      IDENTIFIER_ASCII[Character.toUpperCase(c)] = true;
    }
    for (char c : "@_.+:\\/=-".toCharArray()) {
      IDENTIFIER_ASCII[c] = true;
    }
  }

  /**
   * Whether {@link #ENTITY_IDENTIFIER} matches, without the regex engine: every entity write checks its identifier
   * and those of its relations, and the matchers (with the email format's) took a tenth of the bulk route's CPU.
   * One or more code points that are letters ({@code \p{L}} is {@link Character#isLetter(int)}'s five categories),
   * ASCII digits or {@code @_.+:\/=-}, and not "." or "..". (The pattern's {@code $} may also match before a final
   * line terminator, but no line terminator is an allowed character, so that never lets more through.)
   */
  static boolean isEntityIdentifier(String s) {
    int n = s.length();
    if (n == 0 || s.equals(".") || s.equals("..")) {
      return false;
    }
    for (int i = 0; i < n; ) {
      char c = s.charAt(i);
      if (c < 128) {
        if (!IDENTIFIER_ASCII[c]) {
          return false;
        }
        i++;
      } else {
        int cp = s.codePointAt(i);
        if (!Character.isLetter(cp)) {
          return false;
        }
        i += Character.charCount(cp);
      }
    }
    return true;
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
    Map<String, Rule> properties = new LinkedHashMap<>();
    props.properties().forEach(f -> {
      String type = f.getValue().path("type").asText("");
      if (!TYPES.contains(type)) {
        throw PortError.invalid("blueprint \"" + id + "\" property \"" + f.getKey() + "\" has type \"" + type
            + "\"; expected one of " + TYPES);
      }
      properties.put(f.getKey(), new Rule(f.getValue()));
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
    Rule rule = properties.get(name);
    if (rule == null) {
      throw PortError.invalid("property \"" + name + "\" is not defined in blueprint \"" + identifier + "\"");
    }
    if (value == null || value.isNull()) {
      return;
    }
    // The subject of an error message is built only when there is an error: most values are valid.
    rule.check(() -> "property \"" + name + "\" of blueprint \"" + identifier + "\"", value);
  }

  /**
   * One property schema, read once when the blueprint is parsed (blueprints are immutable once parsed: a patch parses
   * a new one), so checking a value reads fields instead of looking up JSON keys. Every field holds exactly what
   * checking used to read from the schema, with the same conversions ({@code asInt}, {@code asText}, ...), so the
   * verdicts and messages are unchanged.
   */
  static final class Rule {
    private final String type;
    private final String format;
    private final boolean hasMinLength;
    private final int minLength;
    private final boolean hasMaxLength;
    private final int maxLength;
    /** Compiled when first used, as before: an invalid pattern fails the write that meets it, not the blueprint. */
    private final String pattern;
    private final boolean hasMinimum;
    private final double minimum;
    private final String minimumText;
    private final boolean hasMaximum;
    private final double maximum;
    private final String maximumText;
    private final Rule items;
    private final ArrayNode allowed;

    Rule(JsonNode schema) {
      type = schema.path("type").asText();
      format = schema.path("format").asText("");
      hasMinLength = schema.has("minLength");
      minLength = hasMinLength ? schema.get("minLength").asInt() : 0;
      hasMaxLength = schema.has("maxLength");
      maxLength = hasMaxLength ? schema.get("maxLength").asInt() : 0;
      pattern = schema.has("pattern") ? schema.get("pattern").asText() : null;
      hasMinimum = schema.has("minimum");
      minimum = hasMinimum ? schema.get("minimum").asDouble() : 0;
      minimumText = hasMinimum ? schema.get("minimum").asText() : null;
      hasMaximum = schema.has("maximum");
      maximum = hasMaximum ? schema.get("maximum").asDouble() : 0;
      maximumText = hasMaximum ? schema.get("maximum").asText() : null;
      JsonNode itemSchema = schema.get("items");
      items = type.equals("array") && itemSchema != null && itemSchema.has("type") ? new Rule(itemSchema) : null;
      allowed = schema.get("enum") instanceof ArrayNode list ? list : null;
    }

    void check(Supplier<String> subject, JsonNode value) {
      switch (type) {
        case "string" -> {
          if (!value.isTextual()) {
            throw typeError(subject.get(), type, value);
          }
          String s = value.asText();
          checkFormat(subject, format, s);
          if (hasMinLength && s.length() < minLength) {
            throw PortError.invalid(subject.get() + " must have at least " + minLength + " characters");
          }
          if (hasMaxLength && s.length() > maxLength) {
            throw PortError.invalid(subject.get() + " must have at most " + maxLength + " characters");
          }
          if (pattern != null && !pattern(pattern).matcher(s).find()) {
            throw PortError.invalid(subject.get() + " must match pattern " + pattern);
          }
        }
        case "number" -> {
          if (!value.isNumber()) {
            throw typeError(subject.get(), type, value);
          }
          if (hasMinimum && value.asDouble() < minimum) {
            throw PortError.invalid(subject.get() + " must be >= " + minimumText);
          }
          if (hasMaximum && value.asDouble() > maximum) {
            throw PortError.invalid(subject.get() + " must be <= " + maximumText);
          }
        }
        case "boolean" -> {
          if (!value.isBoolean()) {
            throw typeError(subject.get(), type, value);
          }
        }
        case "object" -> {
          if (!value.isObject()) {
            throw typeError(subject.get(), type, value);
          }
        }
        case "array" -> {
          if (!value.isArray()) {
            throw typeError(subject.get(), type, value);
          }
          if (items != null) {
            int i = 0;
            for (JsonNode item : value) {
              int index = i++;
              items.check(() -> subject.get() + " item " + index, item);
            }
          }
        }
        default -> throw PortError.invalid(subject.get() + " has an unknown schema type \"" + type + "\"");
      }
      if (allowed != null) {
        boolean found = false;
        for (JsonNode a : allowed) {
          if (a.equals(value) || (a.isNumber() && value.isNumber() && a.asDouble() == value.asDouble())) {
            found = true;
            break;
          }
        }
        if (!found) {
          throw PortError.invalid(subject.get() + " must be one of " + allowed + " (got " + value + ")");
        }
      }
    }
  }

  /** Compiled {@code pattern}s of the schemas: compiling one costs far more than matching it. */
  private static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

  private static Pattern pattern(String regex) {
    Pattern p = PATTERNS.get(regex);
    if (p == null) {
      p = Pattern.compile(regex);
      if (PATTERNS.size() < 10_000) {
        PATTERNS.put(regex, p);
      }
    }
    return p;
  }

  private static PortError typeError(String what, String type, JsonNode value) {
    return PortError.invalid(what + " must be of type " + type + " (got " + value.getNodeType().name().toLowerCase() + ")");
  }

  private static void checkFormat(Supplier<String> subject, String format, String s) {
    boolean ok = switch (format) {
      case "date-time", "timer" -> Json.parseInstant(s) != null;
      case "url" -> isUrl(s);
      case "email" -> isEmail(s);
      case "ipv4" -> IPV4.matcher(s).matches();
      case "ipv6" -> s.contains(":") && IPV6_CHARS.matcher(s).matches();
      default -> true;
    };
    if (!ok) {
      throw PortError.invalid(subject.get() + " must be in format \"" + format + "\" (got \"" + s + "\")");
    }
  }

  /**
   * Whether {@link #EMAIL} matches, without the regex engine (people have emails; the matcher cost more than the
   * rest of their validation). Its three classes exclude '@' and the ASCII whitespace {@code \s} stands for, so: no
   * such whitespace, exactly one '@' with something before it, and after it a '.' that is neither first nor last.
   */
  static boolean isEmail(String s) {
    int n = s.length();
    int at = -1;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r') {
        return false;
      }
      if (c == '@') {
        if (at >= 0) {
          return false;
        }
        at = i;
      }
    }
    if (at < 1) {
      return false;
    }
    for (int i = at + 2; i < n - 1; i++) {
      if (s.charAt(i) == '.') {
        return true;
      }
    }
    return false;
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

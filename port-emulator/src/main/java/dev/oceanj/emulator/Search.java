package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.emulator.store.StoredEntity;
import java.util.List;

/**
 * Port's search rule language over stored entities: {@code {combinator: and|or, rules: [...]}} with rules
 * {@code {property, operator, value}} on meta properties ({@code $identifier}, {@code $blueprint},
 * {@code $datasource}, {@code $title}, {@code $team}, {@code $icon}, {@code $createdAt}, {@code $updatedAt}) or
 * blueprint properties, and {@code {relation, operator, value}} on relations.
 */
final class Search {

  private Search() {}

  /** An entity under evaluation; its JSON is parsed only if a rule needs it. */
  static final class View {
    final StoredEntity stored;
    private ObjectNode json;

    View(StoredEntity stored) {
      this.stored = stored;
    }

    ObjectNode json() {
      if (json == null) {
        json = Json.object(stored.json());
      }
      return json;
    }
  }

  /** Checks a query's shape up front, so a bad query fails with a clear message even when nothing is stored. */
  static void validate(JsonNode query, String where) {
    if (!query.isObject()) {
      throw PortError.invalid(where + " must be an object");
    }
    if (query.has("combinator")) {
      String c = query.get("combinator").asText();
      if (!c.equals("and") && !c.equals("or")) {
        throw PortError.invalid(where + " combinator must be \"and\" or \"or\", was \"" + c + "\"");
      }
      JsonNode rules = query.get("rules");
      if (!(rules instanceof ArrayNode)) {
        throw PortError.invalid(where + " needs a \"rules\" array");
      }
      int i = 0;
      for (JsonNode r : rules) {
        validate(r, where + ".rules[" + i++ + "]");
      }
      return;
    }
    if (!query.has("property") && !query.has("relation")) {
      throw PortError.invalid(where + " needs \"property\" or \"relation\" (or a \"combinator\")");
    }
    String op = query.path("operator").asText("");
    if (!OPERATORS.contains(op)) {
      throw PortError.invalid(where + " has unsupported operator \"" + op + "\"; supported: " + OPERATORS);
    }
  }

  static final List<String> OPERATORS = List.of("=", "!=", "in", "notIn", "contains", "doesNotContains",
      "containsAny", "beginsWith", "doesNotBeginsWith", "endsWith", "doesNotEndsWith", "isEmpty", "isNotEmpty",
      ">", ">=", "<", "<=", "between", "notBetween");

  static boolean matches(JsonNode rule, View e) {
    if (rule.has("combinator")) {
      boolean or = "or".equals(rule.get("combinator").asText());
      for (JsonNode r : rule.get("rules")) {
        boolean m = matches(r, e);
        if (or && m) {
          return true;
        }
        if (!or && !m) {
          return false;
        }
      }
      return !or;
    }
    JsonNode current = rule.has("relation")
        ? e.json().path("relations").path(rule.get("relation").asText())
        : value(rule.get("property").asText(), e);
    if (current.isMissingNode()) {
      current = JsonNodeFactory.instance.nullNode();
    }
    return apply(rule.path("operator").asText(), current, rule.get("value"), isDate(rule));
  }

  private static boolean isDate(JsonNode rule) {
    String p = rule.path("property").asText("");
    return p.equals("$updatedAt") || p.equals("$createdAt");
  }

  static JsonNode value(String property, View e) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (property) {
      case "$identifier" -> f.textNode(e.stored.identifier());
      case "$blueprint" -> f.textNode(e.stored.blueprint());
      case "$datasource" -> e.stored.datasource() == null ? f.nullNode() : f.textNode(e.stored.datasource());
      case "$updatedAt" -> f.textNode(Json.iso(e.stored.updatedAt()));
      case "$createdAt" -> f.textNode(Json.iso(e.stored.createdAt()));
      case "$title" -> e.json().path("title");
      case "$team" -> e.json().path("team");
      case "$icon" -> e.json().path("icon");
      default -> e.json().path("properties").path(property);
    };
  }

  private static boolean apply(String op, JsonNode cur, JsonNode val, boolean date) {
    return switch (op) {
      case "=" -> same(cur, val);
      case "!=" -> !same(cur, val);
      case "in" -> in(cur, val);
      case "notIn" -> !in(cur, val);
      case "contains" -> contains(cur, val);
      case "doesNotContains" -> !contains(cur, val);
      case "containsAny" -> containsAny(cur, val);
      case "beginsWith" -> cur.isTextual() && val != null && cur.asText().startsWith(val.asText());
      case "doesNotBeginsWith" -> !(cur.isTextual() && val != null && cur.asText().startsWith(val.asText()));
      case "endsWith" -> cur.isTextual() && val != null && cur.asText().endsWith(val.asText());
      case "doesNotEndsWith" -> !(cur.isTextual() && val != null && cur.asText().endsWith(val.asText()));
      case "isEmpty" -> empty(cur);
      case "isNotEmpty" -> !empty(cur);
      case ">" -> ordered(compare(cur, val, date), c -> c > 0);
      case ">=" -> ordered(compare(cur, val, date), c -> c >= 0);
      case "<" -> ordered(compare(cur, val, date), c -> c < 0);
      case "<=" -> ordered(compare(cur, val, date), c -> c <= 0);
      case "between" -> between(cur, val);
      case "notBetween" -> !between(cur, val);
      default -> throw PortError.invalid("unsupported operator \"" + op + "\"");
    };
  }

  private static boolean same(JsonNode a, JsonNode b) {
    if (b == null) {
      return a.isNull();
    }
    if (a.isNumber() && b.isNumber()) {
      return a.asDouble() == b.asDouble();
    }
    if (a.isArray() && !b.isArray()) {
      for (JsonNode x : a) {
        if (same(x, b)) {
          return true;
        }
      }
      return false;
    }
    return a.equals(b);
  }

  private static boolean in(JsonNode cur, JsonNode val) {
    if (val == null || !val.isArray()) {
      return false;
    }
    for (JsonNode v : val) {
      if (same(cur, v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(JsonNode cur, JsonNode val) {
    if (val == null || cur.isNull()) {
      return false;
    }
    if (cur.isArray()) {
      for (JsonNode x : cur) {
        if (same(x, val)) {
          return true;
        }
      }
      return false;
    }
    return cur.asText().contains(val.asText());
  }

  private static boolean containsAny(JsonNode cur, JsonNode val) {
    if (val == null || !val.isArray()) {
      return false;
    }
    for (JsonNode v : val) {
      if (contains(cur, v) || same(cur, v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean empty(JsonNode cur) {
    return cur.isNull() || (cur.isTextual() && cur.asText().isEmpty()) || (cur.isContainerNode() && cur.isEmpty());
  }

  private static boolean ordered(Integer c, java.util.function.IntPredicate test) {
    return c != null && test.test(c);
  }

  /** Null when the two values cannot be ordered (then every ordering operator is false). */
  private static Integer compare(JsonNode cur, JsonNode val, boolean date) {
    if (val == null || cur.isNull()) {
      return null;
    }
    if (cur.isNumber() && val.isNumber()) {
      return Double.compare(cur.asDouble(), val.asDouble());
    }
    if (date || cur.isTextual()) {
      Long a = Json.parseInstant(cur.asText());
      Long b = Json.parseInstant(val.asText());
      if (a != null && b != null) {
        return Long.compare(a, b);
      }
      return cur.asText().compareTo(val.asText());
    }
    return null;
  }

  private static boolean between(JsonNode cur, JsonNode val) {
    if (val == null || !val.isObject() || cur.isNull()) {
      return false;
    }
    Long at = Json.parseInstant(cur.asText());
    Long from = Json.parseInstant(val.path("from").asText(""));
    Long to = Json.parseInstant(val.path("to").asText(""));
    return at != null && from != null && to != null && at >= from && at <= to;
  }

  /**
   * Port's {@code include}/{@code exclude} projection: names of top-level fields ({@code identifier},
   * {@code properties}) or of nested ones ({@code properties.language}, {@code relations.owner}).
   */
  static ObjectNode project(ObjectNode entity, List<String> include, List<String> exclude) {
    ObjectNode out;
    if (include.isEmpty()) {
      out = entity;
    } else {
      out = Json.MAPPER.createObjectNode();
      for (String path : include) {
        int dot = path.indexOf('.');
        if (dot < 0) {
          if (entity.has(path)) {
            out.set(path, entity.get(path));
          }
        } else {
          String top = path.substring(0, dot);
          String sub = path.substring(dot + 1);
          ObjectNode target = out.get(top) instanceof ObjectNode o ? o : out.putObject(top);
          JsonNode v = entity.path(top).get(sub);
          if (v != null) {
            target.set(sub, v);
          }
        }
      }
    }
    for (String path : exclude) {
      int dot = path.indexOf('.');
      if (dot < 0) {
        out.remove(path);
      } else if (out.get(path.substring(0, dot)) instanceof ObjectNode o) {
        o.remove(path.substring(dot + 1));
      }
    }
    return out;
  }
}

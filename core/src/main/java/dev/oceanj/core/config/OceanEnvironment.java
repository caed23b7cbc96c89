package dev.oceanj.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns Port Ocean's environment variables into one HOCON layer: {@code OCEAN__A__B_C} sets {@code ocean.a.b-c}
 * ({@code __} nests, {@code _} becomes {@code -}, names are case-insensitive); a value that parses as a JSON
 * object or array sets the whole subtree, its camelCase keys read as kebab-case; {@code APPLICATION__PORT} and
 * {@code APPLICATION__LOG_LEVEL} set {@code ocean.http.port} and {@code ocean.log-level}; the legacy
 * {@code OCEAN__INTEGRATION__CONFIG__APP_HOST} also sets {@code ocean.base-url}.
 *
 * <p>Every value keeps its variable's name as its origin ({@code env OCEAN__PORT__CLIENT_ID}), so problems name
 * the variable to fix.
 */
final class OceanEnvironment {

  static final String PREFIX = "OCEAN__";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CAMEL_BOUNDARY = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");

  private OceanEnvironment() {}

  /** The environment as a layer rooted at {@code ocean}; {@code spec} (nullable) names integration settings. */
  static Config toConfig(Map<String, String> env, IntegrationSpec spec) {
    return toConfig(env, spec, "env ");
  }

  /** As above, each value's origin {@code originPrefix + variable} (an instance's file names itself). */
  static Config toConfig(Map<String, String> env, IntegrationSpec spec, String originPrefix) {
    record Entry(String var, List<String> path, Object value) {}
    List<Entry> entries = new ArrayList<>();
    Config application = ConfigFactory.empty();
    Config legacy = ConfigFactory.empty();
    for (Map.Entry<String, String> e : env.entrySet()) {
      String var = e.getKey();
      String value = e.getValue() == null ? "" : e.getValue();
      String upper = var.toUpperCase(Locale.ROOT);
      if (upper.equals("APPLICATION__PORT")) {
        application = application.withValue("ocean.http.port", ConfigValueFactory.fromAnyRef(value, originPrefix + var));
      } else if (upper.equals("APPLICATION__ENABLE_HTTP_LOGGING")) {
        application = application.withValue("ocean.telemetry.http-logging",
            ConfigValueFactory.fromAnyRef(value, originPrefix + var));
      } else if (upper.equals("APPLICATION__LOG_LEVEL")) {
        application = application.withValue("ocean.log-level", ConfigValueFactory.fromAnyRef(value, originPrefix + var));
      } else if (upper.startsWith(PREFIX) && upper.length() > PREFIX.length()) {
        String[] raw = var.substring(PREFIX.length()).split("__", -1);
        List<String> path = new ArrayList<>();
        path.add("ocean");
        boolean blankSegment = false;
        for (int i = 0; i < raw.length; i++) {
          String seg = raw[i].toLowerCase(Locale.ROOT);
          blankSegment |= seg.isEmpty();
          boolean configName = i == 2 && path.get(1).equals("integration") && path.get(2).equals("config");
          path.add(configName ? OceanKeys.configName(seg, spec) : seg.replace('_', '-'));
        }
        if (blankSegment) {
          continue;
        }
        entries.add(new Entry(var, path, parseValue(value, path, spec)));
        if (upper.equals("OCEAN__INTEGRATION__CONFIG__APP_HOST")) {
          legacy = legacy.withValue("ocean.base-url", ConfigValueFactory.fromAnyRef(value, originPrefix + var));
        }
      }
    }
    // Deeper variables beat the whole-JSON value of an ancestor, as in pydantic's nested env parsing.
    entries.sort(Comparator.<Entry>comparingInt(en -> -en.path().size()).thenComparing(Entry::var));
    Config layer = ConfigFactory.empty();
    for (Entry en : entries) {
      Config one = ConfigValueFactory.fromAnyRef(en.value(), originPrefix + en.var()).atPath(ConfigUtil.joinPath(en.path()));
      layer = layer.withFallback(one);
    }
    return layer.withFallback(application).withFallback(legacy);
  }

  /** A JSON object or array becomes a tree (keys decamelised outside integration settings); else the string. */
  private static Object parseValue(String value, List<String> path, IntegrationSpec spec) {
    String t = value.trim();
    if ((t.startsWith("{") || t.startsWith("[")) && !scalarSpecField(path, spec)) {
      try {
        JsonNode node = JSON.readTree(t);
        if (node != null && (node.isObject() || node.isArray())) {
          return toJava(node, new ArrayList<>(path), spec);
        }
      } catch (JsonProcessingException e) {
        // Not JSON: keep the string; the typed read of this key reports what it expected.
      }
    }
    return value;
  }

  /** A spec field typed string, url, integer, number or boolean keeps its text even when it looks like JSON. */
  private static boolean scalarSpecField(List<String> path, IntegrationSpec spec) {
    if (spec == null || path.size() != 4 || !path.get(1).equals("integration") || !path.get(2).equals("config")) {
      return false;
    }
    return spec.configuration(path.get(3))
        .map(c -> c.type() != IntegrationSpec.ConfigType.OBJECT && c.type() != IntegrationSpec.ConfigType.ARRAY)
        .orElse(false);
  }

  private static Object toJava(JsonNode node, List<String> path, IntegrationSpec spec) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      boolean inIntegrationConfig = path.size() >= 3 && path.get(1).equals("integration") && path.get(2).equals("config");
      boolean atIntegrationConfig = path.size() == 3 && inIntegrationConfig;
      node.fields().forEachRemaining(f -> {
        String key = atIntegrationConfig ? OceanKeys.configName(f.getKey(), spec)
            : inIntegrationConfig ? f.getKey() : kebabCase(f.getKey());
        List<String> child = new ArrayList<>(path);
        child.add(key);
        map.put(key, toJava(f.getValue(), child, spec));
      });
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toJava(n, path, spec)));
      return list;
    }
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue().toString();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return node.asText();
  }

  /** {@code resyncOnStart}, {@code resync_on_start} → {@code resync-on-start}. */
  static String kebabCase(String key) {
    return CAMEL_BOUNDARY.matcher(key).replaceAll("-").toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** {@code myToken} → {@code my_token} (Ocean's decamelize, which names the environment variable). */
  static String snakeCase(String camel) {
    return kebabCase(camel).replace('-', '_');
  }

  /** {@code my_token}, {@code my-token} → {@code myToken}. */
  static String lowerCamel(String key) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : key.toCharArray()) {
      if (c == '_' || c == '-') {
        up = sb.length() > 0;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }
}

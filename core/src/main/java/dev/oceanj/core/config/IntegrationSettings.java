package dev.oceanj.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which integration runs and its own settings ({@code ocean.integration}).
 *
 * <p>{@link #config()} holds the integration's settings as JSON, typed by its spec: the SPI binds it to the
 * integration's settings record with Jackson ({@code mapper.treeToValue(settings.config(), FakeSettings.class)}).
 * Values are real (secrets included) because the integration needs them; everything that prints them
 * ({@link #toString()}, {@link #maskedConfig()}, {@link OceanSettings#describe()}) masks sensitive fields.
 *
 * @param identifier the integration's identifier in Port
 * @param type the integration type, lower-cased
 * @param version the version to report; empty = the integration's own
 * @param config the integration's settings (a fresh copy on every call)
 * @param sensitiveFields names of settings the spec marks {@code sensitive}
 */
public record IntegrationSettings(
    String identifier, String type, Optional<String> version, ObjectNode config, Set<String> sensitiveFields) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Settings named like secrets are masked even when no spec says so: printing one by mistake costs too much. */
  static final Pattern SECRET_LIKE =
      Pattern.compile("(?i).*(secret|password|passwd|token|api[-_]?key|private[-_]?key|credential).*");

  /** Copies {@code config} and the set, so the record stays immutable. */
  public IntegrationSettings {
    Objects.requireNonNull(identifier, "identifier");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(version, "version");
    config = config.deepCopy();
    sensitiveFields = Set.copyOf(sensitiveFields);
  }

  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }

  /** Whether the setting {@code name} is masked when printed. */
  public boolean isSensitive(String name) {
    return sensitiveFields.contains(name) || SECRET_LIKE.matcher(name).matches();
  }

  /** {@link #config()} with every sensitive value replaced by {@value Secret#MASK}. */
  public ObjectNode maskedConfig() {
    ObjectNode masked = config.deepCopy();
    List<String> names = new ArrayList<>();
    masked.fieldNames().forEachRemaining(names::add);
    names.stream().filter(this::isSensitive).forEach(n -> masked.put(n, Secret.MASK));
    return masked;
  }

  /** The string setting {@code name} as a {@link Secret}, if set. */
  public Optional<Secret> secret(String name) {
    JsonNode v = config.get(name);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(Secret.of(v.isTextual() ? v.asText() : v.toString()));
  }

  @Override
  public String toString() {
    return "IntegrationSettings[identifier=" + identifier + ", type=" + type + ", version=" + version.orElse("")
        + ", config=" + maskedConfig() + "]";
  }

  /** Reads {@code ocean.integration} from a root config, without a spec (settings kept as configured). */
  public static IntegrationSettings fromConfig(Config config) {
    return fromConfig(config, null);
  }

  /** Reads {@code ocean.integration} from a root config, typing its settings by {@code spec} (nullable). */
  public static IntegrationSettings fromConfig(Config config, IntegrationSpec spec) {
    ConfigReader r = new ConfigReader(OceanKeys.normalize(config, spec));
    IntegrationSettings s = read(r, spec);
    r.throwIfProblems();
    return s;
  }

  static IntegrationSettings read(ConfigReader r, IntegrationSpec spec) {
    String type = r.string("ocean.integration.type", "fake").toLowerCase(Locale.ROOT);
    String identifier = r.optionalString("ocean.integration.identifier")
        .orElse(("my-" + type + "-integration").toLowerCase(Locale.ROOT));
    Optional<String> version = r.optionalString("ocean.integration.version");
    ObjectNode config = NODES.objectNode();
    Set<String> sensitive = new HashSet<>();
    ConfigObject configured = null;
    ConfigValue raw = r.valueOrNull(OceanKeys.INTEGRATION_CONFIG);
    if (raw instanceof ConfigObject obj) {
      configured = obj;
    } else if (raw != null) {
      r.problem(OceanKeys.INTEGRATION_CONFIG, "expected an object of the integration's settings, got "
          + ConfigReader.describe(raw));
    }
    if (configured != null) {
      for (Map.Entry<String, ConfigValue> e : configured.entrySet()) {
        if (spec == null || spec.configuration(e.getKey()).isEmpty()) {
          config.set(e.getKey(), JSON.valueToTree(e.getValue().unwrapped()));
        }
      }
    }
    if (spec != null) {
      for (IntegrationSpec.Configuration c : spec.configurations()) {
        if (c.sensitive()) {
          sensitive.add(c.name());
        }
        String path = OceanKeys.INTEGRATION_CONFIG + "." + c.name();
        ConfigValue v = configured == null ? null : configured.get(c.name());
        if (v != null && v.valueType() != ConfigValueType.NULL) {
          String got = c.sensitive() ? "a value (not shown: sensitive)" : ConfigReader.describe(v);
          JsonNode typed = typed(v.unwrapped(), c.type());
          if (typed == null) {
            r.problem(path, "expected " + expected(c.type()) + " (" + spec.source() + " configuration '" + c.name()
                + "'), got " + got);
          } else {
            config.set(c.name(), typed);
          }
        } else if (c.defaultValue().isPresent()) {
          JsonNode typed = typed(JSON.convertValue(c.defaultValue().get(), Object.class), c.type());
          if (typed == null) {
            r.problem(spec.source() + ": configuration '" + c.name() + "' has a default that is not "
                + expected(c.type()));
          } else {
            config.set(c.name(), typed);
          }
        } else if (c.required()) {
          r.problem(path, "missing; required by " + spec.source() + " (" + c.type().wireName()
              + "); set " + c.envVar() + " or " + path);
        }
      }
    }
    return new IntegrationSettings(identifier, type, version, config, sensitive);
  }

  private static String expected(IntegrationSpec.ConfigType type) {
    switch (type) {
      case STRING: return "a string";
      case URL: return "an absolute URL";
      case INTEGER: return "an integer";
      case NUMBER: return "a number";
      case BOOLEAN: return "a boolean (true or false)";
      case OBJECT: return "a JSON object";
      default: return "a JSON array";
    }
  }

  /** {@code raw} (a scalar, map or list) as {@code type}, or null when it is not one. */
  static JsonNode typed(Object raw, IntegrationSpec.ConfigType type) {
    boolean scalar = raw instanceof String || raw instanceof Number || raw instanceof Boolean;
    String text = scalar ? String.valueOf(raw).trim() : null;
    switch (type) {
      case STRING:
        return scalar ? NODES.textNode(String.valueOf(raw)) : null;
      case URL:
        return text != null && isAbsoluteUrl(text) ? NODES.textNode(ConfigReader.stripTrailingSlashes(text)) : null;
      case INTEGER:
        if (raw instanceof Boolean || text == null) {
          return null;
        }
        try {
          return NODES.numberNode(new BigDecimal(text).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
          return null;
        }
      case NUMBER:
        if (raw instanceof Boolean || text == null) {
          return null;
        }
        try {
          BigDecimal d = new BigDecimal(text);
          return d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
              ? NODES.numberNode(d.longValueExact()) : NODES.numberNode(d.doubleValue());
        } catch (NumberFormatException | ArithmeticException e) {
          return null;
        }
      case BOOLEAN:
        if (raw instanceof Boolean b) {
          return NODES.booleanNode(b);
        }
        return raw instanceof String && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))
            ? NODES.booleanNode(text.equalsIgnoreCase("true")) : null;
      case OBJECT:
        JsonNode obj = raw instanceof String ? parseJson(text) : raw instanceof Map ? JSON.valueToTree(raw) : null;
        return obj != null && obj.isObject() ? obj : null;
      default:
        JsonNode arr = raw instanceof String ? parseJson(text) : raw instanceof List ? JSON.valueToTree(raw) : null;
        return arr != null && arr.isArray() ? arr : null;
    }
  }

  private static JsonNode parseJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static boolean isAbsoluteUrl(String s) {
    try {
      URI uri = new URI(s);
      return uri.isAbsolute() && uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }
}

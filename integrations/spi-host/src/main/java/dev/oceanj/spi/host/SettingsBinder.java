package dev.oceanj.spi.host;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.oceanj.spi.InvalidSettingsException;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Binds {@code ocean.integration.config} to an integration's settings type, with errors that name the field. */
final class SettingsBinder {

  private static final String CONFIG_PATH = "ocean.integration.config";

  // Unknown keys are tolerated: the spec.yaml validation in core rejects keys the spec does not declare, and a
  // settings record may legitimately read only some of them.
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new Jdk8Module())
      .addModule(new JavaTimeModule())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // Truncating 1.5 to 1 or reading an explicit null as 0 would hide a wrong setting.
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
      .build();

  private SettingsBinder() {}

  static <T> T bind(String integrationType, ObjectNode settings, Class<T> type) {
    return bind(integrationType, settings, type, CONFIG_PATH, "setting");
  }

  /**
   * As {@link #bind(String, ObjectNode, Class)} for a node found at {@code configPath} (e.g.
   * {@code resources[2].selector}), whose fields the errors call {@code noun}.
   */
  static <T> T bind(String integrationType, ObjectNode settings, Class<T> type, String configPath, String noun) {
    ObjectNode normalised = type.isRecord() ? matchRecordNames(settings, type) : settings;
    try {
      return MAPPER.readerFor(type).readValue(normalised);
    } catch (ValueInstantiationException e) {
      Throwable reason = e.getCause() != null ? e.getCause() : e;
      // A constructor may name the offending component itself (InvalidSettingsException.field()).
      String field = reason instanceof InvalidSettingsException named && !named.field().isEmpty()
          ? join(path(e), named.field()) : path(e);
      throw new InvalidSettingsException(field, "Integration '" + integrationType + "': invalid "
          + (CONFIG_PATH.equals(configPath) ? "settings" : noun) + where(field, configPath) + ": "
          + reason.getMessage(), e);
    } catch (MismatchedInputException e) {
      String field = path(e);
      throw new InvalidSettingsException(field, "Integration '" + integrationType + "': " + noun + where(field, configPath)
          + " must be " + describe(e.getTargetType()) + ", but is " + nodeKind(settings, e), e);
    } catch (JsonMappingException e) {
      String field = path(e);
      throw new InvalidSettingsException(field, "Integration '" + integrationType + "': " + noun + where(field, configPath)
          + " cannot be bound to " + type.getSimpleName() + " (" + e.getClass().getSimpleName() + ")", e);
    } catch (JsonProcessingException e) {
      throw new InvalidSettingsException("", "Integration '" + integrationType + "': " + configPath + " cannot be bound to "
          + type.getSimpleName(), e);
    } catch (IOException e) {
      throw new IllegalStateException("reading an in-memory JSON tree cannot fail", e);
    }
  }

  /**
   * Renames top-level keys to the record's component names when they differ only by case and underscores, so
   * Ocean's snake_case keys ({@code third_party_latency_ms}, from {@code OCEAN__INTEGRATION__CONFIG__*}) bind to
   * the spec's camelCase names ({@code thirdPartyLatencyMS}). An exact key wins over a renamed one.
   */
  private static ObjectNode matchRecordNames(ObjectNode settings, Class<?> type) {
    Map<String, String> byLooseName = new HashMap<>();
    for (RecordComponent component : type.getRecordComponents()) {
      byLooseName.put(loose(component.getName()), jsonName(type, component));
    }
    ObjectNode result = settings.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String target = byLooseName.getOrDefault(loose(entry.getKey()), entry.getKey());
      if (!result.has(target) || target.equals(entry.getKey())) {
        result.set(target, entry.getValue());
      }
    }
    return result;
  }

  /** The component's JSON name: its {@code @JsonProperty} value when it has one. */
  private static String jsonName(Class<?> type, RecordComponent component) {
    try {
      JsonProperty property = type.getDeclaredField(component.getName()).getAnnotation(JsonProperty.class);
      if (property != null && !property.value().isEmpty()) {
        return property.value();
      }
    } catch (NoSuchFieldException e) {
      // every record component has its field
    }
    return component.getName();
  }

  private static String loose(String name) {
    return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String where(String field, String configPath) {
    return field.isEmpty() ? " (" + configPath + ")" : " '" + field + "' (" + configPath + "." + field + ")";
  }

  private static String describe(Class<?> target) {
    if (target == null) {
      return "of another type";
    }
    if (target == int.class || target == Integer.class || target == long.class || target == Long.class
        || target == short.class || target == Short.class) {
      return "an integer";
    }
    if (target == double.class || target == Double.class || target == float.class || target == Float.class) {
      return "a number";
    }
    if (target == boolean.class || target == Boolean.class) {
      return "a boolean";
    }
    if (target == String.class) {
      return "a string";
    }
    if (target.isArray() || List.class.isAssignableFrom(target)) {
      return "an array";
    }
    if (target.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object constant : target.getEnumConstants()) {
        names.add(((Enum<?>) constant).name());
      }
      return "one of " + names;
    }
    return "an object (" + target.getSimpleName() + ")";
  }

  /** What the offending value is, by JSON type only: settings hold secrets, so the value itself is never shown. */
  private static String nodeKind(JsonNode settings, JsonMappingException e) {
    JsonNode node = settings;
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (node == null) {
        break;
      }
      node = ref.getFieldName() != null ? node.get(ref.getFieldName()) : node.get(ref.getIndex());
    }
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isIntegralNumber()) {
      return "an integer";
    }
    if (node.isNumber()) {
      return "a non-integer number";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isNull()) {
      return "null";
    }
    return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}

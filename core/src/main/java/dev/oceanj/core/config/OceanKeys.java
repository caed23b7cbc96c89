package dev.oceanj.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Ocean's key spellings: its flat names that oceanj nests differently (aliases), the Ocean-only keys accepted
 * and ignored, the integration-settings naming, and the check for keys nobody reads.
 */
final class OceanKeys {

  /** Ocean's name → oceanj's key, applied to every override layer before merging. */
  static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("ocean.event-listener.interval", "ocean.event-listener.polling.interval"),
      Map.entry("ocean.event-listener.resync-on-start", "ocean.event-listener.polling.resync-on-start"),
      Map.entry("ocean.event-listener.app-host", "ocean.event-listener.webhook.app-host"),
      Map.entry("ocean.event-listener.brokers", "ocean.event-listener.kafka.brokers"),
      Map.entry("ocean.event-listener.security-protocol", "ocean.event-listener.kafka.security-protocol"),
      Map.entry("ocean.event-listener.authentication-mechanism", "ocean.event-listener.kafka.sasl-mechanism"),
      Map.entry("ocean.event-listener.kafka-security-enabled", "ocean.event-listener.kafka.kafka-security-enabled"),
      Map.entry("ocean.event-listener.consumer-poll-timeout", "ocean.event-listener.kafka.consumer-poll-timeout"),
      Map.entry("ocean.port.blueprint-cache-ttl-seconds", "ocean.port.blueprint-cache-ttl"),
      Map.entry("ocean.port.feature-flags-cache-ttl-seconds", "ocean.port.feature-flags-cache-ttl"),
      Map.entry("ocean.upsert-entities-batch-max-length", "ocean.resync.upsert-batch-max-length"),
      Map.entry("ocean.upsert-entities-batch-max-size-in-bytes", "ocean.resync.upsert-batch-max-size-bytes"),
      Map.entry("ocean.delete-entities-max-batch-size", "ocean.resync.delete-batch-size"),
      Map.entry("ocean.yield-items-to-parse-batch-size", "ocean.resync.items-to-parse-batch-size"),
      Map.entry("ocean.max-event-processing-seconds", "ocean.live-events.max-event-processing"),
      Map.entry("ocean.event-workers-count", "ocean.live-events.workers"),
      Map.entry("ocean.max-wait-seconds-before-shutdown", "ocean.live-events.shutdown-drain"),
      Map.entry("ocean.status-heartbeat-interval-seconds", "ocean.telemetry.heartbeat-interval"));

  /** Ocean-only settings oceanj accepts and ignores (the key or any key below it). */
  static final Set<String> OCEAN_ONLY = Set.of(
      "ocean.runtime", "ocean.processing-mode", "ocean.lakehouse-enabled", "ocean.lakehouse-buffer-interval-seconds",
      "ocean.lakehouse-buffer-max-count", "ocean.caching-storage-mode", "ocean.process-in-queue-timeout",
      "ocean.process-in-queue-max-workers", "ocean.process-execution-mode", "ocean.disable-ip-outbound-blocker",
      "ocean.streaming", "ocean.metrics", "ocean.actions-processor", "ocean.events-debug-logging",
      "ocean.live-events.redis", "ocean.live-events.is-redis-stream-consumer-enabled",
      "ocean.integration.incremental-sync-enabled", "ocean.integration.incremental-sync-interval",
      "ocean.integration.skip-check-diff");

  static final String INTEGRATION_CONFIG = "ocean.integration.config";

  private OceanKeys() {}

  /**
   * The name an integration setting is stored under: the spec's own (camelCase) name when the key matches one
   * ignoring case, {@code -} and {@code _}; otherwise the key in lowerCamel form.
   */
  static String configName(String key, IntegrationSpec spec) {
    String norm = squash(key);
    if (spec != null) {
      for (IntegrationSpec.Configuration c : spec.configurations()) {
        if (squash(c.name()).equals(norm)) {
          return c.name();
        }
      }
    }
    return key.indexOf('-') >= 0 || key.indexOf('_') >= 0 ? OceanEnvironment.lowerCamel(key) : key;
  }

  private static String squash(String s) {
    return s.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  /** Applies {@link #ALIASES} (the oceanj key wins when a layer sets both) and integration-setting names. */
  static Config normalize(Config layer, IntegrationSpec spec) {
    Config out = layer;
    for (Map.Entry<String, String> alias : ALIASES.entrySet()) {
      if (hasPathOrNull(out, alias.getKey())) {
        if (!hasPathOrNull(out, alias.getValue()) && out.hasPath(alias.getKey())) {
          out = out.withValue(alias.getValue(), out.getValue(alias.getKey()));
        }
        out = out.withoutPath(alias.getKey());
      }
    }
    if (objectAt(out, INTEGRATION_CONFIG) != null) {
      ConfigObject obj = objectAt(out, INTEGRATION_CONFIG);
      Map<String, ConfigValue> renamed = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
        String name = configName(e.getKey(), spec);
        // The exact spelling wins over a variant that maps to the same name.
        if (!renamed.containsKey(name) || e.getKey().equals(name)) {
          renamed.put(name, e.getValue());
        }
      }
      out = out.withValue(INTEGRATION_CONFIG, ConfigValueFactory.fromMap(renamed, obj.origin().description()));
    }
    return out;
  }

  static boolean hasPathOrNull(Config c, String path) {
    try {
      return c.hasPathOrNull(path);
    } catch (ConfigException e) {
      return false;
    }
  }

  static ConfigObject objectAt(Config c, String path) {
    try {
      return c.hasPath(path) && c.getValue(path).valueType() == ConfigValueType.OBJECT ? c.getObject(path) : null;
    } catch (ConfigException e) {
      return null;
    }
  }

  /** A key this layer sets that nothing reads. */
  record UnknownKey(String path, String origin, boolean oceanOnly, List<String> siblings) {
    String describe() {
      return path + " (" + origin + ")";
    }
  }

  /** Every key under {@code ocean} in {@code layer} that {@code defaults} does not have. */
  static List<UnknownKey> unknownKeys(Config layer, Config defaults) {
    List<UnknownKey> out = new ArrayList<>();
    ConfigObject layerOcean = objectAt(layer, "ocean");
    ConfigObject defOcean = objectAt(defaults, "ocean");
    if (layerOcean != null && defOcean != null) {
      walk(layerOcean, defOcean, new ArrayList<>(List.of("ocean")), out);
    }
    return out;
  }

  private static void walk(ConfigObject layer, ConfigObject defaults, List<String> prefix, List<UnknownKey> out) {
    for (Map.Entry<String, ConfigValue> e : layer.entrySet()) {
      List<String> pathList = new ArrayList<>(prefix);
      pathList.add(e.getKey());
      String path = ConfigUtil.joinPath(pathList);
      if (path.equals(INTEGRATION_CONFIG) || path.equals(InstanceSources.LIST) || path.equals(InstanceSources.DEFAULTS)) {
        // Free-form, or checked per instance (HostSettings).
        continue;
      }
      if (OCEAN_ONLY.stream().anyMatch(k -> path.equals(k) || path.startsWith(k + "."))) {
        out.add(new UnknownKey(path, ConfigReader.originOf(e.getValue().origin()), true, List.of()));
        continue;
      }
      ConfigValue def = defaults.get(e.getKey());
      if (def == null) {
        out.add(new UnknownKey(path, ConfigReader.originOf(e.getValue().origin()), false,
            List.copyOf(defaults.keySet())));
      } else if (def.valueType() == ConfigValueType.OBJECT && e.getValue().valueType() == ConfigValueType.OBJECT) {
        walk((ConfigObject) e.getValue(), (ConfigObject) def, pathList, out);
      }
    }
  }
}

package dev.oceanj.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Every oceanj setting, read and validated once at start-up; immutable.
 *
 * <p>Built by {@link #load(Map, Properties, IntegrationSpec)} (or {@link SettingsLoader} for more control) from,
 * highest first: system properties, Ocean's environment variables, the {@code -Dconfig.file} HOCON file, and the
 * defaults in {@code config/application.conf}. Bad configuration throws one {@link ConfigurationException} listing
 * every problem. Feature packages take the record they need ({@link #port()}, {@link #resync()}, ...); the merged
 * {@link #config()} stays available for what has no record yet (and is what the ActorSystem is created with).
 *
 * @param port how oceanj talks to Port
 * @param integration which integration runs and its own settings
 * @param eventListener what triggers resyncs
 * @param resync how a resync runs
 * @param http the HTTP server
 * @param liveEvents live-event processing
 * @param initializePortResources whether default Port resources are created at start
 * @param createPortResourcesOrigin where default resources come from; empty = decided with Port
 * @param resourcesPath folder of the default resources
 * @param sendRawDataExamples whether raw examples per kind are sent to Port
 * @param scheduledResyncInterval time between automatic full resyncs, if any
 * @param allowEnvironmentVariablesJqAccess whether jq's {@code env}/{@code $ENV} see the environment
 * @param baseUrl public URL of this integration, if any (no trailing slash)
 * @param pathPrefix prefix of every route, if any ({@code /x}, no trailing slash)
 * @param dataDir folder for local state
 * @param logLevel root log level
 * @param clientTimeout timeout of the integration's third-party HTTP client
 * @param network proxies, extra certificate authorities and TLS verification of both HTTP clients
 * @param oauthAccessTokenFile file holding the integration's 3rd-party OAuth token, written by the host
 *     ({@code OCEAN__OAUTH_ACCESS_TOKEN_FILE_PATH})
 * @param telemetry sync metrics, heartbeat and log shipping to Port
 * @param ignoredKeys keys set but not used (Ocean-only or unknown environment variables), one readable line each,
 *     for the runtime to log as warnings
 * @param config the merged, resolved configuration these settings were read from (unmasked: never print it)
 */
public record OceanSettings(
    PortSettings port,
    IntegrationSettings integration,
    EventListenerSettings eventListener,
    ResyncSettings resync,
    HttpSettings http,
    LiveEventSettings liveEvents,
    boolean initializePortResources,
    Optional<CreatePortResourcesOrigin> createPortResourcesOrigin,
    Path resourcesPath,
    boolean sendRawDataExamples,
    Optional<Duration> scheduledResyncInterval,
    boolean allowEnvironmentVariablesJqAccess,
    Optional<URI> baseUrl,
    Optional<String> pathPrefix,
    Path dataDir,
    LogLevel logLevel,
    Duration clientTimeout,
    NetworkSettings network,
    Optional<Path> oauthAccessTokenFile,
    TelemetrySettings telemetry,
    List<String> ignoredKeys,
    Config config) {

  /** Keys under {@code ocean} whose values are secrets. */
  static final Set<String> SECRET_KEYS = Set.of(
      "ocean.port.client-secret", "ocean.event-listener.kafka.password", "ocean.event-listener.webhook.token",
      "ocean.http.admin-token");

  /** Checks for nulls and copies the list. */
  public OceanSettings {
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(integration, "integration");
    Objects.requireNonNull(eventListener, "eventListener");
    Objects.requireNonNull(resync, "resync");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(liveEvents, "liveEvents");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(config, "config");
    ignoredKeys = List.copyOf(ignoredKeys);
  }

  /**
   * Loads the settings the way the runtime does.
   *
   * @param env the environment ({@code System.getenv()} in production; a plain map in tests)
   * @param systemProperties system properties ({@code System.getProperties()}); {@code config.file} names the
   *     HOCON file to read
   * @param spec the integration's spec, or null when it has none
   * @throws ConfigurationException listing every problem
   */
  public static OceanSettings load(Map<String, String> env, Properties systemProperties, IntegrationSpec spec) {
    return SettingsLoader.create().environment(env).systemProperties(systemProperties).spec(spec).load();
  }

  /** Loads from this process's environment, a {@code .env} in the working directory (as Ocean) and system properties. */
  public static OceanSettings fromSystem(IntegrationSpec spec) {
    return SettingsLoader.create().environment(System.getenv()).dotEnvFile(Path.of(".env"))
        .systemProperties(System.getProperties()).spec(spec).load();
  }

  /** oceanj's defaults ({@code oceanj/application.conf} on the class path), resolved. */
  public static Config defaults() {
    return defaults(OceanSettings.class.getClassLoader());
  }

  static Config defaults(ClassLoader loader) {
    Config c = ConfigFactory.parseResources(loader, ConfigReader.DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    return c.resolve();
  }

  /**
   * Reads settings from an already merged root config (tests: {@code ConfigFactory.parseString("ocean.resync
   * .upsert-concurrency = 2").withFallback(OceanSettings.defaults())}), without environment or spec.
   */
  public static OceanSettings fromConfig(Config config) {
    ConfigReader r = new ConfigReader(OceanKeys.normalize(config, null).resolve());
    OceanSettings s = read(r, null, List.of(), Map.of());
    r.throwIfProblems();
    return s;
  }

  static OceanSettings read(ConfigReader r, IntegrationSpec spec, List<String> ignoredKeys, Map<String, String> env) {
    PortSettings port = PortSettings.read(r);
    IntegrationSettings integration = IntegrationSettings.read(r, spec);
    EventListenerSettings listener = EventListenerSettings.read(r);
    ResyncSettings resync = ResyncSettings.read(r);
    HttpSettings http = HttpSettings.read(r);
    LiveEventSettings live = LiveEventSettings.read(r);
    if (http.adminToken().isPresent() && listener.type() == EventListenerType.WEBHOOK
        && listener.webhook().token().isEmpty()) {
      r.problem("ocean.http.admin-token", "protects POST /resync, which Port calls in WEBHOOK mode with only the"
          + " webhook token in its URL: set ocean.event-listener.webhook.token (OCEAN__EVENT_LISTENER__WEBHOOK__TOKEN)"
          + " too, or Port's resync requests would be refused");
    }
    Unsupported.check(r);
    String o = "ocean.";
    Optional<String> prefix = r.optionalString(o + "path-prefix")
        .map(s -> ConfigReader.stripTrailingSlashes(s.startsWith("/") ? s : "/" + s))
        .filter(s -> !s.isEmpty());
    return new OceanSettings(port, integration, listener, resync, http, live,
        r.bool(o + "initialize-port-resources", true),
        r.optionalChoice(o + "create-port-resources-origin", CreatePortResourcesOrigin::parse,
            List.of("Empty", "Default", "Ocean", "Port")),
        Path.of(r.string(o + "resources-path", ".port/resources")),
        r.bool(o + "send-raw-data-examples", true),
        r.optionalDuration(o + "scheduled-resync-interval", ChronoUnit.MINUTES),
        r.bool(o + "allow-environment-variables-jq-access", true),
        r.optionalHttpUrl(o + "base-url"),
        prefix,
        Path.of(r.string(o + "data-dir", ".oceanj")),
        r.choice(o + "log-level", LogLevel::parse,
            List.of("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "CRITICAL"), LogLevel.INFO),
        r.duration(o + "client-timeout", ChronoUnit.SECONDS, Duration.ofSeconds(60)),
        NetworkSettings.read(r, env),
        r.optionalString(o + "oauth-access-token-file-path").map(Path::of),
        TelemetrySettings.read(r),
        ignoredKeys,
        r.config());
  }

  /**
   * The effective settings, one {@code key = value  # source} line each, sorted, with every secret (and every
   * sensitive integration setting) shown as {@value Secret#MASK}. Printed at start with DEBUG or
   * {@code --print-config}.
   */
  public String describe() {
    // Values the records derive (defaults that depend on other keys, caps) are shown as they take effect.
    Map<String, String> derived = new LinkedHashMap<>();
    derived.put("ocean.integration.identifier", ConfigUtil.quoteString(integration.identifier()));
    derived.put("ocean.integration.type", ConfigUtil.quoteString(integration.type()));
    derived.put("ocean.event-listener.should-resync", String.valueOf(eventListener.shouldResync()));
    derived.put("ocean.event-listener.should-process-webhooks", String.valueOf(eventListener.shouldProcessWebhooks()));
    derived.put("ocean.event-listener.should-run-actions", String.valueOf(eventListener.shouldRunActions()));
    derived.put("ocean.event-listener.webhook.app-host",
        eventListener.webhook().appHost().map(u -> ConfigUtil.quoteString(u.toString())).orElse("null"));
    derived.put("ocean.resync.mapping-parallelism", String.valueOf(resync.mappingParallelism()));
    derived.put("ocean.resync.delete-batch-size", String.valueOf(resync.deleteBatchSize()));
    List<String> lines = new ArrayList<>();
    ConfigObject ocean = config.getObject("ocean");
    collect(ocean, List.of("ocean"), derived, lines);
    lines.removeIf(l -> l.startsWith(OceanKeys.INTEGRATION_CONFIG + ".") || l.startsWith(OceanKeys.INTEGRATION_CONFIG + " "));
    var typed = integration.maskedConfig();
    if (typed.isEmpty()) {
      lines.add(OceanKeys.INTEGRATION_CONFIG + " = {}");
    }
    typed.fields().forEachRemaining(f -> lines.add(
        OceanKeys.INTEGRATION_CONFIG + "." + ConfigUtil.joinPath(List.of(f.getKey())) + " = " + f.getValue()));
    lines.sort(null);
    return String.join(System.lineSeparator(), lines);
  }

  private static void collect(ConfigObject obj, List<String> prefix, Map<String, String> derived, List<String> lines) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      List<String> pathList = new ArrayList<>(prefix);
      pathList.add(e.getKey());
      String path = ConfigUtil.joinPath(pathList);
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT && !((ConfigObject) v).isEmpty()) {
        collect((ConfigObject) v, pathList, derived, lines);
        continue;
      }
      // Keys oceanj does not read (Ocean-only, unknown) may hold secrets too: mask them by name.
      boolean secret = SECRET_KEYS.contains(path)
          || !path.equals("ocean.port.token-refresh-skew") && IntegrationSettings.SECRET_LIKE.matcher(e.getKey()).matches();
      String shown = v.valueType() == ConfigValueType.NULL ? "null"
          : secret ? ConfigUtil.quoteString(Secret.MASK)
          : v.render(ConfigRenderOptions.concise());
      String source = ConfigReader.originOf(v.origin());
      String effective = derived.get(path);
      if (effective != null && !effective.equals(shown)) {
        source = "derived; configured " + shown + (source.isEmpty() ? "" : " in " + source);
        shown = effective;
      }
      lines.add(path + " = " + shown + (source.isEmpty() ? "" : "  # " + source));
    }
  }

  /** {@link #describe()}: never the raw config, which holds secrets. */
  @Override
  public String toString() {
    return "OceanSettings{" + System.lineSeparator() + describe() + System.lineSeparator() + "}";
  }
}

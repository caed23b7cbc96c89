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
 * {@link #config()} is only what the ActorSystem is created with: nothing reads a setting from it after boot.
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
 * @param timeouts the runtime's own waits
 * @param instances where host mode's instances come from ({@code ocean.instances-dir}, {@code ocean.instances},
 *     {@code ocean.defaults}); none in single-instance mode
 * @param isolation how the integrations of the process are kept apart ({@code ocean.host}): time limits on their
 *     calls, the bound on resyncs at once
 * @param cluster cluster mode (off by default)
 * @param effective what will run, derived from the keys above (and what the user set explicitly)
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
    TimeoutSettings timeouts,
    InstanceSources instances,
    IsolationSettings isolation,
    ClusterSettings cluster,
    Effective effective,
    List<String> ignoredKeys,
    Config config) {

  /** Keys under {@code ocean} whose values are secrets. */
  static final Set<String> SECRET_KEYS = Set.of(
      "ocean.port.client-secret", "ocean.event-listener.kafka.password", "ocean.event-listener.webhook.token",
      "ocean.http.admin-token", "ocean.live-events.kafka.password");

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
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(instances, "instances");
    Objects.requireNonNull(isolation, "isolation");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(effective, "effective");
    Objects.requireNonNull(config, "config");
    ignoredKeys = List.copyOf(ignoredKeys);
  }

  /**
   * What will run, derived once from the settings (and from which keys the user set): what {@code oceanj config}
   * prints and what the runtime starts.
   *
   * @param listener the listener that runs: ONCE instead of the default POLLING when no Port credentials are set
   *     and nobody chose a type (the embedded default), else the configured type
   * @param serveHttp whether the HTTP server runs: {@code ocean.http.enabled}, else every listener but ONCE
   * @param liveEventsReserveConfigured whether {@code ocean.port.rate-limit.live-events-reserved-share} was set by
   *     the user (then it applies even where no live event is served; see {@link #writeBudget(boolean)})
   * @param dspProcessing whether Ocean would process in DSP mode given the organisation's flags:
   *     {@code ocean.processing-mode} is {@code dsp} (Ocean's default) and {@code ocean.lakehouse-enabled} is on
   * @param processingModeSet whether {@code ocean.processing-mode} was set (for the message refusing DSP)
   */
  public record Effective(EventListenerType listener, boolean serveHttp, boolean liveEventsReserveConfigured,
      boolean dspProcessing, boolean processingModeSet) {

    static Effective read(ConfigReader r, PortSettings port, EventListenerSettings eventListener) {
      EventListenerType listener = port.usesEmbeddedEmulator() && r.isDefault("ocean.event-listener.type")
          ? EventListenerType.ONCE : eventListener.type();
      boolean serveHttp = r.optionalBool("ocean.http.enabled").orElse(listener != EventListenerType.ONCE);
      // Ocean-only keys oceanj does not otherwise use (not in the shipped defaults): read as text, as Ocean does.
      Optional<String> mode = r.optionalString("ocean.processing-mode").map(String::trim);
      String lakehouse = r.optionalString("ocean.lakehouse-enabled").map(String::trim).orElse("true");
      boolean lakehouseOn = !List.of("false", "no", "off", "0").contains(lakehouse.toLowerCase(java.util.Locale.ROOT));
      return new Effective(listener, serveHttp,
          !r.isDefault("ocean.port.rate-limit.live-events-reserved-share"),
          mode.orElse("dsp").equalsIgnoreCase("dsp") && lakehouseOn, mode.isPresent());
    }
  }

  /**
   * The write budget this process shapes its writes to. The live-events reserve keeps a share of Port's burst from
   * resyncs so that webhooks stay fast during a big resync; where no live event can arrive (no HTTP server, or an
   * integration without live-event processors) the shipped default reserve would only hold back a share of the
   * burst for nobody, so it is dropped. A share the user configured is kept as it is: it may be meant as headroom
   * for the other clients of the same organisation.
   *
   * @param integrationHasLiveEvents whether the integration registered live-event processors
   */
  public PortSettings.RateLimit writeBudget(boolean integrationHasLiveEvents) {
    PortSettings.RateLimit configured = port.rateLimit();
    boolean served = effective.serveHttp() && integrationHasLiveEvents;
    return served || effective.liveEventsReserveConfigured() ? configured : configured.withShare(0.0);
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
    String o = "ocean.";
    Path dataDir = Path.of(r.string(o + "data-dir", ".oceanj"));
    ResyncSettings resync = ResyncSettings.read(r, Optional.of(dataDir));
    HttpSettings http = HttpSettings.read(r);
    LiveEventSettings live = LiveEventSettings.read(r);
    if (http.adminToken().isPresent() && listener.type() == EventListenerType.WEBHOOK
        && listener.webhook().token().isEmpty()) {
      r.problem("ocean.http.admin-token", "protects POST /resync, which Port calls in WEBHOOK mode with only the"
          + " webhook token in its URL: set ocean.event-listener.webhook.token (OCEAN__EVENT_LISTENER__WEBHOOK__TOKEN)"
          + " too, or Port's resync requests would be refused");
    }
    Unsupported.check(r);
    Effective effective = Effective.read(r, port, listener);
    Optional<String> prefix = r.optionalString(o + "path-prefix")
        .map(s -> ConfigReader.stripTrailingSlashes(s.startsWith("/") ? s : "/" + s))
        .filter(s -> !s.isEmpty());
    return new OceanSettings(port, integration, listener, resync, http, live,
        r.bool(o + "initialize-port-resources", true),
        r.optionalChoice(o + "create-port-resources-origin", CreatePortResourcesOrigin::parse,
            List.of("Empty", "Default", "Ocean", "Port")),
        Path.of(r.string(o + "resources-path", ".port/resources")),
        r.optionalDuration(o + "scheduled-resync-interval", ChronoUnit.MINUTES),
        r.bool(o + "allow-environment-variables-jq-access", true),
        r.optionalHttpUrl(o + "base-url"),
        prefix,
        dataDir,
        r.choice(o + "log-level", LogLevel::parse,
            List.of("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "CRITICAL"), LogLevel.INFO),
        r.duration(o + "client-timeout", ChronoUnit.SECONDS, Duration.ofSeconds(60)),
        NetworkSettings.read(r, env),
        r.optionalString(o + "oauth-access-token-file-path").map(Path::of),
        TelemetrySettings.read(r),
        TimeoutSettings.read(r),
        InstanceSources.read(r),
        IsolationSettings.read(r),
        ClusterSettings.read(r, effective.listener()),
        effective,
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
    if (effective.listener() != eventListener.type()) {
      derived.put("ocean.event-listener.type", ConfigUtil.quoteString(effective.listener().name()));
    }
    derived.put("ocean.http.enabled", String.valueOf(effective.serveHttp()));
    derived.put("ocean.event-listener.kafka.brokers", ConfigUtil.quoteString(String.join(",",
        eventListener.kafka().brokers())));
    derived.put("ocean.integration.identifier", ConfigUtil.quoteString(integration.identifier()));
    derived.put("ocean.integration.type", ConfigUtil.quoteString(integration.type()));
    derived.put("ocean.event-listener.should-resync", String.valueOf(eventListener.shouldResync()));
    derived.put("ocean.event-listener.should-process-webhooks", String.valueOf(eventListener.shouldProcessWebhooks()));
    derived.put("ocean.event-listener.should-run-actions", String.valueOf(eventListener.shouldRunActions()));
    derived.put("ocean.event-listener.webhook.app-host",
        eventListener.webhook().appHost().map(u -> ConfigUtil.quoteString(u.toString())).orElse("null"));
    derived.put("ocean.resync.mapping-parallelism", String.valueOf(resync.mappingParallelism()));
    derived.put("ocean.resync.delete-batch-size", String.valueOf(resync.deleteBatchSize()));
    derived.put("ocean.host.max-concurrent-resyncs", String.valueOf(isolation.maxConcurrentResyncs()));
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

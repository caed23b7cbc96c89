package dev.oceanj.spi.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.oceanj.spi.AccessToken;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.KindDefinition;
import dev.oceanj.spi.Jq;
import dev.oceanj.spi.LifecycleHook;
import dev.oceanj.spi.Resource;
import dev.oceanj.spi.Resync;
import dev.oceanj.spi.ResyncHook;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.http.HttpOptions;
import dev.oceanj.spi.http.ThirdPartyHttp;
import dev.oceanj.spi.live.LiveEventProcessor;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One integration after its {@link Integration#define} ran: the kinds it declared with their resync sources,
 * and its start and stop hooks. Built by the runtime (and by test harnesses) with
 * {@link #define(Integration, ObjectNode, HttpClient)}; immutable afterwards and safe to share between threads.
 *
 * <p>Lifecycle: {@code define} → {@link #start()} (start hooks, in declaration order) → resyncs →
 * {@link #stop()} (stop hooks, in reverse declaration order). The host calls {@code stop()} in every case, also
 * when {@code start()} failed, because clients built during {@code define} may already hold resources.
 *
 * @since 0.1
 */
public final class DefinedIntegration {

  // Items are turned into JSON for the mapping; java.time and Optional appear in authors' records, so both
  // modules are registered, and dates are written as ISO strings like Ocean's pydantic output.
  private static final ObjectMapper ITEM_MAPPER = JsonMapper.builder()
      .addModule(new Jdk8Module())
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .build();

  private final Integration integration;
  private final String type;
  private final ObjectNode settings;
  private final HttpClient httpClient;
  private final Set<String> kinds;
  private final Map<String, ResyncSource<?>> resyncSources;
  private final List<LifecycleHook> startHooks;
  private final List<LifecycleHook> stopHooks;
  private final Map<String, List<LiveEventProcessor>> liveEventProcessors;
  private final Map<String, SelectorSource<?>> selectorSources;
  private final Optional<SelectorSource<?>> anyKindSelector;
  private final Optional<ResyncSource<?>> anyKindSource;
  private final List<ResyncHook> resyncStartHooks;
  private final List<ResyncHook> resyncCompleteHooks;
  private final ExecutorService httpReaders;
  private final Sources sources = new Sources(this);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private DefinedIntegration(Integration integration, String type, ObjectNode settings, HttpClient httpClient,
      Recorder recorder) {
    this.integration = integration;
    this.type = type;
    this.settings = settings;
    this.httpClient = httpClient;
    this.kinds = Collections.unmodifiableSet(new LinkedHashSet<>(recorder.kinds));
    this.resyncSources = Collections.unmodifiableMap(new LinkedHashMap<>(recorder.resyncSources));
    this.startHooks = List.copyOf(recorder.startHooks);
    this.stopHooks = List.copyOf(recorder.stopHooks);
    Map<String, List<LiveEventProcessor>> live = new LinkedHashMap<>();
    recorder.liveEventProcessors.forEach((path, list) -> live.put(path, List.copyOf(list)));
    this.liveEventProcessors = Collections.unmodifiableMap(live);
    this.selectorSources = Collections.unmodifiableMap(new LinkedHashMap<>(recorder.selectorSources));
    this.anyKindSelector = Optional.ofNullable(recorder.anyKindSelector);
    this.anyKindSource = Optional.ofNullable(recorder.anyKindSource);
    this.resyncStartHooks = List.copyOf(recorder.resyncStartHooks);
    this.resyncCompleteHooks = List.copyOf(recorder.resyncCompleteHooks);
    this.httpReaders = recorder.httpReaders;
  }

  /**
   * Calls {@code integration.define} on the calling thread and records what it declared.
   *
   * @param integration the integration, e.g. from {@link Integrations#load(String)}
   * @param settings {@code ocean.integration.config} as a JSON object (already validated against the spec by
   *     the runtime); null means no settings. It is copied, so later changes by the caller are not seen.
   * @param httpClient the shared client for 3rd-party calls; owned by the caller, never closed here
   * @return the recorded declarations; no hook has run yet
   * @throws InvalidSettingsException when the integration's settings cannot be bound (names the field)
   * @throws IllegalStateException when {@code define} fails otherwise, naming the integration type
   */
  public static DefinedIntegration define(Integration integration, ObjectNode settings, HttpClient httpClient) {
    return define(integration, settings, httpClient, null, Optional.empty());
  }

  /**
   * As {@link #define(Integration, ObjectNode, HttpClient)}, offering {@code jq} to the integration through
   * {@link IntegrationDefinition#jq()}.
   *
   * @param jq the runtime's jq engine; null when the host has none ({@code jq()} then throws)
   * @since 0.2
   */
  public static DefinedIntegration define(Integration integration, ObjectNode settings, HttpClient httpClient,
      Jq jq) {
    return define(integration, settings, httpClient, jq, Optional.empty());
  }

  /**
   * As {@link #define(Integration, ObjectNode, HttpClient)}, with the 3rd-party OAuth token the host keeps in a file
   * ({@code OCEAN__OAUTH_ACCESS_TOKEN_FILE_PATH}), handed to the integration as {@link
   * IntegrationDefinition#oauthToken()}.
   */
  public static DefinedIntegration define(Integration integration, ObjectNode settings, HttpClient httpClient,
      Optional<AccessToken> oauthToken) {
    return define(integration, settings, httpClient, null, oauthToken);
  }

  /**
   * As {@link #define(Integration, ObjectNode, HttpClient)}, with both the runtime's jq engine (null: none) and the
   * 3rd-party OAuth token.
   *
   * @since 0.2
   */
  public static DefinedIntegration define(Integration integration, ObjectNode settings, HttpClient httpClient,
      Jq jq, Optional<AccessToken> oauthToken) {
    return define(integration, settings, httpClient, jq, oauthToken, HostTls.NONE);
  }

  /**
   * As {@link #define(Integration, ObjectNode, HttpClient, Jq, Optional)}, also offering the host's trusted
   * authorities and a client that verifies no TLS certificate ({@code tls}).
   *
   * @since 0.2
   */
  public static DefinedIntegration define(Integration integration, ObjectNode settings, HttpClient httpClient,
      Jq jq, Optional<AccessToken> oauthToken, HostTls tls) {
    return define(integration, settings, httpClient, jq, oauthToken, tls, InstanceInfo.NONE);
  }

  /**
   * As {@link #define(Integration, ObjectNode, HttpClient, Jq, Optional, HostTls)}, also telling the integration
   * where its instance is reached and which event listener it runs ({@code instance}).
   *
   * @since 0.3
   */
  public static DefinedIntegration define(Integration integration, ObjectNode settings, HttpClient httpClient,
      Jq jq, Optional<AccessToken> oauthToken, HostTls tls, InstanceInfo instance) {
    Objects.requireNonNull(integration, "integration");
    Objects.requireNonNull(oauthToken, "oauthToken");
    Objects.requireNonNull(httpClient, "httpClient");
    String type = integration.type();
    if (type == null || type.isBlank()) {
      throw new IllegalStateException(integration.getClass().getName() + ".type() returned no type");
    }
    ObjectNode ownSettings = settings == null ? JsonNodeFactory.instance.objectNode() : settings.deepCopy();
    Recorder recorder = new Recorder(type, ownSettings, httpClient, jq, oauthToken,
        Objects.requireNonNull(tls, "tls"), Objects.requireNonNull(instance, "instance"));
    try {
      integration.define(recorder);
    } catch (InvalidSettingsException e) {
      recorder.httpReaders.shutdown();
      throw e;
    } catch (RuntimeException e) {
      recorder.httpReaders.shutdown();
      throw new IllegalStateException("Integration '" + type + "' (" + integration.getClass().getName()
          + ") failed in define(): " + e.getMessage(), e);
    } finally {
      recorder.closed = true;
    }
    return new DefinedIntegration(integration, type, ownSettings, httpClient, recorder);
  }

  /** The integration instance that was defined. */
  public Integration integration() {
    return integration;
  }

  /** The integration's type, as returned by {@link Integration#type()} during {@code define}. */
  public String type() {
    return type;
  }

  /** A copy of the settings the integration was defined with (never null). */
  public ObjectNode settings() {
    return settings.deepCopy();
  }

  /** The shared 3rd-party HTTP client handed to the integration. */
  public HttpClient httpClient() {
    return httpClient;
  }

  /** Every kind the integration declared, in declaration order, including kinds without a resync source. */
  public Set<String> kinds() {
    return kinds;
  }

  /** The resync source of each kind that declared one, in declaration order. Unmodifiable. */
  public Map<String, ResyncSource<?>> resyncSources() {
    return resyncSources;
  }

  /**
   * The resync source of {@code kind}, empty when the integration declared none for it. A kind declared with a
   * selector type (or served by {@link IntegrationDefinition#anyKind()}) gets a source for an empty selector
   * outside any resync; the runtime uses {@link ResyncScope} instead, which binds each resource's selector.
   *
   * @throws InvalidSettingsException when the kind's selector type does not accept an empty selector
   */
  public Optional<ResyncSource<?>> resyncSource(String kind) {
    ResyncSource<?> declared = resyncSources.get(kind);
    if (declared != null) {
      return Optional.of(declared);
    }
    Optional<Class<?>> type = selectorType(kind);
    if (type.isPresent()) {
      Resync.MappedResource resource = new Resync.MappedResource(0, kind, JsonNodeFactory.instance.objectNode());
      ResyncScope scope = ResyncScope.open(sources, "standalone", List.of(resource));
      return scope.source(0);
    }
    return kinds.contains(kind) ? Optional.empty() : anyKindSource;
  }

  /**
   * The selector type {@code kind} declared (with {@link dev.oceanj.spi.KindDefinition#resync(Class, Function)}),
   * or that of {@link IntegrationDefinition#anyKind()} for a kind the integration did not declare; empty when
   * its source takes no selector. The CLI derives the port-app-config JSON Schema from these types.
   *
   * @since 0.2
   */
  public Optional<Class<?>> selectorType(String kind) {
    SelectorSource<?> declared = selectorSources.get(kind);
    if (declared != null) {
      return Optional.of(declared.type());
    }
    if (kinds.contains(kind)) {
      return Optional.empty();
    }
    return anyKindSelector.map(SelectorSource::type);
  }

  /**
   * The selector type of {@link IntegrationDefinition#anyKind()}, empty when it declared none.
   *
   * @since 0.2
   */
  public Optional<Class<?>> anyKindSelectorType() {
    return anyKindSelector.map(SelectorSource::type);
  }

  /**
   * Whether the integration serves kinds it did not declare ({@link IntegrationDefinition#anyKind()}).
   *
   * @since 0.2
   */
  public boolean servesAnyKind() {
    return anyKindSelector.isPresent() || anyKindSource.isPresent();
  }

  /**
   * The integration's sources for the runtime: by kind name as {@link #resyncSource(String)}, and recognised by
   * {@link ResyncScope#open} to bind selectors and run resync hooks.
   *
   * @since 0.2
   */
  public Function<String, Optional<ResyncSource<?>>> sources() {
    return sources;
  }

  /**
   * The resync start hooks, in registration order.
   *
   * @since 0.2
   */
  public List<ResyncHook> resyncStartHooks() {
    return resyncStartHooks;
  }

  /**
   * The resync complete hooks, in registration order.
   *
   * @since 0.2
   */
  public List<ResyncHook> resyncCompleteHooks() {
    return resyncCompleteHooks;
  }

  Object bindSelector(Resync.MappedResource resource, Class<?> type) {
    return SettingsBinder.bind(this.type, resource.selector(), type, "resources[" + resource.index() + "].selector",
        "selector");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  Optional<ResyncSource<?>> selectorSource(String kind, Resource<?> resource) {
    SelectorSource declared = selectorSources.get(kind);
    if (declared == null) {
      declared = kinds.contains(kind) ? null : anyKindSelector.orElse(null);
    }
    if (declared == null) {
      return resyncSource(kind);
    }
    ResyncSource<?> source = (ResyncSource<?>) declared.factory().apply(resource);
    if (source == null) {
      throw new IllegalStateException("Integration '" + type + "': the source of kind '" + kind
          + "' returned null for resources[" + resource.index() + "]");
    }
    return Optional.of(source);
  }

  /** Live-event processors by registered path pattern (e.g. {@code /webhook}), in registration order. */
  public Map<String, List<LiveEventProcessor>> liveEventProcessors() {
    return liveEventProcessors;
  }

  /** The start hooks, in the order {@link #start()} runs them. */
  public List<LifecycleHook> startHooks() {
    return startHooks;
  }

  /** The stop hooks, in declaration order ({@link #stop()} runs them in reverse). */
  public List<LifecycleHook> stopHooks() {
    return stopHooks;
  }

  /**
   * Runs the start hooks once, in declaration order, on the calling thread (the runtime calls it on a thread
   * reserved for blocking work). Stops at the first failure.
   *
   * @throws IllegalStateException when a hook fails (naming the integration and the hook's position, with the
   *     hook's exception as cause), or when called twice or after {@link #stop()}
   */
  public void start() {
    if (stopped.get()) {
      throw new IllegalStateException("Integration '" + type + "' is stopped; it cannot start again");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("Integration '" + type + "' is already started");
    }
    for (int i = 0; i < startHooks.size(); i++) {
      try {
        startHooks.get(i).run();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("Integration '" + type + "': start hook " + (i + 1) + " of "
            + startHooks.size() + " failed: " + e, e);
      }
    }
  }

  /**
   * Runs the stop hooks once, in reverse declaration order, on the calling thread. Every hook runs even when an
   * earlier one fails. Later calls do nothing. Safe to call without {@link #start()}.
   *
   * @return the hooks' failures, in the order they happened; empty when all succeeded or on a repeated call.
   *     The caller logs them: a stop failure must not hide the other hooks' cleanup.
   */
  public List<Exception> stop() {
    if (!stopped.compareAndSet(false, true)) {
      return List.of();
    }
    List<Exception> failures = new ArrayList<>();
    httpReaders.shutdown();
    for (int i = stopHooks.size() - 1; i >= 0; i--) {
      try {
        stopHooks.get(i).run();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failures.add(e);
      }
    }
    return failures;
  }

  /**
   * Converts one item produced by a resync source to the JSON the mapping reads: a {@link JsonNode} is returned
   * as is (no copy), anything else is serialised with Jackson (records, maps, java.time, Optional).
   *
   * @throws IllegalArgumentException when the item is null or cannot be serialised, naming the integration
   */
  public JsonNode toJson(Object item) {
    if (item instanceof JsonNode node) {
      return node;
    }
    if (item == null) {
      throw new IllegalArgumentException("Integration '" + type + "': a resync source produced a null item");
    }
    try {
      return ITEM_MAPPER.valueToTree(item);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Integration '" + type + "': cannot convert an item of type "
          + item.getClass().getName() + " to JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    // Settings are left out on purpose: they hold secrets.
    return "DefinedIntegration[type=" + type + ", kinds=" + kinds + "]";
  }

  /** The {@link IntegrationDefinition} handed to {@code define}; refuses registrations once it returned. */
  private static final class Recorder implements IntegrationDefinition {
    private final String type;
    private final ObjectNode settings;
    private final HttpClient httpClient;
    private final Set<String> kinds = new LinkedHashSet<>();
    private final Map<String, ResyncSource<?>> resyncSources = new LinkedHashMap<>();
    private final List<LifecycleHook> startHooks = new ArrayList<>();
    private final List<LifecycleHook> stopHooks = new ArrayList<>();
    private final Map<String, List<LiveEventProcessor>> liveEventProcessors = new LinkedHashMap<>();
    private final Map<String, SelectorSource<?>> selectorSources = new LinkedHashMap<>();
    private SelectorSource<?> anyKindSelector;
    private ResyncSource<?> anyKindSource;
    private final List<ResyncHook> resyncStartHooks = new ArrayList<>();
    private final List<ResyncHook> resyncCompleteHooks = new ArrayList<>();
    private final Jq jq;
    private final Optional<AccessToken> oauthToken;
    private final HostTls tls;
    private final InstanceInfo instance;
    private HttpClient unverified;
    // Body readers block on the network, so they get their own daemon threads, never the client's executor.
    private final ExecutorService httpReaders;
    private volatile boolean closed;

    Recorder(String type, ObjectNode settings, HttpClient httpClient, Jq jq, Optional<AccessToken> oauthToken,
        HostTls tls, InstanceInfo instance) {
      this.type = type;
      this.tls = tls;
      this.instance = instance;
      this.settings = settings;
      this.httpClient = httpClient;
      this.jq = jq;
      this.oauthToken = oauthToken;
      AtomicInteger n = new AtomicInteger();
      this.httpReaders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "oceanj-" + type + "-http-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }

    @Override
    public KindDefinition anyKind() {
      checkOpen("anyKind");
      return new KindRecorder(this, null);
    }

    @Override
    public void onResyncStart(ResyncHook hook) {
      checkOpen("onResyncStart");
      resyncStartHooks.add(Objects.requireNonNull(hook, "hook"));
    }

    @Override
    public void onResyncComplete(ResyncHook hook) {
      checkOpen("onResyncComplete");
      resyncCompleteHooks.add(Objects.requireNonNull(hook, "hook"));
    }

    @Override
    public ThirdPartyHttp http(HttpOptions options) {
      Objects.requireNonNull(options, "options");
      return new RetryingHttp(options.verifyTls() ? httpClient : unverified(), options, httpReaders,
          Clock.systemUTC());
    }

    private synchronized HttpClient unverified() {
      if (tls.unverifiedClient() == null) {
        throw new UnsupportedOperationException("Integration '" + type
            + "': this host offers no HTTP client without TLS verification");
      }
      if (unverified == null) {
        unverified = Objects.requireNonNull(tls.unverifiedClient().get(), "unverifiedClient");
      }
      return unverified;
    }

    @Override
    public List<X509Certificate> trustedAuthorities() {
      return tls.extraAuthorities();
    }

    @Override
    public Jq jq() {
      if (jq == null) {
        throw new UnsupportedOperationException("Integration '" + type + "': this host provides no jq engine");
      }
      return jq;
    }

    @Override
    public Optional<AccessToken> oauthToken() {
      return oauthToken;
    }

    @Override
    public Optional<String> publicUrl() {
      return instance.publicUrl();
    }

    @Override
    public Optional<String> eventListenerType() {
      return instance.eventListenerType();
    }

    @Override
    public <T> T settings(Class<T> settingsType) {
      Objects.requireNonNull(settingsType, "type");
      return SettingsBinder.bind(type, settings, settingsType);
    }

    @Override
    public ObjectNode rawSettings() {
      return settings.deepCopy();
    }

    @Override
    public HttpClient httpClient() {
      return httpClient;
    }

    @Override
    public KindDefinition kind(String kind) {
      checkOpen("kind");
      if (kind == null || kind.isBlank()) {
        throw new IllegalArgumentException("Integration '" + type + "': a kind needs a non-blank name");
      }
      kinds.add(kind);
      return new KindRecorder(this, kind);
    }

    @Override
    public void onStart(LifecycleHook hook) {
      checkOpen("onStart");
      startHooks.add(Objects.requireNonNull(hook, "hook"));
    }

    @Override
    public void onStop(LifecycleHook hook) {
      checkOpen("onStop");
      stopHooks.add(Objects.requireNonNull(hook, "hook"));
    }

    @Override
    public void onLiveEvent(String path, LiveEventProcessor processor) {
      checkOpen("onLiveEvent");
      Objects.requireNonNull(processor, "processor");
      if (path == null || !path.matches("(/([A-Za-z0-9._~-]+|\\{[A-Za-z_][A-Za-z0-9_]*\\}))+")) {
        throw new IllegalArgumentException("Integration '" + type + "': live-event path '" + path
            + "' must be /segment[/segment...], each segment plain text or {name}");
      }
      liveEventProcessors.computeIfAbsent(path, p -> new ArrayList<>()).add(processor);
    }

    void checkOpen(String what) {
      if (closed) {
        throw new IllegalStateException("Integration '" + type + "': " + what
            + "() called after define() returned; declarations are only accepted during define()");
      }
    }
  }

  /** A kind's declaration with {@code null} as the kind for {@link IntegrationDefinition#anyKind()}. */
  private record KindRecorder(Recorder recorder, String kind) implements KindDefinition {
    @Override
    public KindDefinition resync(ResyncSource<?> source) {
      recorder.checkOpen("resync");
      Objects.requireNonNull(source, "source");
      if (kind == null) {
        recorder.anyKindSource = source;
        recorder.anyKindSelector = null;
      } else {
        recorder.resyncSources.put(kind, source);
        recorder.selectorSources.remove(kind);
      }
      return this;
    }

    @Override
    public <S> KindDefinition resync(Class<S> selectorType, Function<Resource<S>, ResyncSource<?>> source) {
      recorder.checkOpen("resync");
      SelectorSource<S> declared = new SelectorSource<>(Objects.requireNonNull(selectorType, "selectorType"),
          Objects.requireNonNull(source, "source"));
      if (kind == null) {
        recorder.anyKindSelector = declared;
        recorder.anyKindSource = null;
      } else {
        recorder.selectorSources.put(kind, declared);
        recorder.resyncSources.remove(kind);
      }
      return this;
    }
  }

  private record SelectorSource<S>(Class<S> type, Function<Resource<S>, ResyncSource<?>> factory) {}

  /** {@link #sources()}: a plain function by kind that {@link ResyncScope#open} recognises. */
  record Sources(DefinedIntegration integration) implements Function<String, Optional<ResyncSource<?>>> {
    @Override
    public Optional<ResyncSource<?>> apply(String kind) {
      return integration.resyncSource(kind);
    }
  }
}

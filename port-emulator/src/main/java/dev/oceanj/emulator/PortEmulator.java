package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.oceanj.emulator.store.H2Store;
import dev.oceanj.emulator.store.MemoryStore;
import dev.oceanj.emulator.store.Store;
import dev.oceanj.emulator.store.StoredEntity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;

/**
 * A running Port emulator: a Pekko HTTP server with its own ActorSystem, answering Port's REST API under
 * {@code /v1} and control calls under {@code /_emulator}. Start one per test (or per test class) with
 * {@link #start(EmulatorSettings)}; {@link #close()} stops the server and its ActorSystem.
 *
 * <pre>{@code
 * try (PortEmulator port = PortEmulator.start(EmulatorSettings.defaults().withClientId("id").withClientSecret("secret"))) {
 *   String api = port.baseUrl() + "/v1";
 *   port.faults().set(Faults.none().withServerErrorRate(0.1));
 *   port.raiseResyncRequest("my-integration");
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe.
 */
public final class PortEmulator implements AutoCloseable {

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final EmulatorSettings settings;
  private final Store store;
  private final Counters counters = new Counters();
  private final RequestLog requestLog = new RequestLog();
  private final FaultControl faults;
  private final Tokens tokens;
  private final RateLimiter limiter;
  private final PortApi api;
  private final ActorSystem<Void> system;
  private final ExecutorService workers;
  private final ServerBinding binding;
  private final boolean https;

  private PortEmulator(EmulatorSettings settings, SSLContext tls) {
    this.settings = settings;
    this.https = tls != null;
    this.store = settings.dataDir().<Store>map(H2Store::open).orElseGet(MemoryStore::new);
    this.faults = new FaultControl(settings.faults());
    this.tokens = new Tokens(settings.clock(), settings.tokenTtl(), settings.organizationId());
    this.limiter = new RateLimiter(settings.clock(), settings.rateLimits());
    this.api = new PortApi(store, settings.clock(), counters, settings);
    ActorSystem<Void> sys = null;
    ExecutorService pool = null;
    try {
      sys = ActorSystem.create(Behaviors.empty(), "port-emulator-" + INSTANCES.incrementAndGet(), pekkoConfig());
      // A file-backed store blocks on JDBC: keep that off the HTTP dispatcher.
      pool = store.durable()
          ? Executors.newFixedThreadPool(8, r -> {
              Thread t = new Thread(r, "port-emulator-store");
              t.setDaemon(true);
              return t;
            })
          : null;
      Materializer mat = Materializer.matFromSystem(sys);
      HttpFront front = new HttpFront(this, api, tokens, limiter, faults, counters, mat,
          pool != null ? pool : Runnable::run, settings);
      var server = Http.get(sys).newServerAt(settings.host(), settings.port());
      if (tls != null) {
        server = server.enableHttps(ConnectionContext.httpsServer(tls));
      }
      this.binding = server.bind(front).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (sys != null) {
        sys.terminate();
      }
      if (pool != null) {
        pool.shutdownNow();
      }
      store.close();
      throw new IllegalStateException("Port emulator could not bind " + settings.host() + ":" + settings.port()
          + ": " + e.getMessage(), e);
    }
    this.system = sys;
    this.workers = pool;
    api.ingestBase(baseUrl());
  }

  static Config pekkoConfig() {
    // System properties (-Dpekko.…) override these defaults, to tune a bench run without a rebuild.
    Config config = ConfigFactory.defaultOverrides().withFallback(ConfigFactory.parseString(String.join("\n",
            "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
            "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
            "pekko.loglevel = INFO",
            "pekko.log-dead-letters = off",
            "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
            // The scheduler thread wakes every tick while any timer is pending, and pekko-http keeps one pending per
            // request and connection (timeouts of minutes): at 10 ms, ~4% of the emulator's CPU in a resync. Its
            // timers need no finer grain (the emulator's own delays use the JDK's timer).
            "pekko.scheduler.tick-duration = 50 ms",
            "pekko.coordinated-shutdown.terminate-actor-system = on",
            "pekko.jvm-exit-on-fatal-error = off",
            // Request handling is short and non-blocking (blocking JDBC runs on its own pool): as many threads as
            // cores, so idle dispatcher threads do not burn CPU spinning between requests.
            "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min = 2",
            "pekko.actor.default-dispatcher.fork-join-executor.parallelism-factor = 1.0",
            "pekko.actor.default-dispatcher.fork-join-executor.parallelism-max = 8",
            // TCP connection actors run where the HTTP stages run: by default they have their own pool (the internal
            // dispatcher), and every request then crosses pools twice. Halves the emulator's context switches per
            // request (5.4 -> 2.8 in EmulatorBench); they never block.
            "pekko.io.tcp.worker-dispatcher = \"pekko.actor.default-dispatcher\"",
            "pekko.http.server.server-header = \"port-emulator\"",
            "pekko.http.server.remote-address-attribute = on",
            // Ocean's User-Agent (port-ocean/type/version/id/exporter) is not RFC 9110 product syntax; it is kept raw.
            "pekko.http.server.parsing.illegal-header-warnings = off",
            // Headers stay raw: the emulator reads only Authorization and User-Agent, as text. Modeled parsing ran
            // a parser (and, for Ocean's User-Agent, built an error message) on every request.
            "pekko.http.server.parsing.modeled-header-parsing = off",
            // Bodies up to this size are read so the emulator itself can answer Port's 413 above 1 MiB.
            "pekko.http.server.parsing.max-content-length = 16m",
            "pekko.http.server.request-timeout = 120 s",
            "pekko.http.server.idle-timeout = 300 s",
            "pekko.http.server.max-connections = 4096",
            "pekko.http.server.backlog = 1024")))
        .withFallback(ConfigFactory.defaultReference()).resolve();
    // Pekko builds its serialization extension at start (pekko.library-extensions), which instantiates every
    // serializer on the class path and loads every class bound to one: in the runtime's JAR (cluster, sharding,
    // Jackson serializers) some 850 classes, which the runtime's class-data archive, trained by the embedded default,
    // would then hold too. The emulator never serializes a message: built on first use, if ever.
    String extensions = "pekko.library-extensions";
    List<String> eager = new ArrayList<>(config.getStringList(extensions));
    eager.remove("org.apache.pekko.serialization.SerializationExtension$");
    return config.withValue(extensions, ConfigValueFactory.fromIterable(eager));
  }

  /** Starts an emulator and blocks until it is bound. */
  public static PortEmulator start(EmulatorSettings settings) {
    return new PortEmulator(settings, null);
  }

  /**
   * Starts an emulator serving HTTPS with {@code tls}'s certificate (e.g. {@link
   * dev.oceanj.emulator.net.PrivateCa#serverContext()}) and blocks until it is bound.
   */
  public static PortEmulator startHttps(EmulatorSettings settings, SSLContext tls) {
    return new PortEmulator(settings, java.util.Objects.requireNonNull(tls, "tls"));
  }

  /** Starts an emulator with {@link EmulatorSettings#defaults()}. */
  public static PortEmulator start() {
    return start(EmulatorSettings.defaults());
  }

  /** The settings it started with. */
  public EmulatorSettings settings() {
    return settings;
  }

  /** The bound port. */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** {@code http://host:port} ({@code https://localhost:port} when serving HTTPS), without {@code /v1}. */
  public String baseUrl() {
    if (https) {
      // The name the test certificates are made for.
      return "https://localhost:" + port();
    }
    String host = binding.localAddress().getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** The storage, for direct inspection. */
  public Store store() {
    return store;
  }

  /** The entities of a blueprint as Port returns them, in identifier order. */
  public List<JsonNode> entities(String blueprint) {
    List<JsonNode> out = new ArrayList<>();
    for (StoredEntity e : store.entities(blueprint)) {
      out.add(Json.object(e.json()));
    }
    return out;
  }

  /** One entity as Port returns it. */
  public Optional<JsonNode> entity(String blueprint, String identifier) {
    StoredEntity e = store.entity(blueprint, identifier);
    return e == null ? Optional.empty() : Optional.of(Json.object(e.json()));
  }

  /** The {@code $datasource} recorded for an entity. */
  public Optional<String> datasource(String blueprint, String identifier) {
    return Optional.ofNullable(store.entity(blueprint, identifier)).map(StoredEntity::datasource);
  }

  /** A blueprint as Port returns it. */
  public Optional<JsonNode> blueprint(String identifier) {
    return store.document(Store.BLUEPRINTS, identifier).map(Json::object);
  }

  /** An integration record as Port returns it. */
  public Optional<JsonNode> integration(String identifier) {
    return store.document(Store.INTEGRATIONS, identifier).map(Json::object);
  }

  /** Raw-data examples posted for an integration's kind (the last 100). */
  public List<JsonNode> examples(String integration, String kind) {
    return api.examples(integration, kind);
  }

  /** A snapshot of the counters. */
  public Counters.Snapshot counters() {
    return counters.snapshot();
  }

  /** The record of answered {@code /v1} requests (off until enabled): who wrote and deleted what, and when. */
  public RequestLog requestLog() {
    return requestLog;
  }

  /** The fault injection switch. */
  public FaultControl faults() {
    return faults;
  }

  /**
   * Raises a resync request on an integration, as a user pressing "resync" in Port: the polling trigger sees a new
   * {@code request.id} at {@code GET /v1/integration/{id}/resync-request}. Returns {@code {id, updatedAt}}.
   *
   * @throws IllegalArgumentException when the integration does not exist
   */
  public JsonNode raiseResyncRequest(String integrationId) {
    try {
      return api.raiseResyncRequest(integrationId).get("request");
    } catch (PortError e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Lifetime of tokens issued from now on. */
  public void tokenTtl(Duration ttl) {
    tokens.ttl(ttl);
  }

  /** Invalidates every token issued so far (the next call with one gets 401). */
  public void expireTokens() {
    tokens.expireAll();
  }

  /** Issues a valid token for the configured client, for tests that skip the token call. */
  public String accessToken() {
    return tokens.issue(settings.clientId());
  }

  /** Replaces the rate limits (buckets start full). */
  public void rateLimits(RateLimits limits) {
    limiter.set(limits);
  }

  /** The rate limits in force. */
  public RateLimits rateLimits() {
    return limiter.limits();
  }

  /**
   * What the emulator's ingest endpoints received: {@code {syncMetrics: [...], heartbeats: [...], logs: [...]}},
   * each call as {@code {receivedAt, method, path, body}} (also {@code GET /_emulator/ingest}).
   */
  public JsonNode ingested() {
    return api.ingest().received();
  }

  /** Integration types Port provisions the defaults of ({@code createPortResourcesOrigin: Port}). */
  public void provisionEnabled(List<String> types) {
    api.provisionEnabled(types);
  }

  /**
   * Does what Port does for an integration created with {@code createPortResourcesOrigin: Port}: gives it
   * {@code config} as its mapping and marks its resources initialized.
   *
   * @throws IllegalArgumentException when the integration does not exist
   */
  public void provision(String integrationId, JsonNode config) {
    try {
      api.provision(integrationId, config);
    } catch (PortError e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Replaces the organization's feature flags. */
  public void featureFlags(List<String> flags) {
    api.featureFlags(flags);
  }

  /**
   * Makes every migration started from now on ({@code DELETE /v1/blueprints/{bp}/all-entities}) answer
   * {@code RUNNING} to its first {@code polls} reads of {@code GET /v1/migrations/{id}}, then {@code COMPLETED};
   * 0 (the default) completes them at once. The entities are deleted when the migration starts either way.
   */
  public void migrationPolls(int polls) {
    api.migrationPolls(polls);
  }

  /** Forgets all data, zeroes the counters and clears faults (settings such as credentials stay). */
  public void reset() {
    long dropped = store.countAll();
    api.reset();
    counters.reset();
    faults.set(Faults.none());
    faults.clearMethodLatency();
    requestLog.enable(false, false);
    requestLog.clear();
    if (dropped >= RESET_COLLECT_THRESHOLD) {
      // The dropped entities stay in the old generation until a full collection; meanwhile promotions go to heap
      // pages never touched before, and first touches are expensive (on the benchmark's VM, the page faults of the
      // young collections cost ~7 us per entity of the resync after a reset). Collecting here, once, reuses them.
      System.gc();
    }
  }

  /** Entities a reset must drop before it triggers a full collection (small test resets do not). */
  static final long RESET_COLLECT_THRESHOLD = 10_000;

  /** Stops the server and its ActorSystem and closes the store. Writes are already durable: nothing is flushed. */
  @Override
  public void close() {
    try {
      binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // Terminating anyway below.
    }
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // The system is shutting down; nothing else to wait for.
    }
    if (workers != null) {
      workers.shutdown();
    }
    store.close();
  }

  @Override
  public String toString() {
    return "PortEmulator[" + baseUrl() + ", store=" + (store.durable() ? "h2" : "memory") + "]";
  }
}

package dev.oceanj.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.oceanj.actors.trigger.webhook.ChangelogDestination;
import dev.oceanj.core.config.EventListenerType;
import dev.oceanj.core.config.HostSettings;
import dev.oceanj.core.config.LogLevel;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.defaults.DefaultsInitializer;
import dev.oceanj.core.defaults.SetupRetry;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.IngestTransport;
import dev.oceanj.cluster.budget.ClusterWriteBudget;
import dev.oceanj.core.port.PortConnections;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.cluster.ClusterMode;
import dev.oceanj.runtime.http.PortReadiness;
import dev.oceanj.runtime.http.StatusRoutes;
import dev.oceanj.runtime.live.LiveEvents;
import dev.oceanj.runtime.telemetry.InstanceLogs;
import dev.oceanj.runtime.telemetry.LogShipper;
import dev.oceanj.runtime.telemetry.SyncTelemetry;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.host.IntegrationResources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running oceanj: the Port side (the configured Port, or the embedded emulator when no credentials are set),
 * the integration, and the actor system under {@link Guardian}, which runs it as an {@link Instance}.
 * {@link #start} blocks until everything is up;
 * {@link #exitCode()} completes when the system has stopped (a ONCE run ends by itself; other modes run until
 * {@link #close()} or SIGTERM, which runs CoordinatedShutdown and aborts a running resync).
 *
 * <p>The embedded default: with no Port credentials <em>and</em> no explicit {@code ocean.event-listener.type}
 * (neither {@code OCEAN__EVENT_LISTENER__TYPE} nor the HOCON key), the listener is ONCE instead of Ocean's default
 * POLLING, so {@code java -jar oceanj-runtime.jar} runs one resync of the fake integration against the
 * emulator, prints the summary and exits. An explicit listener type is always honoured, emulator or not.
 */
public final class OceanRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OceanRuntime.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Pekko settings the runtime always wants, under whatever the user configured. */
  private static final Config PEKKO = ConfigFactory.parseString(String.join("\n",
      "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
      "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
      "pekko.log-dead-letters-during-shutdown = off",
      "pekko.http.server.request-timeout = 60 s"));

  /**
   * {@code ocean.log-level} (Ocean's {@code OCEAN__LOG_LEVEL} / {@code APPLICATION__LOG_LEVEL}) is the level of the
   * whole process: logback's root logger, set here, and Pekko's own {@code pekko.loglevel} (which filters before
   * its events reach logback; Pekko has no TRACE, so TRACE is DEBUG there).
   */
  static Config applyLogLevel(LogLevel level) {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.toLevel(level.name()));
    }
    String pekko = level == LogLevel.TRACE ? "DEBUG" : level == LogLevel.WARN ? "WARNING" : level.name();
    return ConfigFactory.parseString("pekko.loglevel = " + pekko);
  }

  private final ActorSystem<Guardian.Command> system;
  private final CompletableFuture<Integer> exitCode;
  private final Optional<Integer> httpPort;
  private final Optional<PortEmulator> emulator;
  private final EventListenerType listenerType;
  private final PortClientSettings portClient;

  private OceanRuntime(ActorSystem<Guardian.Command> system, CompletableFuture<Integer> exitCode,
      Optional<Integer> httpPort, Optional<PortEmulator> emulator, EventListenerType listenerType,
      PortClientSettings portClient) {
    this.portClient = portClient;
    this.system = system;
    this.exitCode = exitCode;
    this.httpPort = httpPort;
    this.emulator = emulator;
    this.listenerType = listenerType;
  }

  /** How live events start, when the integration registered processors (the instance calls it). */
  private static Optional<BiFunction<ActorContext<?>, Consumer<String>, LiveEvents>> liveEvents(OceanSettings settings,
      DefinedIntegration defined, HttpPortClient port, Resyncs resyncs, OceanMetrics metrics) {
    if (defined.liveEventProcessors().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of((instance, hung) -> LiveEvents.start(instance, defined, port, resyncs.compiler(),
        settings.liveEvents(), settings.port().portAppConfigCacheTtl(), settings.dataDir(),
        settings.liveEvents().inMemory(), metrics.registry(), resyncs.liveWrites(),
        resyncs.liveEventProcessorThreads(settings), hung));
  }

  /**
   * Starts everything and returns once the HTTP server (if any) is bound.
   *
   * @param print where user-facing lines go (the summary of a ONCE run, its progress)
   * @throws IllegalStateException with a readable message when Port, the integration or the port binding fails
   * @throws dev.oceanj.core.config.ConfigurationException when {@link StartupChecks} finds a problem (before
   *     anything is sent to Port)
   */
  public static OceanRuntime start(OceanSettings settings, Consumer<String> print) {
    return start(new HostSettings(settings, List.of(new HostSettings.InstanceSettings(
        settings.integration().identifier(), "environment", settings))), print);
  }

  /**
   * As above for every instance of {@code host}: in host mode one JVM, one HTTP server, the instances' routes
   * under {@code /<identifier>/}; else the one instance, exactly as {@link #start(OceanSettings, Consumer)}.
   */
  public static OceanRuntime start(HostSettings host, Consumer<String> print) {
    return start(host, () -> host, print);
  }

  /**
   * As above; in host mode a reload (SIGHUP, {@code POST /instances/reload}) calls {@code reread} for the instance
   * set and starts, stops or restarts only the instances that were added, removed or changed.
   */
  public static OceanRuntime start(HostSettings host, Supplier<HostSettings> reread, Consumer<String> print) {
    StartupChecks.verify(host);
    // One process per data dir, before anything else touches it (a second process exits with code 2).
    DataDirLock dirLock = DataDirLock.acquire(host.process().dataDir());
    try {
      return start(host, reread, print, dirLock);
    } catch (RuntimeException e) {
      dirLock.close();
      throw e;
    }
  }

  /** An instance's parts and the Port side they use. */
  private record Prepared(Instance.Wiring wiring, PortSide port) {}

  /**
   * One instance's parts, in order: the integration, the Port side, {@code extras} (the log shipper of a single
   * instance), the resyncs (on the process's shared {@code pools}), the integration's start and its set-up in Port.
   * The wiring's {@code release} gives everything back (once); it is also run here when preparing fails.
   *
   * @param hostRoutes host mode: the path its routes are served under ({@code /<identifier>} or its own prefix)
   */
  private static Prepared prepare(OceanSettings settings, Optional<String> hostRoutes, Consumer<String> print,
      OceanMetrics metrics, Optional<PortEmulator> sharedEmulator, Optional<PortConnections> connections,
      Optional<IngestTransport> sharedIngest, HostPools pools, Function<PortSide, Runnable> extras)
      throws InterruptedException, TimeoutException {
    HostedIntegration integration = HostedIntegration.init(settings,
        hostRoutes.orElse(settings.pathPrefix().orElse("")));
    PortSide port = PortSide.init(settings, integration.hasLiveEvents(), sharedEmulator, connections, sharedIngest);
    Runnable closeExtras = extras.apply(port);
    Resyncs resyncs = Resyncs.init(settings, integration, port.client(), pools);
    Runnable release = once(() -> {
      closeExtras.run();
      resyncs.stopIntegration(integration, settings);
      port.close();
      metrics.close();
    });
    try {
      resyncs.startIntegration(integration, settings);
      Optional<Instant> watermark = setUpInPort(settings, port, hostRoutes.orElse(""));
      metrics.bindPort(port.client()::stats, port.limiter()::stats);
      port.connections().onLimiter(metrics::bindLimiter);
      PortIdentity identity = port.identity();
      var info = new StatusRoutes.RuntimeInfo(identity.type(), identity.identifier(), identity.version(),
          settings.effective().listener().name(), port.embedded(), port.clientSettings().baseUrl().toString());
      var timeouts = settings.timeouts();
      var wiring = new Instance.Wiring(settings, port.client(), resyncs.supervisor(), metrics,
          new PortReadiness(port.client(), timeouts.readinessCheck(), timeouts.readinessCache(), Clock.systemUTC()),
          info, watermark, liveEvents(settings, integration.defined(), port.client(), resyncs, metrics),
          Optional.of(new SyncTelemetry(port.ingest(), new SyncTelemetry.Identity(identity.type(),
              identity.identifier(), identity.version(), runtimeVersion()), settings.telemetry().heartbeatInterval(),
              timeouts.ask())), print, release);
      return new Prepared(wiring, port);
    } catch (RuntimeException | InterruptedException | TimeoutException e) {
      release.run();
      throw e;
    }
  }

  private static Runnable once(Runnable r) {
    var done = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        r.run();
      }
    };
  }

  /** A single instance's log shipper (Port's ingest of its log lines), when {@code ocean.telemetry.http-logging}. */
  private static Function<PortSide, Runnable> logShipper(OceanSettings settings) {
    return port -> {
      if (!settings.telemetry().httpLogging()) {
        return () -> { };
      }
      LogShipper shipper = new LogShipper(port.ingest(), settings.telemetry().logQueueSize(),
          secrets(settings, port.clientSettings()));
      shipper.install();
      return () -> shipper.close(settings.timeouts().logFlush());
    };
  }

  /** Host mode: an instance's lines shipped to its own integration's logs, when its {@code http-logging} is on. */
  private static Function<PortSide, Runnable> logShipper(OceanSettings settings, InstanceLogs logs) {
    return port -> settings.telemetry().httpLogging()
        ? logs.add(settings.integration().identifier(), port.ingest(), settings.telemetry().logQueueSize(),
            secrets(settings, port.clientSettings()), settings.timeouts().logFlush())
        : () -> { };
  }

  /**
   * What host mode's instances share besides Port's connections: the process's settings (its path prefix), the log
   * router and the transport to Port's ingest URLs (every instance's sync metrics and log lines).
   */
  private record HostTelemetry(OceanSettings process, InstanceLogs logs, IngestTransport ingest) {
    static HostTelemetry start(OceanSettings process) {
      return new HostTelemetry(process, InstanceLogs.install(), new IngestTransport(process.network(),
          process.timeouts().ingest(), ClusterMode.nodeTag(process).orElse(null)));
    }

    void close(Duration flush) {
      logs.close(flush);
      ingest.close();
    }
  }

  /** {@link #prepare} with the lines it logs (the integration's start, its set-up in Port) attributed to it. */
  private static Prepared prepare(HostSettings.InstanceSettings instance, Consumer<String> print,
      OceanMetrics metrics, Optional<PortEmulator> sharedEmulator, Optional<PortConnections> connections,
      HostPools pools, HostTelemetry telemetry) throws InterruptedException, TimeoutException {
    // Its routes: /<identifier> under the process's prefix, and its own prefix as their alias (its public URL).
    String routes = HostSettings.pathPrefixAlias(telemetry.process(), instance.settings())
        .orElse(telemetry.process().pathPrefix().orElse("") + "/" + instance.identifier());
    try (var mdc = org.slf4j.MDC.putCloseable(InstanceLogs.MDC_KEY, instance.identifier())) {
      return prepare(instance.settings(), Optional.of(routes), print, metrics.forInstance(instance.identifier()),
          sharedEmulator, connections, Optional.of(telemetry.ingest()), pools,
          logShipper(instance.settings(), telemetry.logs()));
    }
  }

  /**
   * One init per feature, in order: each instance's parts ({@link #prepare}), then the actor system, whose guardian
   * starts the instances (triggers, progress reporter, live events) and the HTTP server. Whatever was started is
   * released when start-up fails or the system stops.
   */
  private static OceanRuntime start(HostSettings host, Supplier<HostSettings> reread, Consumer<String> print,
      DataDirLock dirLock) {
    OceanSettings settings = host.process();
    Config logLevel = applyLogLevel(settings.logLevel());
    boolean hostMode = host.hostMode();
    OceanMetrics metrics = hostMode ? OceanMetrics.forHost() : new OceanMetrics();
    Optional<PortEmulator> sharedEmulator = hostMode
        && host.instances().stream().anyMatch(i -> i.settings().port().usesEmbeddedEmulator())
        ? Optional.of(PortEmulator.start(EmulatorSettings.defaults())) : Optional.empty();
    // What every instance shares: the threads for integrations' calls, the resync gate, the mapping threads.
    HostPools pools = HostPools.init(settings);
    // Host mode: one registry for every instance (one pool per Port base URL, one token per credential, one write
    // limiter per organisation); a single instance keeps its own.
    Optional<PortConnections> connections = hostMode ? Optional.of(PortConnections.create(settings.network()))
        : Optional.empty();
    // Host mode: each instance's log lines to its own integration's logs in Port.
    Optional<HostTelemetry> telemetry = hostMode ? Optional.of(HostTelemetry.start(settings)) : Optional.empty();
    List<Guardian.Hosted> instances = new ArrayList<>();
    Runnable cleanup = () -> {
      for (int i = instances.size() - 1; i >= 0; i--) {
        instances.get(i).wiring().release().run();
      }
      telemetry.ifPresent(t -> t.close(settings.timeouts().logFlush()));
      pools.close();
      connections.ifPresent(PortConnections::close);
      sharedEmulator.ifPresent(PortEmulator::close);
      dirLock.close();
    };
    try {
      PortSide firstPort = null;
      List<Guardian.FailedStart> failedAtStart = new ArrayList<>();
      if (hostMode) {
        // One after another (their default resources in Port are shared: set up at once, they race), and one that
        // fails (or hangs until its time limits) is left to the guardian to start again; the others run.
        for (HostSettings.InstanceSettings instance : host.instances()) {
          try {
            Prepared prepared = prepare(instance, print, metrics, sharedEmulator, connections, pools,
                telemetry.orElseThrow());
            firstPort = firstPort == null ? prepared.port() : firstPort;
            instances.add(new Guardian.Hosted(instance.fingerprint(), prepared.wiring(), Optional.of(instance)));
          } catch (RuntimeException | TimeoutException e) {
            failedAtStart.add(new Guardian.FailedStart(instance, e));
          }
        }
        if (instances.isEmpty()) {
          throw new IllegalStateException("no integration instance could start: " + failedAtStart.stream()
              .map(f -> f.instance().identifier() + ": " + f.cause().getMessage()).toList());
        }
      } else {
        HostSettings.InstanceSettings instance = host.instances().get(0);
        Prepared prepared = prepare(instance.settings(), Optional.empty(), print, metrics, Optional.empty(),
            connections, Optional.empty(), pools, logShipper(instance.settings()));
        firstPort = prepared.port();
        instances.add(new Guardian.Hosted(instance.fingerprint(), prepared.wiring()));
      }
      Instance.Wiring first = instances.get(0).wiring();
      EventListenerType listener = first.listenerType();
      var exitCode = new CompletableFuture<Integer>();
      var httpPort = new CompletableFuture<Optional<Integer>>();
      var timeouts = settings.timeouts();
      Optional<Guardian.Reloader> reloader = hostMode
          ? Optional.of(reloader(reread, print, metrics, sharedEmulator, connections, pools,
              telemetry.orElseThrow()))
          : Optional.empty();
      var wiring = new Guardian.Wiring(settings, metrics, new Guardian.Reports(print, exitCode, httpPort),
          runtimeVersion(), instances, hostMode, reloader, failedAtStart);
      ActorSystem<Guardian.Command> system = ActorSystem.create(Guardian.create(wiring), "oceanj",
          PekkoExtensions.withoutEagerSerialization(logLevel.withFallback(ClusterMode.pekkoConfig(settings))
              .withFallback(PEKKO).withFallback(settings.config()).withFallback(ConfigFactory.defaultReference())));
      if (instances.stream().anyMatch(i -> i.wiring().listenerType() != EventListenerType.ONCE)) {
        IdleHeapTrim.start(system, timeouts.idleHeapTrim());
      }
      if (hostMode) {
        HangUp.install(system);
      }
      if (settings.cluster().enabled()) {
        // Port's org-wide write budget, split between the nodes by their demand (Distributed Data).
        connections.orElse(firstPort.connections()).onLimiter((org, limiter) ->
            ClusterWriteBudget.start(system, limiter, ClusterWriteBudget.Settings.of(org)));
      }
      CompletableFuture<Integer> finalExit = system.getWhenTerminated().toCompletableFuture().handle((done, failure) -> {
        cleanup.run();
        return exitCode.getNow(0);
      });
      Optional<Integer> bound;
      try {
        bound = httpPort.get(timeouts.bind().toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        finalExit.join();
        throw new IllegalStateException("cannot bind the HTTP server to " + settings.http().host() + ":"
            + settings.http().port() + " (ocean.http.port / APPLICATION__PORT): " + e.getCause().getMessage(), e);
      }
      return new OceanRuntime(system, finalExit, bound, firstPort.emulator(), listener, firstPort.clientSettings());
    } catch (RuntimeException | InterruptedException | TimeoutException e) {
      cleanup.run();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof IllegalStateException ise ? ise : new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Host mode's reload: re-reads the instance set with the sources the process started with, and prepares an
   * added or changed instance like the first ones (the guardian calls both off its own thread).
   */
  private static Guardian.Reloader reloader(Supplier<HostSettings> reread, Consumer<String> print,
      OceanMetrics metrics, Optional<PortEmulator> sharedEmulator, Optional<PortConnections> connections,
      HostPools pools, HostTelemetry telemetry) {
    return new Guardian.Reloader() {
      @Override
      public HostSettings reread() {
        return reread.get();
      }

      @Override
      public Instance.Wiring prepare(HostSettings.InstanceSettings instance) throws Exception {
        StartupChecks.verify(instance.settings());
        return OceanRuntime.prepare(instance, print, metrics, sharedEmulator, connections, pools, telemetry)
            .wiring();
      }
    };
  }

  /**
   * Start-up against Port, each step within {@code ocean.timeouts.setup}: refuses Ocean's DSP mode, creates the
   * integration and its default resources, registers where Port sends resync requests, and for POLLING without
   * resync-on-start reads the last request already handled.
   *
   * @param routes the path the instance's routes are under in host mode ({@code ""} alone: Port calls the root)
   * @return the polling watermark, if any
   */
  private static Optional<Instant> setUpInPort(OceanSettings settings, PortSide port, String routes)
      throws InterruptedException, TimeoutException {
    Duration timeout = settings.timeouts().setup();
    HttpPortClient client = port.client();
    if (!port.embedded()) {
      refuseDsp(settings, await(client.organization(), "reading the organisation's feature flags", timeout));
    }
    EventListenerType listener = settings.effective().listener();
    IntegrationResources resources = StartupChecks.resources(settings.integration().type(), settings.resourcesPath());
    // Port calls <app-host>/resync, at the root as Ocean's; in host mode the instance's /resync is under its routes.
    Map<String, Object> destination = ChangelogDestination.of(listener, settings.eventListener().webhook().appHost()
        .map(u -> java.net.URI.create(u.toString().replaceAll("/+$", "") + routes)),
        settings.eventListener().webhook().token());
    JsonNode destinationJson = JSON.valueToTree(destination);
    var defaults = new DefaultsInitializer(client, DefaultsInitializer.Resources.from(resources),
        settings.initializePortResources(), Optional.of(destinationJson), settings.createPortResourcesOrigin(),
        settings.timeouts().defaultsProvisionWait());
    DefaultsInitializer.Outcome setup = await(defaults.run(),
        "setting up the integration in Port (" + port.clientSettings().baseUrl() + ")", timeout);
    setup.warnings().forEach(w -> LOG.warn("Port setup: {}", w));
    await(verifyChangelogDestination(client, destinationJson), "registering the changelogDestination in Port", timeout);
    return listener == EventListenerType.POLLING && !settings.eventListener().polling().resyncOnStart()
        ? lastResyncState(client, timeout) : Optional.empty();
  }

  /** Organisation flags that, with processing mode {@code dsp} and the lakehouse on, make Ocean process in DSP mode. */
  static final List<String> DSP_FLAGS = List.of("LAKEHOUSE_ELIGIBLE", "DATA_SOURCE_PROCESSOR_ENABLED");

  /**
   * Ocean's DSP mode (ocean-reference.md §6.7): with {@code OCEAN__PROCESSING_MODE=dsp} (Ocean's and the Helm
   * chart's default), the lakehouse on (the chart cannot turn it off) and both organisation flags, Ocean only
   * extracts and ships raw data to Port's lake, which maps and writes it. oceanj does not support that yet, and
   * writing the entities itself there would be something else than asked: refuse, saying how to choose
   * {@code ocean-core} processing.
   */
  static void refuseDsp(OceanSettings settings, PortClient.Organization org) {
    if (settings.effective().dspProcessing() && org.featureFlags().containsAll(DSP_FLAGS)) {
      throw new IllegalStateException("DSP processing is active for this organisation (ocean.processing-mode = dsp"
          + (settings.effective().processingModeSet() ? "" : " by default") + ", the lakehouse on and the feature flags "
          + DSP_FLAGS + "), and oceanj does not support it yet; set OCEAN__PROCESSING_MODE=ocean-core (Helm "
          + "processingMode: ocean-core) to have oceanj map and write the entities itself");
    }
  }


  /** Values masked in shipped log lines: Port's credentials and the integration's sensitive settings. */
  private static Set<String> secrets(OceanSettings settings, PortClientSettings client) {
    Set<String> out = new HashSet<>();
    out.add(client.clientId());
    out.add(client.clientSecret());
    var integration = settings.integration();
    integration.config().fields().forEachRemaining(f -> {
      if (integration.isSensitive(f.getKey()) && f.getValue().isValueNode()) {
        out.add(f.getValue().asText());
      }
    });
    return out;
  }

  /**
   * Ocean's {@code _verify_integration_configuration} for the one field the connection mode owns: an existing
   * integration whose {@code changelogDestination} differs (the mode or the base URL changed) is patched, so Port
   * sends resync requests where this instance listens.
   */
  private static CompletionStage<Void> verifyChangelogDestination(PortClient port, JsonNode destination) {
    return SetupRetry.defaults().run("reading the integration", port::getIntegration).thenCompose(integration -> {
      JsonNode current = integration.map(i -> i.path("changelogDestination")).orElse(null);
      if (integration.isEmpty() || destination.equals(current)
          || (destination.isEmpty() && (current == null || current.isNull() || current.isMissingNode()))) {
        return CompletableFuture.completedFuture(null);
      }
      LOG.info("Registering changelogDestination {} in Port", destination.path("type").asText("{}"));
      ObjectNode patch = JSON.createObjectNode();
      patch.set("changelogDestination", destination);
      return SetupRetry.defaults().run("registering the changelogDestination", () -> port.patchIntegration(patch))
          .thenApply(patched -> null);
    });
  }

  private static Optional<Instant> lastResyncState(PortClient port, Duration timeout)
      throws InterruptedException, TimeoutException {
    Optional<JsonNode> integration = await(port.getIntegration().thenApply(o -> o.map(JsonNode.class::cast)),
        "reading the integration's resync state", timeout);
    return integration.map(i -> i.path("resyncState").path("updatedAt").asText(null))
        .flatMap(at -> {
          try {
            return Optional.of(Instant.parse(at));
          } catch (RuntimeException e) {
            return Optional.empty();
          }
        });
  }


  private static <T> T await(CompletionStage<T> stage, String what, Duration timeout)
      throws InterruptedException, TimeoutException {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds() + " s"
          + " (ocean.timeouts.setup)", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(what + " failed: " + cause.getMessage(), cause);
    }
  }

  static String runtimeVersion() {
    String v = OceanRuntime.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0" : v;
  }

  /** Completes with the process exit code once the actor system has stopped and everything is closed. */
  public CompletionStage<Integer> exitCode() {
    return exitCode;
  }

  /** The bound HTTP port, when a server runs. */
  public Optional<Integer> httpPort() {
    return httpPort;
  }

  /** The embedded Port emulator, when no credentials were configured. */
  public Optional<PortEmulator> emulator() {
    return emulator;
  }

  /** The settings the Port client was built with (the configured Port's, or aimed at the embedded emulator). */
  PortClientSettings portClient() {
    return portClient;
  }

  /** The effective event listener type. */
  public EventListenerType listenerType() {
    return listenerType;
  }

  /** The actor system (tests reach the supervisor through it). */
  public ActorSystem<?> system() {
    return system;
  }

  /** Graceful stop: CoordinatedShutdown (aborts a running resync), then waits until everything is closed. */
  @Override
  public void close() {
    CoordinatedShutdown.get(system).run(CoordinatedShutdown.unknownReason());
    exitCode.join();
  }
}

package dev.oceanj.runtime.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.live.LiveEventDispatcher;
import dev.oceanj.core.config.LiveEventSettings;
import dev.oceanj.actors.live.KafkaLiveEventLog;
import dev.oceanj.core.live.LiveEventIntake;
import dev.oceanj.core.live.LiveEventLog;
import dev.oceanj.core.live.PartitionKey;
import dev.oceanj.core.live.WebhookPaths;
import dev.oceanj.core.live.LiveEventCounters;
import dev.oceanj.core.live.LiveEventWriter;
import dev.oceanj.core.live.LiveMapping;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.sync.LiveWrites;
import dev.oceanj.core.sync.MappingPlan;
import dev.oceanj.runtime.http.LiveEventRoutes;
import dev.oceanj.spi.host.DefinedIntegration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.stream.Materializer;

/**
 * Live events, wired: the intake, which is the durable log in {@code <ocean.data-dir>/live-events} (or in memory
 * when {@code ocean.live-events.in-memory = true}), or with {@code ocean.live-events.intake = kafka} the topic shared
 * by every node ({@link KafkaLiveEventLog}), the {@link LiveEventDispatcher} actor draining it with the
 * integration's processors, the cached mapping and the live-event share of the Port write budget, the HTTP
 * routes, and the metrics ({@code oceanj_live_events_*}). The caller (the instance or a standalone runner) mounts
 * {@link #routes()} and calls {@link #close()} at shutdown, after the HTTP server stopped accepting.
 */
public final class LiveEvents implements AutoCloseable {

  /** The folder under {@code ocean.data-dir} that holds the log. */
  public static final String FOLDER = "live-events";

  /** The name of the {@link LiveEventDispatcher} child. */
  public static final String ACTOR_NAME = "live-event-dispatcher";

  /** Longest wait for a revoked Kafka partition's events before it is released to another node. */
  private static final Duration MAX_REVOKE_DRAIN = Duration.ofSeconds(30);

  private final LiveEventIntake log;
  private final LiveEventCounters counters;
  private final LiveEventRoutes routes;
  private final ActorRef<LiveEventDispatcher.Command> actor;

  private LiveEvents(LiveEventIntake log, LiveEventCounters counters, LiveEventRoutes routes,
      ActorRef<LiveEventDispatcher.Command> actor) {
    this.log = log;
    this.counters = counters;
    this.routes = routes;
    this.actor = actor;
  }

  /**
   * Opens the log (recovering what a previous run left), starts draining it with a supervised
   * {@link LiveEventDispatcher} spawned as a child of {@code parent} (the instance), and registers the metrics.
   * Call it from {@code parent}'s own thread (its setup or a message handler).
   *
   * @param port the integration's Port client (its live-event view is used for writes)
   * @param mappingTtl how long the mapping fetched from Port is reused ({@code ocean.port.port-app-config-cache-ttl})
   * @param dataDir {@code ocean.data-dir}
   * @param inMemory keep events in memory only (a restart loses them)
   */
  public static LiveEvents start(ActorContext<?> parent, DefinedIntegration integration, PortClient port,
      MappingPlan.Compiler compiler, LiveEventSettings settings, Duration mappingTtl, Path dataDir, boolean inMemory,
      MeterRegistry registry) {
    return start(parent, integration, port, compiler, settings, mappingTtl, dataDir, inMemory, registry,
        new LiveWrites());
  }

  /**
   * As above, telling {@code written} of every entity live events write (the resync supervisor of the same
   * integration shares it, so it never skips them as unchanged).
   */
  public static LiveEvents start(ActorContext<?> parent, DefinedIntegration integration, PortClient port,
      MappingPlan.Compiler compiler, LiveEventSettings settings, Duration mappingTtl, Path dataDir, boolean inMemory,
      MeterRegistry registry, LiveWrites written) {
    return start(parent, integration, port, compiler, settings, mappingTtl, dataDir, inMemory, registry, written,
        parent.getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
  }

  /**
   * As above, calling the integration's processors on {@code processorThreads} (the process's bounded threads for
   * integrations' calls, each call within its time limit).
   */
  public static LiveEvents start(ActorContext<?> parent, DefinedIntegration integration, PortClient port,
      MappingPlan.Compiler compiler, LiveEventSettings settings, Duration mappingTtl, Path dataDir, boolean inMemory,
      MeterRegistry registry, LiveWrites written, Executor processorThreads) {
    return start(parent, integration, port, compiler, settings, mappingTtl, dataDir, inMemory, registry, written,
        processorThreads, call -> { });
  }

  /**
   * As above, telling {@code hung} (from any thread) the hung call, prefixed with the integration's identifier, when an
   * event ran out of {@code ocean.live-events.max-event-processing} inside a call into the integration.
   */
  public static LiveEvents start(ActorContext<?> parent, DefinedIntegration integration, PortClient port,
      MappingPlan.Compiler compiler, LiveEventSettings settings, Duration mappingTtl, Path dataDir, boolean inMemory,
      MeterRegistry registry, LiveWrites written, Executor processorThreads, Consumer<String> hung) {
    ActorSystem<?> system = parent.getSystem();
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    LiveEventIntake log = openIntake(integration, port.identity().identifier(), settings, dataDir, inMemory, blocking);
    LiveEventCounters counters = new LiveEventCounters();
    counter(registry, "oceanj.live.events.received", "Requests to live-event paths", counters.received);
    counter(registry, "oceanj.live.events.acknowledged", "Live events stored durably and answered 202",
        counters.acknowledged);
    counter(registry, "oceanj.live.events.rejected", "Live-event requests refused (401, 400, 404, 413, 503)",
        counters.rejected);
    counter(registry, "oceanj.live.events.processed", "Live events processed", counters.processed);
    counter(registry, "oceanj.live.events.failed", "Failed live-event processing attempts", counters.failed);
    counter(registry, "oceanj.live.events.dead.lettered", "Live events moved to the dead letters",
        counters.deadLettered);
    counter(registry, "oceanj.live.events.entities.upserted", "Entities upserted by live events", counters.upserted);
    counter(registry, "oceanj.live.events.entities.deleted", "Entities deleted by live events", counters.deleted);
    Gauge.builder("oceanj.live.events.intake.depth", log, LiveEventIntake::depth)
        .description("Live events acknowledged and not yet processed").register(registry);
    if (log instanceof KafkaLiveEventLog kafka) {
      Gauge.builder("oceanj.live.events.intake.lag", kafka, KafkaLiveEventLog::lag)
          .description("Live events in this node's Kafka partitions not yet processed (-1 unknown)").register(registry);
    }
    Gauge.builder("oceanj.live.events.dead.letters", log, i -> i.deadLetters().size())
        .description("Live events waiting in the dead letters").register(registry);
    Timer ackLatency = Timer.builder("oceanj.live.events.ack.latency")
        .description("Time from a live-event request to its 202, durable append included")
        .publishPercentiles(0.5, 0.99)
        .publishPercentileHistogram()
        .register(registry);

    LiveMapping mapping = new LiveMapping(port, compiler, mappingTtl, Clock.systemUTC());
    LiveEventDispatcher.Deps deps = new LiveEventDispatcher.Deps(log, integration.liveEventProcessors(), mapping,
        new LiveEventWriter(port, written), integration::toJson, settings, Math.max(1, settings.workers()), counters,
        processorThreads, integration.sources(),
        call -> hung.accept("integration '" + port.identity().identifier() + "': " + call));
    // A child of the caller (the instance), restarted after a failure: see LiveEventDispatcher.supervised.
    ActorRef<LiveEventDispatcher.Command> actor = parent.spawn(LiveEventDispatcher.supervised(deps), ACTOR_NAME);
    LiveEventRoutes routes = new LiveEventRoutes(log, integration.liveEventProcessors(), settings.maxBodySize(),
        counters, ackLatency, Materializer.matFromSystem(system));
    return new LiveEvents(log, counters, routes, actor);
  }

  /** The intake {@code ocean.live-events.intake} names: the shared Kafka log, or this node's log (or memory). */
  private static LiveEventIntake openIntake(DefinedIntegration integration, String identifier,
      LiveEventSettings settings, Path dataDir, boolean inMemory, Executor blocking) {
    if (settings.intake() == LiveEventSettings.Intake.KAFKA) {
      WebhookPaths paths = new WebhookPaths(integration.liveEventProcessors().keySet());
      // A revoked partition's events may finish here first, so the next owner never writes older values after them.
      Duration revokeDrain = settings.maxEventProcessing().compareTo(MAX_REVOKE_DRAIN) < 0
          ? settings.maxEventProcessing() : MAX_REVOKE_DRAIN;
      return KafkaLiveEventLog.open(settings.kafka(), identifier,
          e -> PartitionKey.of(paths, integration.liveEventProcessors(), e), blocking, revokeDrain);
    }
    return inMemory ? LiveEventLog.inMemory() : LiveEventLog.open(dataDir.resolve(FOLDER));
  }

  private static void counter(MeterRegistry registry, String name, String description, LongAdder adder) {
    FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
  }

  /** The intake (status, dead letters). */
  public LiveEventIntake log() {
    return log;
  }

  /** The live-event counters. */
  public LiveEventCounters counters() {
    return counters;
  }

  /** The HTTP routes: webhooks and dead letters. */
  public LiveEventRoutes routes() {
    return routes;
  }

  /**
   * The {@code liveEvents} section of {@code /status}: the intake ({@code local} or {@code kafka}, with the Kafka
   * topic, group, this node's partitions and their lag), whether it is durable, its depth, the counts, and
   * the latest 100 dead letters with their errors (replay with {@code POST /live-events/dead-letters/<id>/replay}).
   */
  public ObjectNode status() {
    ObjectNode s = LiveEventRoutes.deadLettersJson(log, 100);
    log.status(s);
    s.put("received", counters.received.sum());
    s.put("acknowledged", counters.acknowledged.sum());
    s.put("rejected", counters.rejected.sum());
    s.put("processed", counters.processed.sum());
    s.put("failedAttempts", counters.failed.sum());
    s.put("deadLettered", counters.deadLettered.sum());
    return s;
  }

  /** The draining actor. */
  public ActorRef<LiveEventDispatcher.Command> actor() {
    return actor;
  }

  /**
   * Writes a last checkpoint and closes the log. Events still in flight are not waited for: they are durable
   * and handled again at the next start.
   */
  @Override
  public void close() {
    log.close();
  }
}

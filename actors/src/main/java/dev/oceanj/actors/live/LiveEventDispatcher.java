package dev.oceanj.actors.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.Failures;
import dev.oceanj.core.config.LiveEventSettings;
import dev.oceanj.core.live.LiveEventIntake;
import dev.oceanj.core.live.PartitionKey;
import dev.oceanj.core.live.StoredEvent;
import dev.oceanj.core.live.LiveEventCounters;
import dev.oceanj.core.live.LiveEventWriter;
import dev.oceanj.core.live.LiveMapping;
import dev.oceanj.core.live.WebhookPaths;
import dev.oceanj.core.port.PortApiException;
import dev.oceanj.core.sync.MappingPlan;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.spi.Resource;
import dev.oceanj.spi.Resync;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.host.ResyncScope;
import dev.oceanj.spi.host.SpiCalls;
import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventProcessor;
import dev.oceanj.spi.live.LiveEventResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the live-event intake ({@link LiveEventIntake}: the node's durable log or the shared Kafka log): every stored event is handed to the processors registered for its
 * path, and their results go through the current mapping to Port. Events with the same partition key (path
 * pattern plus the processors' {@link LiveEventProcessor#partitionKey}) run strictly one after another in
 * log order; different keys run in parallel, at most {@code parallelism} at once.
 *
 * <p>Each (processor, kind) pair is tried up to {@code max-retries + 1} times with exponential backoff
 * (base {@code retry-base-delay}, capped at {@code retry-max-delay}), all within {@code max-event-processing};
 * an {@link IllegalArgumentException} (a bad event or mapping) and Port's final refusal (a 4xx other than 408 and
 * 429, {@link LiveEventWriter#permanent}) are not retried: the event goes to the dead letters at once, with Port's
 * message. An event that still fails is
 * moved to the log's dead letters with its error; only then, or on success, is it marked done, so a crash
 * at any point leaves it to be handled again after the restart. An event that ran out of {@code max-event-processing}
 * while a call into the integration (its processor's {@code validate}, {@code kinds} or {@code handle}, or the stage
 * {@code handle} returned) was still pending is also reported to {@code hung}: its 3rd party hangs (the host may
 * start the instance again, {@code ocean.host.restart-on-hang}). One that ran out while writing to Port is not.
 *
 * <p>Protocol: the log's subscription sends {@code EventStored}; processing outcomes come back as a private
 * {@code Finished}; {@link GetProgress} asks how much work is in the actor. The actor never blocks: processors run
 * on {@code executor} and writes are asynchronous.
 *
 * <p>Supervision: spawned once by the runtime's guardian as {@link #supervised}, which restarts it with backoff after
 * any failure, so the HTTP route never keeps acknowledging into a log nobody drains. A restarted dispatcher takes the
 * log's subscription over ({@link LiveEventIntake#resubscribe}) and is handed again every event not yet done, the ones
 * its predecessor held in memory included; messages meant for the predecessor (events told to it, outcomes of its
 * work still running) are ignored. An event its predecessor was processing may thus be handled twice, which
 * processors already tolerate (see {@link LiveEventProcessor}). The guardian also owns (and closes) the log.
 */
public final class LiveEventDispatcher extends AbstractBehavior<LiveEventDispatcher.Command> {

  private static final ObjectMapper JSON = new ObjectMapper();
  // Processing runs off the actor's thread, where the ActorContext's logger must not be used.
  private static final Logger LOG = LoggerFactory.getLogger(LiveEventDispatcher.class);

  /** Messages of the dispatcher. */
  public sealed interface Command {}


  /** Asks how much work is in the actor. */
  public record GetProgress(ActorRef<Progress> replyTo) implements Command {}

  /** Events queued in the actor and in flight, and partition keys with work. */
  public record Progress(int queued, int inFlight, int keys) {}

  /** An event is durable in the log (sent by the log's subscription, in offset order, to one incarnation). */
  private record EventStored(StoredEvent event, Object incarnation) implements Command {}

  private record Finished(String key, StoredEvent event, Optional<String> error, Object incarnation)
      implements Command {}

  /**
   * Everything the actor needs.
   *
   * @param log the intake it drains: the local durable log or the shared Kafka log (subscribed once per incarnation)
   * @param processors processors by registered path pattern
   * @param mapping the cached current mapping
   * @param writer writes mapped results with the live-event budget
   * @param toJson turns a processor's raw item into JSON (the integration's own conversion)
   * @param settings {@code ocean.live-events}
   * @param parallelism partition keys processed at once
   * @param counters live-event counters
   * @param executor where processors are called (they may block)
   * @param sources the integration's sources ({@code DefinedIntegration.sources()}), which bind the selectors a
   *     processor handling each resource sees ({@link LiveEventProcessor#handle(LiveEvent, Resource)})
   * @param hung told, from any thread, what hung when an event ran out of {@code max-event-processing} inside a call
   *     into the integration (e.g. {@code the live-event processor of /integration/webhook (event 12) did not
   *     finish within 90 s (ocean.live-events.max-event-processing)})
   */
  public record Deps(
      LiveEventIntake log,
      Map<String, List<LiveEventProcessor>> processors,
      LiveMapping mapping,
      LiveEventWriter writer,
      Function<Object, JsonNode> toJson,
      LiveEventSettings settings,
      int parallelism,
      LiveEventCounters counters,
      Executor executor,
      Function<String, Optional<ResyncSource<?>>> sources,
      Consumer<String> hung) {

    /** With the integration's sources, reporting no hung call. */
    public Deps(LiveEventIntake log, Map<String, List<LiveEventProcessor>> processors, LiveMapping mapping,
        LiveEventWriter writer, Function<Object, JsonNode> toJson, LiveEventSettings settings, int parallelism,
        LiveEventCounters counters, Executor executor, Function<String, Optional<ResyncSource<?>>> sources) {
      this(log, processors, mapping, writer, toJson, settings, parallelism, counters, executor, sources, call -> { });
    }

    /** Without the integration's sources: processors handling each resource see raw selectors. */
    public Deps(LiveEventIntake log, Map<String, List<LiveEventProcessor>> processors, LiveMapping mapping,
        LiveEventWriter writer, Function<Object, JsonNode> toJson, LiveEventSettings settings, int parallelism,
        LiveEventCounters counters, Executor executor) {
      this(log, processors, mapping, writer, toJson, settings, parallelism, counters, executor,
          kind -> Optional.empty(), call -> { });
    }
  }

  private record Work(String key, StoredEvent event, LiveEvent live, List<LiveEventProcessor> processors) {}

  private final Deps deps;
  private final WebhookPaths paths;
  /** The processors that handle each resource (read once here, not per event: it takes reflection). */
  private final Set<LiveEventProcessor> perResource;
  private final Map<String, ArrayDeque<Work>> queues = new HashMap<>();
  private final Set<String> active = new HashSet<>();
  private final LinkedHashSet<String> waiting = new LinkedHashSet<>();
  private int queued;
  // This incarnation: a restart makes a new one, and messages carrying an older one are ignored.
  private final Object incarnation = new Object();

  /** The dispatcher alone, stopped by its first failure; the runtime spawns {@link #supervised} instead. */
  public static Behavior<Command> create(Deps deps) {
    return Behaviors.setup(ctx -> new LiveEventDispatcher(ctx, deps));
  }

  /**
   * The dispatcher restarted after any failure, first after {@code ocean.live-events.retry-base-delay}, the wait
   * doubling up to {@code retry-max-delay} (the same backoff as a failing processor's retries).
   */
  public static Behavior<Command> supervised(Deps deps) {
    return Behaviors.supervise(create(deps)).onFailure(Throwable.class, SupervisorStrategy.restartWithBackoff(
        deps.settings().retryBaseDelay(), deps.settings().retryMaxDelay(), 0.2));
  }

  private LiveEventDispatcher(ActorContext<Command> ctx, Deps deps) {
    super(ctx);
    this.deps = deps;
    this.paths = new WebhookPaths(deps.processors().keySet());
    Set<LiveEventProcessor> handlingResources = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    deps.processors().values().forEach(list -> list.stream().filter(LiveEventDispatcher::handlesEachResource)
        .forEach(handlingResources::add));
    this.perResource = java.util.Collections.unmodifiableSet(handlingResources);
    ActorRef<Command> self = ctx.getSelf();
    Object me = incarnation;
    deps.log().resubscribe(e -> self.tell(new EventStored(e, me)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EventStored.class, this::onEventStored)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(GetProgress.class, this::onGetProgress)
        .build();
  }

  private Behavior<Command> onEventStored(EventStored msg) {
    if (msg.incarnation() != incarnation) {
      return this; // told to a predecessor; the log handed it to this incarnation too
    }
    StoredEvent e = msg.event();
    Optional<LiveEvent> parsed = paths.liveEvent(e);
    if (parsed.isEmpty()) {
      // The route only stores JSON for registered paths; this is an event stored by another version.
      getContext().getLog().warn("live event {} on {} has no processor or no JSON body; dropped", e.offset(), e.path());
      deps.log().done(e.offset());
      return this;
    }
    LiveEvent live = parsed.get();
    List<LiveEventProcessor> processors = deps.processors().get(live.path());
    String k = PartitionKey.of(live.path(), processors, live);
    queues.computeIfAbsent(k, x -> new ArrayDeque<>()).add(new Work(k, e, live, processors));
    queued++;
    if (!active.contains(k)) {
      waiting.add(k);
    }
    pump();
    return this;
  }

  private Behavior<Command> onFinished(Finished msg) {
    if (msg.incarnation() != incarnation) {
      return this; // a predecessor's work; this incarnation handles the event again unless it is done
    }
    active.remove(msg.key());
    if (msg.error().isEmpty()) {
      deps.log().done(msg.event().offset());
      deps.counters().processed.increment();
    }
    ArrayDeque<Work> q = queues.get(msg.key());
    if (q != null && !q.isEmpty()) {
      waiting.add(msg.key());
    } else {
      queues.remove(msg.key());
    }
    pump();
    return this;
  }

  private Behavior<Command> onGetProgress(GetProgress msg) {
    msg.replyTo().tell(new Progress(queued, active.size(), queues.size()));
    return this;
  }

  private void pump() {
    while (active.size() < deps.parallelism() && !waiting.isEmpty()) {
      String key = waiting.iterator().next();
      waiting.remove(key);
      Work w = queues.get(key).poll();
      queued--;
      active.add(key);
      getContext().pipeToSelf(process(w), (error, failure) -> new Finished(key, w.event(),
          failure != null ? Optional.of(describe(failure)) : error, incarnation));
    }
  }

  /** Handles one event; completes with the error that dead-lettered it, or empty on success. */
  private CompletionStage<Optional<String>> process(Work w) {
    // Calls into the integration for this event not finished yet: at the time limit, more than 0 means it hangs.
    AtomicInteger inIntegration = new AtomicInteger();
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    for (LiveEventProcessor p : w.processors()) {
      all = all.thenCompose(v -> processWith(p, w.live(), inIntegration));
    }
    long budget = deps.settings().maxEventProcessing().toMillis();
    return all.orTimeout(budget, TimeUnit.MILLISECONDS)
        .handle((v, failure) -> Optional.ofNullable(failure))
        .thenCompose(failure -> {
          if (failure.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.<String>empty());
          }
          String error = describe(failure.get());
          boolean hung = Failures.unwrap(failure.get()) instanceof TimeoutException && inIntegration.get() > 0;
          LOG.warn("live event {} on {} dead-lettered: {}", w.event().offset(), w.event().path(), error);
          deps.counters().deadLettered.increment();
          // Reported once the event is out of the way: an instance started again is not handed it again.
          return deps.log().deadLetter(w.event(), error).thenApply(d -> {
            if (hung) {
              deps.hung().accept(new SpiCalls.Limit(deps.settings().maxEventProcessing(),
                  "ocean.live-events.max-event-processing").exceeded("the live-event processor of /integration"
                  + w.event().path() + " (event " + w.event().offset() + ")"));
            }
            return Optional.of(error);
          });
        });
  }

  private CompletableFuture<Void> processWith(LiveEventProcessor p, LiveEvent event, AtomicInteger inIntegration) {
    return integrationCall(inIntegration, () -> CompletableFuture.completedFuture(
            p.validate(event.payload()) ? p.kinds(event) : Set.<String>of()))
        .thenCompose(kinds -> {
          if (kinds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
          }
          return deps.mapping().current().toCompletableFuture().thenCompose(current -> {
            MappingPlan plan = current.plan();
            List<CompletableFuture<?>> perKind = new ArrayList<>();
            for (String kind : kinds) {
              List<CompiledResource> resources = plan.resources().stream().filter(r -> r.kind().equals(kind)).toList();
              if (resources.isEmpty()) {
                continue;
              }
              if (!perResource.contains(p)) {
                perKind.add(attempt(() -> p.handle(event, kind), kind, plan, 0, inIntegration));
                continue;
              }
              // Each resource sees its own selector and maps only what was handled for it (as Ocean).
              ResyncScope scope = ResyncScope.open(deps.sources(), "live-event-" + event.id(),
                  resources.stream().map(r -> mapped(current.config(), r)).toList());
              for (CompiledResource r : resources) {
                Resource<?> resource = scope.resource(r.index());
                MappingPlan one = new MappingPlan(List.of(r), plan.merge(), plan.createMissingRelatedEntities(),
                    plan.deleteDependentEntities(), plan.entityDeletionThreshold());
                perKind.add(attempt(() -> p.handle(event, resource), kind, one, 0, inIntegration));
              }
            }
            return CompletableFuture.allOf(perKind.toArray(new CompletableFuture[0]));
          });
        });
  }

  /** Whether {@code p} handles each resource ({@link LiveEventProcessor#handle(LiveEvent, Resource)} overridden). */
  private static boolean handlesEachResource(LiveEventProcessor p) {
    try {
      return p.getClass().getMethod("handle", LiveEvent.class, Resource.class).getDeclaringClass()
          != LiveEventProcessor.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static Resync.MappedResource mapped(JsonNode config, CompiledResource r) {
    JsonNode selector = config == null ? null : config.path("resources").path(r.index()).path("selector");
    return new Resync.MappedResource(r.index(), r.kind(), selector instanceof ObjectNode o
        ? o : JSON.createObjectNode());
  }

  /**
   * Calls into the integration on the processors' threads, counted in {@code inIntegration} until the stage it
   * returned completes.
   */
  private <T> CompletableFuture<T> integrationCall(AtomicInteger inIntegration,
      Supplier<? extends CompletionStage<T>> call) {
    inIntegration.incrementAndGet();
    CompletableFuture<T> result = CompletableFuture.supplyAsync(call, deps.executor())
        .thenCompose(stage -> stage);
    result.whenComplete((v, failure) -> inIntegration.decrementAndGet());
    return result;
  }

  private CompletableFuture<Void> attempt(Supplier<CompletionStage<LiveEventResult>> handle, String kind,
      MappingPlan plan, int retry, AtomicInteger inIntegration) {
    CompletableFuture<Void> once = integrationCall(inIntegration, handle)
        .thenCompose(result -> apply(plan, kind, result));
    return once.handle((v, failure) -> failure)
        .thenCompose(failure -> {
          if (failure == null) {
            return CompletableFuture.completedFuture(null);
          }
          deps.counters().failed.increment();
          Throwable cause = Failures.unwrap(failure);
          if (!retriable(cause) || retry >= deps.settings().maxRetries()) {
            return CompletableFuture.failedFuture(cause);
          }
          long delay = Math.min(deps.settings().retryMaxDelay().toMillis(),
              deps.settings().retryBaseDelay().toMillis() << Math.min(retry, 20));
          Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, deps.executor());
          return CompletableFuture.supplyAsync(() -> null, later)
              .thenCompose(x -> attempt(handle, kind, plan, retry + 1, inIntegration));
        });
  }

  private CompletableFuture<Void> apply(MappingPlan plan, String kind, LiveEventResult result) {
    if (result == null) {
      return CompletableFuture.completedFuture(null);
    }
    List<JsonNode> up = result.upserted().stream().map(deps.toJson()).toList();
    List<JsonNode> del = result.deleted().stream().map(deps.toJson()).toList();
    return deps.writer().apply(plan, kind, up, del).toCompletableFuture().thenAccept(applied -> {
      deps.counters().upserted.add(applied.upserted());
      deps.counters().deleted.add(applied.deleted());
    });
  }

  /** A bad event or mapping, or Port's final refusal, gives the same result every time: no retry. */
  private static boolean retriable(Throwable cause) {
    return !(cause instanceof IllegalArgumentException
        || cause instanceof LiveEventWriter.PortRefused
        || cause instanceof PortApiException e && LiveEventWriter.permanent(e.status()));
  }

  private static String describe(Throwable t) {
    if (Failures.unwrap(t) instanceof TimeoutException) {
      return "processing did not finish within ocean.live-events.max-event-processing";
    }
    return Failures.describe(t);
  }
}

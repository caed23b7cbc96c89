package dev.oceanj.runtime;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.AbortResync;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.Status;
import dev.oceanj.actors.trigger.TriggerInfo;
import dev.oceanj.actors.trigger.kafka.KafkaSettings;
import dev.oceanj.actors.trigger.kafka.KafkaTrigger;
import dev.oceanj.actors.trigger.once.OnceTrigger;
import dev.oceanj.actors.trigger.polling.PollingTrigger;
import dev.oceanj.actors.trigger.schedule.ScheduleTrigger;
import dev.oceanj.actors.trigger.webhook.WebhookTrigger;
import dev.oceanj.core.config.EventListenerType;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.runtime.http.Readiness;
import dev.oceanj.runtime.http.ResyncRoutes;
import dev.oceanj.runtime.http.StatusRoutes;
import dev.oceanj.runtime.live.LiveEvents;
import dev.oceanj.runtime.telemetry.SyncTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * One integration instance, built from its own {@link OceanSettings}: the integration supervisor, the trigger of its
 * connection mode (plus the schedule when {@code ocean.scheduled-resync-interval} is set), the progress reporter,
 * its sync telemetry and, when HTTP is served, its live events (the draining actor is this actor's supervised
 * child). What is per process (the HTTP server, {@code /health}, {@code /metrics}, the exit of a ONCE run) is the
 * host's: this actor tells it through {@link Report}s ({@link Started} with the instance's routes, then
 * {@link OnceFinished} in ONCE mode).
 *
 * <p>It relies on no parent and no name: {@link #create(Wiring, ActorRef)} from prepared parts, or
 * {@link #create(CompletionStage, ActorRef)} from parts still being prepared (commands wait until they are), so a
 * host guardian, a reload, or a Cluster Sharding entity factory ({@code identifier -> Behavior}) can spawn it.
 *
 * <p>{@link Stop} (a reload removed or changed the instance) aborts the running resync (reported {@code aborted},
 * nothing deleted) and stops. A graceful shutdown of the system does the same through CoordinatedShutdown tasks
 * this actor registers (and cancels when it stops first): the abort before the server unbinds, the last sync
 * figures and the live-event log's checkpoint after.
 *
 * <p>Failures: it watches its children, and one that fails for good (a trigger, the progress reporter; the
 * supervisor and the live-event dispatcher restart after their own failures) fails the instance, whose host sees it
 * stop. It subscribes to its supervisor's ended resyncs and reports {@link ResyncCompleted} and {@link Hung} (a
 * resync ended on a call into the integration past its time limit); the host decides what follows.
 */
public final class Instance extends AbstractBehavior<Instance.Command> {

  /** Messages of an instance. */
  public sealed interface Command {}

  /**
   * Aborts the running resync (reported {@code aborted}, nothing deleted), then stops; {@code replyTo} hears
   * {@code Done} once the abort was confirmed (or timed out), just before the actor stops.
   */
  public record Stop(String reason, ActorRef<Done> replyTo) implements Command {}

  /** What an instance tells its host. */
  public sealed interface Report {
    /** The instance's identifier ({@code ocean.integration.identifier}). */
    String identifier();
  }

  /** The instance runs: its routes are ready to be mounted. */
  public record Started(String identifier, Routes routes) implements Report {}

  /** The instance could not be prepared (its parts failed to build); it stopped. */
  public record StartFailed(String identifier, Throwable cause) implements Report {}

  /** ONCE: the one resync ended. */
  public record OnceFinished(String identifier, ResyncFinished finished) implements Report {}

  /**
   * A resync ended, or a live event was given up, because a call into the integration exceeded its time limit (a hung
   * 3rd party); the instance keeps running until its host stops it ({@code ocean.host.restart-on-hang}).
   *
   * @param hungCall the call, naming the integration, what was called and the setting that bounds it
   */
  public record Hung(String identifier, String hungCall) implements Report {}

  /** A resync completed: the host counts the instance's failures in a row from zero again. */
  public record ResyncCompleted(String identifier) implements Report {}

  private record Prepared(Wiring wiring) implements Command {}

  private record PrepareFailed(Throwable cause) implements Command {}

  private record Aborted(ActorRef<Done> replyTo) implements Command {}

  private record OnceResync(ResyncFinished finished) implements Command {}

  private record Ended(ResyncProtocol.ResyncEnded ended) implements Command {}

  private record LiveEventHung(String hungCall) implements Command {}

  /**
   * What the instance's HTTP surface needs, for the host to mount.
   *
   * @param resync {@code POST /resync} (404 unless the listener is WEBHOOK)
   * @param status {@code GET /status}
   * @param liveEvents the live-event routes ({@code /integration/...} webhooks and {@code /live-events/...} dead
   *     letters), when the integration registered processors
   * @param refreshMetrics pulls the supervisor's current state into the metrics gauges (before a scrape)
   */
  public record Routes(ResyncRoutes resync, StatusRoutes status, Optional<LiveRoutes> liveEvents,
      Supplier<CompletionStage<Void>> refreshMetrics) {}

  /** The live-event routes of an instance: webhooks (under the path prefix) and the dead letters (admin). */
  public record LiveRoutes(Route webhooks, Route deadLetters) {}

  /**
   * Everything one instance wires together, prepared outside the actor (see {@code OceanRuntime}).
   *
   * @param settings the instance's validated settings; {@code settings.effective()} says which listener runs and
   *     whether its routes are served
   * @param port the instance's Port client
   * @param supervisor the integration supervisor's behaviour
   * @param metrics where the instance's resync gauges go
   * @param readiness what {@code /status} reports about Port (reachable, integration and mapping there)
   * @param info fixed facts for {@code /status}
   * @param pollingWatermark the resync request already handled, for POLLING without resync-on-start
   * @param liveEvents starts live events (log, draining actor, routes) when the integration registered
   *     live-event processors, the draining actor as this actor's supervised child; the second argument is told
   *     (from any thread) a live event's hung call into the integration
   * @param telemetry reports each resync's sync metrics and a heartbeat to Port (off: empty)
   * @param print where user-facing lines go (the progress of a ONCE run)
   * @param release gives the instance's resources back (its Port client, integration, pools), once; the host runs
   *     it when the instance stopped
   */
  public record Wiring(
      OceanSettings settings,
      PortClient port,
      Behavior<ResyncProtocol.Command> supervisor,
      OceanMetrics metrics,
      Readiness readiness,
      StatusRoutes.RuntimeInfo info,
      Optional<Instant> pollingWatermark,
      Optional<BiFunction<ActorContext<?>, Consumer<String>, LiveEvents>> liveEvents,
      Optional<SyncTelemetry> telemetry,
      Consumer<String> print,
      Runnable release) {

    /** The listener that runs (the embedded default may have turned POLLING into ONCE). */
    EventListenerType listenerType() {
      return settings.effective().listener();
    }

    /** {@code ocean.integration.identifier}. */
    public String identifier() {
      return settings.integration().identifier();
    }
  }

  /**
   * The triggers' and the schedule's details for {@code /status}, and the WEBHOOK trigger {@code POST /resync}
   * feeds (empty in the other modes).
   */
  private record Triggers(Supplier<CompletionStage<Optional<TriggerInfo>>> listenerInfo,
      Supplier<CompletionStage<Optional<TriggerInfo>>> scheduleInfo,
      Optional<ActorRef<WebhookTrigger.Command>> webhook) {}

  private final Wiring wiring;
  private final ActorRef<Report> reports;
  /** {@code ocean.timeouts.ask}: every question this instance and its routes ask an actor. */
  private final Duration askTimeout;
  private final List<Cancellable> shutdownTasks = new ArrayList<>();
  private final List<Runnable> onStop = new ArrayList<>();
  private ActorRef<ResyncProtocol.Command> supervisor;
  /** Guarded by this: set by the first {@link #flushTelemetry()} (called from shutdown threads too). */
  private CompletionStage<Done> telemetryFlushed;

  private Instance(ActorContext<Command> context, Wiring wiring, ActorRef<Report> reports) {
    super(context);
    this.wiring = wiring;
    this.reports = reports;
    this.askTimeout = wiring.settings().timeouts().ask();
  }

  /** An instance from prepared parts. */
  public static Behavior<Command> create(Wiring wiring, ActorRef<Report> reports) {
    return Behaviors.setup(context -> {
      Instance instance = new Instance(context, wiring, reports);
      instance.start();
      return instance;
    });
  }

  /**
   * An instance whose parts are still being prepared (Port set-up, the integration's definition): commands wait
   * until they are; when they fail, {@link StartFailed} is reported and the actor stops.
   *
   * @param identifier the instance's identifier, for the failure report
   */
  public static Behavior<Command> create(String identifier, CompletionStage<Wiring> wiring,
      ActorRef<Report> reports) {
    return Behaviors.withStash(100, stash -> Behaviors.setup(context -> {
      context.pipeToSelf(wiring, (w, failure) -> failure == null ? new Prepared(w) : new PrepareFailed(failure));
      return Behaviors.receive(Command.class)
          .onMessage(Prepared.class, p -> stash.unstashAll(create(p.wiring(), reports)))
          .onMessage(PrepareFailed.class, f -> {
            reports.tell(new StartFailed(identifier, f.cause()));
            return Behaviors.stopped();
          })
          .onMessage(Command.class, c -> {
            stash.stash(c);
            return Behaviors.same();
          })
          .build();
    }));
  }

  /**
   * One init per feature, in order; then every child is watched: one that fails (the supervisor, which restarts
   * after its own failures, only when it cannot) fails the instance, so its host sees it and can start it again.
   */
  private void start() {
    supervisor = initSupervisor();
    Triggers triggers = initTriggers();
    initProgress();
    Routes routes = initRoutes(triggers);
    getContext().getChildren().forEach(child -> getContext().watch(child));
    reports.tell(new Started(wiring.identifier(), routes));
  }

  /** The integration supervisor, its sync telemetry, and the abort of a running resync at shutdown. */
  private ActorRef<ResyncProtocol.Command> initSupervisor() {
    ActorContext<Command> context = getContext();
    var system = context.getSystem();
    ActorRef<ResyncProtocol.ResyncEnded> ends = context.messageAdapter(ResyncProtocol.ResyncEnded.class, Ended::new);
    // Subscribed again by each incarnation: a restarted supervisor starts with no subscriber.
    Behavior<ResyncProtocol.Command> watched = Behaviors.setup(self -> {
      self.getSelf().tell(new ResyncProtocol.WatchResyncs(ends));
      return wiring.supervisor();
    });
    ActorRef<ResyncProtocol.Command> spawned = context.spawn(
        Behaviors.supervise(watched).onFailure(SupervisorStrategy.restart()), "supervisor");
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    wiring.telemetry().ifPresent(telemetry -> {
      telemetry.start(system, spawned);
      // After the resync was aborted or ended, and while the supervisor still answers: its last figures leave.
      shutdownTasks.add(shutdown.addCancellableTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
          "report-sync-metrics", () -> flushTelemetry()));
    });
    shutdownTasks.add(shutdown.addCancellableTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "abort-running-resync", () -> abort(spawned, "shutdown")));
    return spawned;
  }

  /** The last sync figures leave, once (a stop and then a system shutdown both ask for it). */
  private synchronized CompletionStage<Done> flushTelemetry() {
    if (telemetryFlushed == null) {
      telemetryFlushed = wiring.telemetry()
          .map(t -> t.stop(wiring.settings().timeouts().telemetryFlush()).thenApply(v -> Done.getInstance()))
          .orElseGet(() -> CompletableFuture.completedFuture(Done.getInstance()));
    }
    return telemetryFlushed;
  }

  private CompletionStage<Done> abort(ActorRef<ResyncProtocol.Command> target, String reason) {
    return AskPattern.<ResyncProtocol.Command, ResyncProtocol.Done>ask(target,
            replyTo -> new AbortResync(reason, replyTo), askTimeout, getContext().getSystem().scheduler())
        .handle((done, failure) -> Done.getInstance());
  }

  /** The trigger of the listener that runs, and the schedule when {@code ocean.scheduled-resync-interval} is set. */
  private Triggers initTriggers() {
    ActorContext<Command> context = getContext();
    OceanSettings settings = wiring.settings();
    EventListenerType type = wiring.listenerType();
    Supplier<CompletionStage<Optional<TriggerInfo>>> listenerInfo = () -> CompletableFuture.completedFuture(Optional.empty());
    Optional<ActorRef<WebhookTrigger.Command>> webhook = Optional.empty();
    String integrationType = settings.integration().type();
    String identifier = settings.integration().identifier();
    if (!settings.eventListener().shouldResync()) {
      context.getLog().info("Event listener {}: no resync is triggered (should-resync is off)", type);
    } else if (type == EventListenerType.ONCE) {
      ActorRef<ResyncFinished> report = context.messageAdapter(ResyncFinished.class, OnceResync::new);
      context.spawn(OnceTrigger.create(supervisor, report), "once");
    } else if (type == EventListenerType.POLLING) {
      var polling = context.spawn(PollingTrigger.create(supervisor, wiring.port()::resyncRequest,
          settings.eventListener().polling(), wiring.pollingWatermark()), "polling");
      listenerInfo = describe(polling, PollingTrigger.Describe::new);
    } else if (type == EventListenerType.WEBHOOK) {
      var trigger = context.spawn(WebhookTrigger.create(supervisor), "webhook");
      webhook = Optional.of(trigger);
      listenerInfo = describe(trigger, WebhookTrigger.Describe::new);
    } else if (type == EventListenerType.KAFKA) {
      var kafka = context.spawn(KafkaTrigger.create(supervisor,
          KafkaSettings.from(settings.eventListener().kafka()),
          KafkaTrigger.PortAccess.of(wiring.port()), integrationType, identifier), "kafka");
      listenerInfo = describe(kafka, KafkaTrigger.Describe::new);
    } else {
      context.getLog().info("Event listener {}: no resync is triggered", type);
    }

    Supplier<CompletionStage<Optional<TriggerInfo>>> scheduleInfo = () -> CompletableFuture.completedFuture(Optional.empty());
    if (settings.scheduledResyncInterval().isPresent() && settings.eventListener().shouldResync()
        && type != EventListenerType.ONCE) {
      var schedule = context.spawn(ScheduleTrigger.create(supervisor, settings.scheduledResyncInterval().get()),
          "schedule");
      scheduleInfo = describe(schedule, ScheduleTrigger.Describe::new);
    }
    return new Triggers(listenerInfo, scheduleInfo, webhook);
  }

  /** The progress reporter: to the user's output in ONCE mode, to the log otherwise. */
  private void initProgress() {
    EventListenerType type = wiring.listenerType();
    // Not context.getLog(): the reporter calls this from its own actor, outside this one.
    org.slf4j.Logger progressLog = org.slf4j.LoggerFactory.getLogger(ProgressReporter.class);
    Consumer<String> progressOut = type == EventListenerType.ONCE ? wiring.print() : progressLog::info;
    getContext().spawn(ProgressReporter.create(supervisor, wiring.metrics(), progressOut,
        wiring.settings().resync().progressInterval(), Clock.systemUTC()), "progress");
  }

  /**
   * The instance's routes, and its live events when its routes are served ({@code settings.effective().serveHttp()})
   * and the integration registered processors.
   */
  private Routes initRoutes(Triggers triggers) {
    OceanSettings settings = wiring.settings();
    ActorContext<Command> context = getContext();
    var system = context.getSystem();
    var resync = new ResyncRoutes(triggers.webhook(), wiring.listenerType().name(),
        settings.eventListener().webhook().token(), settings.http().adminToken(), askTimeout,
        settings.timeouts().resyncWait(), settings.http().maxRequestBodySize(), system.scheduler());
    var status = new StatusRoutes(wiring.info(), supervisor, triggers.listenerInfo(), triggers.scheduleInfo(),
        askTimeout, system.scheduler(), Clock.systemUTC()).withChecks(wiring.readiness());
    Optional<LiveRoutes> liveRoutes = Optional.empty();
    if (settings.effective().serveHttp() && wiring.liveEvents().isPresent()) {
      ActorRef<Command> self = context.getSelf();
      // Through this actor, so that a stopped instance's late timeouts reach no one (its successor is another actor).
      LiveEvents events = wiring.liveEvents().get().apply(context, call -> self.tell(new LiveEventHung(call)));
      // After the server unbound: nothing appends any more, and a last checkpoint is written.
      shutdownTasks.add(CoordinatedShutdown.get(system).addCancellableTask(
          CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-live-events", () -> {
            events.close();
            return CompletableFuture.completedFuture(Done.getInstance());
          }));
      onStop.add(events::close);
      status = status.withLiveEvents(events::status);
      liveRoutes = Optional.of(new LiveRoutes(events.routes().webhookRoutes(), events.routes().deadLetterRoutes()));
    }
    return new Routes(resync, status, liveRoutes, this::refreshMetrics);
  }

  private CompletionStage<Void> refreshMetrics() {
    var system = getContext().getSystem();
    OceanMetrics metrics = wiring.metrics();
    return AskPattern.<ResyncProtocol.Command, Status>ask(supervisor, ResyncProtocol.GetStatus::new, askTimeout,
            system.scheduler())
        .thenAccept(status -> {
          status.last().ifPresent(metrics::recordFinished);
          status.running().ifPresent(metrics::recordProgress);
        });
  }

  private <T> Supplier<CompletionStage<Optional<TriggerInfo>>> describe(
      ActorRef<T> trigger, Function<ActorRef<TriggerInfo>, T> message) {
    var scheduler = getContext().getSystem().scheduler();
    return () -> AskPattern.<T, TriggerInfo>ask(trigger, message::apply, askTimeout, scheduler).thenApply(Optional::of);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(OnceResync.class, this::onOnceResync)
        .onMessage(Ended.class, this::onEnded)
        .onMessage(LiveEventHung.class, msg -> {
          reports.tell(new Hung(wiring.identifier(), msg.hungCall()));
          return this;
        })
        .onMessage(Stop.class, this::onStop)
        .onMessage(Aborted.class, this::onAborted)
        .onSignal(ChildFailed.class, this::onChildFailed)
        .onSignal(Terminated.class, this::onChildStopped)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onEnded(Ended msg) {
    ResyncProtocol.ResyncEnded ended = msg.ended();
    if (ended.finished().outcome() == ResyncProtocol.Outcome.COMPLETED) {
      reports.tell(new ResyncCompleted(wiring.identifier()));
    }
    ended.hungCall().ifPresent(call -> reports.tell(new Hung(wiring.identifier(), call)));
    return this;
  }

  /** A child failed and was not restarted: the instance fails with it (its host decides what follows). */
  private Behavior<Command> onChildFailed(ChildFailed failed) {
    throw new IllegalStateException("its " + failed.getRef().path().name() + " actor failed: "
        + (failed.getCause().getMessage() == null ? failed.getCause().toString() : failed.getCause().getMessage()),
        failed.getCause());
  }

  /** A trigger may end on its own (ONCE); the supervisor never does while the instance runs. */
  private Behavior<Command> onChildStopped(Terminated stopped) {
    if (stopped.getRef().equals(supervisor)) {
      throw new IllegalStateException("its supervisor actor stopped");
    }
    return this;
  }

  private Behavior<Command> onOnceResync(OnceResync msg) {
    wiring.metrics().recordFinished(msg.finished());
    reports.tell(new OnceFinished(wiring.identifier(), msg.finished()));
    return this;
  }

  private Behavior<Command> onStop(Stop stop) {
    getContext().getLog().info("Stopping integration instance {}: {}", wiring.identifier(), stop.reason());
    getContext().pipeToSelf(abort(supervisor, stop.reason()).thenCompose(done -> flushTelemetry()),
        (done, failure) -> new Aborted(stop.replyTo()));
    return this;
  }

  private Behavior<Command> onAborted(Aborted aborted) {
    aborted.replyTo().tell(Done.getInstance());
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    shutdownTasks.forEach(Cancellable::cancel);
    onStop.forEach(Runnable::run);
    // A crashed instance was not stopped through Stop: its telemetry must not keep polling a supervisor that is gone.
    flushTelemetry();
    return this;
  }
}

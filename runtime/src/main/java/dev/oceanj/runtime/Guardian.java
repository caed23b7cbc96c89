package dev.oceanj.runtime;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.AbortResync;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
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
import dev.oceanj.runtime.http.HealthRoutes;
import dev.oceanj.runtime.http.MetricsRoutes;
import dev.oceanj.runtime.http.OceanRoutes;
import dev.oceanj.runtime.live.LiveEvents;
import dev.oceanj.runtime.http.OceanServer;
import dev.oceanj.runtime.http.Readiness;
import dev.oceanj.runtime.cluster.ClusterMode;
import dev.oceanj.runtime.telemetry.SyncTelemetry;
import dev.oceanj.runtime.http.ResyncRoutes;
import dev.oceanj.runtime.http.StatusRoutes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The root actor: spawns the integration's supervisor, the trigger of the configured connection mode (plus the
 * schedule when {@code ocean.scheduled-resync-interval} is set), the progress reporter, and binds the HTTP server
 * (not in ONCE mode unless {@code ocean.http.enabled = true}); with the server, when the integration registered
 * live-event processors, it starts live events, whose dispatcher is its child, restarted with backoff after a failure
 * ({@code LiveEvents.start}).
 *
 * <p>ONCE: the one {@link ResyncFinished} comes back here; the summary is printed, the exit code set (0 when the
 * resync completed, 1 when it failed or was aborted) and the system shut down. Graceful shutdown of any mode
 * runs a CoordinatedShutdown task that aborts the running resync (reported {@code aborted}, nothing deleted) and
 * waits for the supervisor to confirm.
 */
public final class Guardian extends AbstractBehavior<Guardian.Command> {

  /** Messages of the guardian; all internal. */
  public sealed interface Command {}

  private record OnceFinished(ResyncFinished finished) implements Command {}

  private record Bound(ServerBinding binding) implements Command {}

  private record BindFailed(Throwable cause) implements Command {}

  /**
   * Everything the guardian wires together, built by {@link OceanRuntime}.
   *
   * @param settings the validated settings; {@code settings.effective()} says which listener runs and whether the
   *     HTTP server is bound
   * @param port the integration's Port client
   * @param supervisor the integration supervisor's behaviour
   * @param metrics the {@code /metrics} registry
   * @param readiness what {@code /status} reports about Port (reachable, integration and mapping there)
   * @param reports where the guardian reports back to the runtime that started it
   * @param info fixed facts for {@code /status}
   * @param pollingWatermark the resync request already handled, for POLLING without resync-on-start
   * @param coreVersion reported by {@code /health}
   * @param liveEvents starts live events (log, draining actor, routes) when the integration registered
   *     live-event processors, the draining actor as the guardian's supervised child; mounted with the HTTP server
   * @param telemetry reports each resync's sync metrics and a heartbeat to Port (off: empty)
   */
  public record Wiring(
      OceanSettings settings,
      PortClient port,
      Behavior<ResyncProtocol.Command> supervisor,
      OceanMetrics metrics,
      Readiness readiness,
      Reports reports,
      StatusRoutes.RuntimeInfo info,
      Optional<Instant> pollingWatermark,
      String coreVersion,
      Optional<Function<ActorContext<?>, LiveEvents>> liveEvents,
      Optional<SyncTelemetry> telemetry) {

    /** The listener that runs (the embedded default may have turned POLLING into ONCE). */
    EventListenerType listenerType() {
      return settings.effective().listener();
    }
  }

  /**
   * Where the guardian reports back to the runtime that started it.
   *
   * @param print where user-facing lines (summary, progress) go
   * @param exitCode completed with the process exit code when the runtime decides it (ONCE, bind failure)
   * @param httpPort completed with the bound port, or empty when no server runs
   */
  public record Reports(Consumer<String> print, CompletableFuture<Integer> exitCode,
      CompletableFuture<Optional<Integer>> httpPort) {}

  /**
   * The triggers' and the schedule's details for {@code /status}, and the WEBHOOK trigger {@code POST /resync}
   * feeds (empty in the other modes).
   */
  private record Triggers(Supplier<CompletionStage<Optional<TriggerInfo>>> listenerInfo,
      Supplier<CompletionStage<Optional<TriggerInfo>>> scheduleInfo,
      Optional<ActorRef<WebhookTrigger.Command>> webhook) {}

  private final Wiring wiring;
  /** {@code ocean.timeouts.ask}: every question this guardian and its routes ask an actor. */
  private final Duration askTimeout;

  private Guardian(ActorContext<Command> context, Wiring wiring) {
    super(context);
    this.wiring = wiring;
    this.askTimeout = wiring.settings().timeouts().ask();
  }

  public static Behavior<Command> create(Wiring wiring) {
    return Behaviors.setup(context -> {
      Guardian guardian = new Guardian(context, wiring);
      guardian.start();
      return guardian;
    });
  }

  /** One init per feature, in order. */
  private void start() {
    ActorRef<ResyncProtocol.Command> supervisor = initSupervisor();
    Optional<ClusterMode> cluster = Optional.empty();
    Triggers triggers;
    if (wiring.settings().cluster().enabled()) {
      // Only the node that owns the instance runs its triggers (their details are not shown in /status then).
      cluster = Optional.of(ClusterMode.start(getContext(), wiring.settings(), supervisor,
          owner -> initTriggers(owner, supervisor)));
      Supplier<CompletionStage<Optional<TriggerInfo>>> none = () -> CompletableFuture.completedFuture(Optional.empty());
      triggers = new Triggers(none, none, Optional.empty());
    } else {
      triggers = initTriggers(getContext(), supervisor);
    }
    initProgress(supervisor);
    initHttp(supervisor, triggers, cluster);
  }

  /** The integration supervisor, its sync telemetry, and the abort of a running resync at shutdown. */
  private ActorRef<ResyncProtocol.Command> initSupervisor() {
    ActorContext<Command> context = getContext();
    var system = context.getSystem();
    ActorRef<ResyncProtocol.Command> supervisor = context.spawn(
        Behaviors.supervise(wiring.supervisor()).onFailure(SupervisorStrategy.restart()), "supervisor");
    wiring.telemetry().ifPresent(telemetry -> {
      telemetry.start(system, supervisor);
      // After the resync was aborted or ended, and while the supervisor still answers: its last figures leave.
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
          "report-sync-metrics",
          () -> telemetry.stop(wiring.settings().timeouts().telemetryFlush()).thenApply(v -> Done.getInstance()));
    });

    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "abort-running-resync",
        () -> AskPattern.<ResyncProtocol.Command, ResyncProtocol.Done>ask(supervisor,
                replyTo -> new AbortResync("shutdown", replyTo), askTimeout, system.scheduler())
            .handle((done, failure) -> Done.getInstance()));
    return supervisor;
  }

  /**
   * The trigger of the listener that runs, and the schedule when {@code ocean.scheduled-resync-interval} is set,
   * spawned in {@code context}: the guardian's, or in cluster mode the instance's on the node that owns it.
   */
  private Triggers initTriggers(ActorContext<?> context, ActorRef<ResyncProtocol.Command> supervisor) {
    OceanSettings settings = wiring.settings();
    EventListenerType type = wiring.listenerType();
    Supplier<CompletionStage<Optional<TriggerInfo>>> listenerInfo = () -> CompletableFuture.completedFuture(Optional.empty());
    Optional<ActorRef<WebhookTrigger.Command>> webhook = Optional.empty();
    String integrationType = settings.integration().type();
    String identifier = settings.integration().identifier();
    if (!settings.eventListener().shouldResync()) {
      context.getLog().info("Event listener {}: no resync is triggered (should-resync is off)", type);
    } else if (type == EventListenerType.ONCE) {
      ActorRef<ResyncFinished> report = getContext().messageAdapter(ResyncFinished.class, OnceFinished::new);
      context.spawn(OnceTrigger.create(supervisor, report), "once");
    } else if (type == EventListenerType.POLLING) {
      var polling = context.spawn(PollingTrigger.create(supervisor, wiring.port()::resyncRequest,
          settings.eventListener().polling(), wiring.pollingWatermark()), "polling");
      listenerInfo = describe(context, polling, PollingTrigger.Describe::new);
    } else if (type == EventListenerType.WEBHOOK) {
      var trigger = context.spawn(WebhookTrigger.create(supervisor), "webhook");
      webhook = Optional.of(trigger);
      listenerInfo = describe(context, trigger, WebhookTrigger.Describe::new);
    } else if (type == EventListenerType.KAFKA) {
      var kafka = context.spawn(KafkaTrigger.create(supervisor,
          KafkaSettings.from(settings.eventListener().kafka()),
          KafkaTrigger.PortAccess.of(wiring.port()), integrationType, identifier), "kafka");
      listenerInfo = describe(context, kafka, KafkaTrigger.Describe::new);
    } else {
      context.getLog().info("Event listener {}: no resync is triggered", type);
    }

    Supplier<CompletionStage<Optional<TriggerInfo>>> scheduleInfo = () -> CompletableFuture.completedFuture(Optional.empty());
    if (settings.scheduledResyncInterval().isPresent() && settings.eventListener().shouldResync()
        && type != EventListenerType.ONCE) {
      var schedule = context.spawn(ScheduleTrigger.create(supervisor, settings.scheduledResyncInterval().get()),
          "schedule");
      scheduleInfo = describe(context, schedule, ScheduleTrigger.Describe::new);
    }
    return new Triggers(listenerInfo, scheduleInfo, webhook);
  }

  /** The progress reporter: to the user's output in ONCE mode, to the log otherwise. */
  private void initProgress(ActorRef<ResyncProtocol.Command> supervisor) {
    EventListenerType type = wiring.listenerType();
    // Not context.getLog(): the reporter calls this from its own actor, outside the guardian.
    org.slf4j.Logger progressLog = org.slf4j.LoggerFactory.getLogger(ProgressReporter.class);
    Consumer<String> progressOut = type == EventListenerType.ONCE ? wiring.reports().print() : progressLog::info;
    getContext().spawn(ProgressReporter.create(supervisor, wiring.metrics(), progressOut,
        wiring.settings().resync().progressInterval(), Clock.systemUTC()), "progress");
  }

  /** The HTTP server (routes, live events) unless {@code settings.effective().serveHttp()} is off. */
  private void initHttp(ActorRef<ResyncProtocol.Command> supervisor, Triggers triggers,
      Optional<ClusterMode> cluster) {
    OceanSettings settings = wiring.settings();
    if (!settings.effective().serveHttp()) {
      wiring.reports().httpPort().complete(Optional.empty());
      return;
    }
    ActorContext<Command> context = getContext();
    var system = context.getSystem();
    var resync = new ResyncRoutes(triggers.webhook(), wiring.listenerType().name(),
        settings.eventListener().webhook().token(), settings.http().adminToken(), askTimeout,
        settings.timeouts().resyncWait(), settings.http().maxRequestBodySize(), system.scheduler());
    var health = new HealthRoutes(wiring.coreVersion());
    var metrics = new MetricsRoutes(wiring.metrics(), () -> refreshMetrics(supervisor));
    var status = new StatusRoutes(wiring.info(), supervisor, triggers.listenerInfo(), triggers.scheduleInfo(),
        askTimeout, system.scheduler(), Clock.systemUTC()).withChecks(wiring.readiness());
    if (cluster.isPresent()) {
      status = status.withCluster(cluster.get()::status);
    }
    Optional<LiveEvents> live = wiring.liveEvents().map(start -> start.apply(context));
    if (live.isPresent()) {
      LiveEvents events = live.get();
      // After the server unbound: nothing appends any more, and a last checkpoint is written.
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
          "close-live-events", () -> {
            events.close();
            return CompletableFuture.completedFuture(Done.getInstance());
          });
      status = status.withLiveEvents(events::status);
    }
    var routes = new OceanRoutes(resync, health, metrics, status, settings.pathPrefix(), wiring.metrics())
        .withAdminToken(settings.http().adminToken());
    if (live.isPresent()) {
      routes = routes.withPrefixedRoutes(live.get().routes().webhookRoutes())
          .withAdminRoutes(live.get().routes().deadLetterRoutes());
    }
    context.pipeToSelf(OceanServer.start(routes.routes(), settings.http(), settings.timeouts().httpDrain(), system),
        (binding, failure) -> failure == null ? new Bound(binding) : new BindFailed(failure));
  }

  private CompletionStage<Void> refreshMetrics(ActorRef<ResyncProtocol.Command> supervisor) {
    var system = getContext().getSystem();
    OceanMetrics metrics = wiring.metrics();
    return AskPattern.<ResyncProtocol.Command, Status>ask(supervisor, ResyncProtocol.GetStatus::new, askTimeout,
            system.scheduler())
        .thenAccept(status -> {
          status.last().ifPresent(metrics::recordFinished);
          status.running().ifPresent(metrics::recordProgress);
        });
  }

  private <T> Supplier<CompletionStage<Optional<TriggerInfo>>> describe(ActorContext<?> context,
      ActorRef<T> trigger, Function<ActorRef<TriggerInfo>, T> message) {
    var scheduler = context.getSystem().scheduler();
    return () -> AskPattern.<T, TriggerInfo>ask(trigger, message::apply, askTimeout, scheduler).thenApply(Optional::of);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(OnceFinished.class, this::onOnceFinished)
        .onMessage(Bound.class, this::onBound)
        .onMessage(BindFailed.class, this::onBindFailed)
        .build();
  }

  private Behavior<Command> onOnceFinished(OnceFinished msg) {
    ResyncFinished finished = msg.finished();
    wiring.metrics().recordFinished(finished);
    wiring.reports().print().accept(ResyncSummary.render(finished));
    wiring.reports().exitCode().complete(finished.outcome() == Outcome.COMPLETED ? 0 : 1);
    CoordinatedShutdown.get(getContext().getSystem()).run(Stop.ONCE_RESYNC_FINISHED);
    return this;
  }

  private Behavior<Command> onBound(Bound bound) {
    int port = bound.binding().localAddress().getPort();
    getContext().getLog().info("HTTP server listening on {}:{}", wiring.settings().http().host(), port);
    wiring.reports().httpPort().complete(Optional.of(port));
    return this;
  }

  private Behavior<Command> onBindFailed(BindFailed failed) {
    getContext().getLog().error("Cannot bind the HTTP server to {}:{} (ocean.http.port / APPLICATION__PORT): {}",
        wiring.settings().http().host(), wiring.settings().http().port(), failed.cause().getMessage());
    wiring.reports().httpPort().completeExceptionally(failed.cause());
    wiring.reports().exitCode().complete(2);
    CoordinatedShutdown.get(getContext().getSystem()).run(Stop.HTTP_PORT_UNAVAILABLE);
    return this;
  }

  /** Why the guardian stopped the system. */
  private enum Stop implements CoordinatedShutdown.Reason { ONCE_RESYNC_FINISHED, HTTP_PORT_UNAVAILABLE }
}

package dev.oceanj.runtime;

import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.core.config.EventListenerType;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.runtime.cluster.ClusterMode;
import dev.oceanj.runtime.http.HealthRoutes;
import dev.oceanj.runtime.http.MetricsRoutes;
import dev.oceanj.runtime.http.OceanRoutes;
import dev.oceanj.runtime.http.OceanServer;
import dev.oceanj.runtime.http.ResyncRoutes;
import dev.oceanj.runtime.http.StatusRoutes;
import dev.oceanj.runtime.live.LiveEvents;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The root actor: what is per process. It spawns one {@link Instance} per integration instance (each with its
 * supervisor, triggers, progress reporter, sync telemetry and live events), and once they all started binds the
 * one HTTP server with their routes, {@code /health} and {@code /metrics} (not in ONCE mode unless
 * {@code ocean.http.enabled = true}).
 *
 * <p>ONCE: each instance's {@link Instance.OnceFinished} comes back here; its summary is printed, and when every
 * instance's resync ended the exit code is set (0 when all completed, 1 when one failed or was aborted) and the
 * system shut down. Graceful shutdown of any mode aborts the running resyncs through the instances' own
 * CoordinatedShutdown tasks (reported {@code aborted}, nothing deleted).
 *
 * <p>Cluster mode ({@code ocean.cluster.enabled}): the instances are Cluster Sharding entities instead of children,
 * each running as an {@link Instance} on the node that owns it ({@link ClusterMode}); the server binds at once, and
 * its {@code /status} says where each instance runs.
 */
public final class Guardian extends AbstractBehavior<Guardian.Command> {

  /** Messages of the guardian; all internal. */
  public sealed interface Command {}

  private record FromInstance(Instance.Report report) implements Command {}

  private record Bound(ServerBinding binding) implements Command {}

  private record BindFailed(Throwable cause) implements Command {}

  /**
   * Everything the guardian wires together, built by {@link OceanRuntime}.
   *
   * @param settings the process's settings (HTTP server, path prefix, admin token, timeouts)
   * @param metrics the {@code /metrics} registry
   * @param reports where the guardian reports back to the runtime that started it
   * @param coreVersion reported by {@code /health}
   * @param instances the instances to run (one, mounted at the root as always, when not in host mode)
   */
  public record Wiring(
      OceanSettings settings,
      OceanMetrics metrics,
      Reports reports,
      String coreVersion,
      List<Instance.Wiring> instances) {

    public Wiring {
      instances = List.copyOf(instances);
      if (instances.size() != 1) {
        throw new IllegalArgumentException("one instance expected, got " + instances.size());
      }
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

  private final Wiring wiring;
  private final ActorRef<Instance.Report> reports;
  /** The running instances' routes, by identifier, in start order. */
  private final Map<String, Instance.Routes> routes = new LinkedHashMap<>();
  /** ONCE instances whose resync has not ended yet. */
  private final Set<String> onceRunning = new LinkedHashSet<>();
  private boolean onceFailed;
  private boolean httpStarted;
  private Optional<ClusterMode> cluster = Optional.empty();

  private Guardian(ActorContext<Command> context, Wiring wiring) {
    super(context);
    this.wiring = wiring;
    this.reports = context.messageAdapter(Instance.Report.class, FromInstance::new);
  }

  public static Behavior<Command> create(Wiring wiring) {
    return Behaviors.setup(context -> {
      Guardian guardian = new Guardian(context, wiring);
      guardian.start();
      return guardian;
    });
  }

  private void start() {
    if (wiring.settings().cluster().enabled()) {
      cluster = Optional.of(ClusterMode.start(getContext(), wiring.settings(), wiring.instances()));
      startHttp();
      return;
    }
    boolean allOnce = true;
    for (Instance.Wiring instance : wiring.instances()) {
      boolean once = instance.listenerType() == EventListenerType.ONCE
          && instance.settings().eventListener().shouldResync();
      allOnce &= once;
      if (once) {
        onceRunning.add(instance.identifier());
      }
      getContext().spawn(Instance.create(instance, reports), actorName(instance.identifier()));
    }
    if (!allOnce) {
      onceRunning.clear();
    }
  }

  /** A stable, valid actor name for an instance. */
  static String actorName(String identifier) {
    return "instance-" + java.net.URLEncoder.encode(identifier, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The HTTP server with every instance's routes, unless {@code settings.effective().serveHttp()} is off. */
  private void startHttp() {
    httpStarted = true;
    OceanSettings settings = wiring.settings();
    if (!settings.effective().serveHttp()) {
      wiring.reports().httpPort().complete(Optional.empty());
      return;
    }
    var system = getContext().getSystem();
    if (cluster.isPresent()) {
      startClusteredHttp(cluster.get());
      return;
    }
    Instance.Routes instance = routes.values().iterator().next();
    var health = new HealthRoutes(wiring.coreVersion());
    var metrics = new MetricsRoutes(wiring.metrics(), instance.refreshMetrics());
    var all = new OceanRoutes(instance.resync(), health, metrics, instance.status(), settings.pathPrefix(),
        wiring.metrics()).withAdminToken(settings.http().adminToken());
    if (instance.liveEvents().isPresent()) {
      all = all.withPrefixedRoutes(instance.liveEvents().get().webhooks())
          .withAdminRoutes(instance.liveEvents().get().deadLetters());
    }
    getContext().pipeToSelf(OceanServer.start(all.routes(), settings.http(), settings.timeouts().httpDrain(), system),
        (binding, failure) -> failure == null ? new Bound(binding) : new BindFailed(failure));
  }

  /**
   * Cluster mode's server: {@code /status} as {@link ClusterMode} makes it, {@code /metrics} refreshed from the
   * instance where it runs here, no {@code POST /resync} (WEBHOOK is refused in cluster mode), and the live events
   * on every node: processing one needs only the instance's definition, which every node has (the Kafka intake
   * shares them out over the nodes; the local log processes what its own node acknowledged).
   */
  private void startClusteredHttp(ClusterMode cluster) {
    OceanSettings settings = wiring.settings();
    var system = getContext().getSystem();
    Instance.Wiring instance = wiring.instances().get(0);
    var timeouts = settings.timeouts();
    var resync = new ResyncRoutes(Optional.empty(), instance.settings().effective().listener().name(),
        settings.eventListener().webhook().token(), settings.http().adminToken(), timeouts.ask(),
        timeouts.resyncWait(), settings.http().maxRequestBodySize(), system.scheduler());
    var metrics = new MetricsRoutes(wiring.metrics(), () -> cluster.local(instance.identifier())
        .map(r -> r.refreshMetrics().get()).orElseGet(() -> CompletableFuture.completedFuture(null)));
    Optional<LiveEvents> live = instance.liveEvents().map(start -> start.apply(getContext()));
    live.ifPresent(events -> CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-live-events", () -> {
          events.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        }));
    var status = StatusRoutes.of(() -> cluster.status(instance.identifier()).thenApply(body -> {
      live.ifPresent(events -> body.set("liveEvents", events.status()));
      return body;
    }), timeouts.ask());
    var all = new OceanRoutes(resync, new HealthRoutes(wiring.coreVersion()), metrics, status, settings.pathPrefix(),
        wiring.metrics()).withAdminToken(settings.http().adminToken());
    if (live.isPresent()) {
      all = all.withPrefixedRoutes(live.get().routes().webhookRoutes())
          .withAdminRoutes(live.get().routes().deadLetterRoutes());
    }
    getContext().pipeToSelf(OceanServer.start(all.routes(), settings.http(), timeouts.httpDrain(), system),
        (binding, failure) -> failure == null ? new Bound(binding) : new BindFailed(failure));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromInstance.class, this::onFromInstance)
        .onMessage(Bound.class, this::onBound)
        .onMessage(BindFailed.class, this::onBindFailed)
        .build();
  }

  private Behavior<Command> onFromInstance(FromInstance msg) {
    Instance.Report report = msg.report();
    if (report instanceof Instance.Started started) {
      routes.put(started.identifier(), started.routes());
      if (!httpStarted && routes.size() == wiring.instances().size()) {
        startHttp();
      }
    } else if (report instanceof Instance.StartFailed failed) {
      getContext().getLog().error("Integration instance {} could not start: {}", failed.identifier(),
          failed.cause().getMessage());
    } else if (report instanceof Instance.OnceFinished finished) {
      onOnceFinished(finished);
    }
    return this;
  }

  private void onOnceFinished(Instance.OnceFinished msg) {
    ResyncFinished finished = msg.finished();
    wiring.reports().print().accept(ResyncSummary.render(finished));
    onceFailed |= finished.outcome() != Outcome.COMPLETED;
    if (onceRunning.remove(msg.identifier()) && onceRunning.isEmpty()) {
      wiring.reports().exitCode().complete(onceFailed ? 1 : 0);
      CoordinatedShutdown.get(getContext().getSystem()).run(Stop.ONCE_RESYNC_FINISHED);
    }
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

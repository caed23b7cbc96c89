package dev.oceanj.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.core.config.EventListenerType;
import dev.oceanj.core.config.HostSettings;
import dev.oceanj.core.config.LiveEventSettings;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.runtime.cluster.ClusterMode;
import dev.oceanj.runtime.http.HealthRoutes;
import dev.oceanj.runtime.http.HostRoutes;
import dev.oceanj.runtime.http.MetricsRoutes;
import dev.oceanj.runtime.http.OceanRoutes;
import dev.oceanj.runtime.http.OceanServer;
import java.util.ArrayList;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The root actor: what is per process. It spawns one {@link Instance} per integration instance (each with its
 * supervisor, triggers, progress reporter, sync telemetry and live events), and once they all started binds the
 * one HTTP server with their routes, {@code /health} and {@code /metrics} (not in ONCE mode unless
 * {@code ocean.http.enabled = true}). In single mode the one instance's routes are at the root, as always; in host
 * mode each instance's are under {@code /<identifier>/}, {@code /status} lists them all, and {@link Reload}
 * re-reads the instance set: added instances start, removed ones stop (their running resync aborted, nothing
 * deleted), changed ones restart, and unchanged ones are not touched.
 *
 * <p>ONCE: each instance's {@link Instance.OnceFinished} comes back here; its summary is printed, and when every
 * instance's resync ended the exit code is set (0 when all completed, 1 when one failed or was aborted) and the
 * system shut down. Graceful shutdown of any mode aborts the running resyncs through the instances' own
 * CoordinatedShutdown tasks (reported {@code aborted}, nothing deleted).
 *
 * <p>Host mode keeps a failing instance from holding the others: an instance that could not start (its start hook
 * threw or hung past {@code ocean.host.spi-call-timeout}, its set-up in Port failed), that crashed while running
 * (its actor stopped unasked: an exception escaped it or a child it does not restart), or whose resync ended on a
 * hung call into its integration, or whose live event ran out of time inside one ({@link Instance.Hung},
 * {@code ocean.host.restart-on-hang}: the guardian stops it,
 * aborting its running work) is listed {@code failed} in {@code /status} with its error and prepared again after
 * {@code ocean.host.restart-min-backoff}, doubled after each next failure up to {@code restart-max-backoff}; the
 * failures count in a row until the instance reports a completed resync. The server binds and the other instances
 * run meanwhile. A ONCE instance is not started again: its failure fails the run's exit code. Instances stopped on
 * purpose (a reload removed or changed them, a shutdown) are not started again.
 *
 * <p>Cluster mode ({@code ocean.cluster.enabled}): the instances (one, or host mode's whole set) are Cluster
 * Sharding entities instead of children, each running as an {@link Instance} on the node that owns it
 * ({@link ClusterMode}); the server binds at once, every node serves every instance's routes, and {@code /status}
 * says where each instance runs. A reload in cluster mode reloads the set on every node
 * ({@link ClusterMode#reload}); each node's guardian then remounts the routes of the instances it changed.
 */
public final class Guardian extends AbstractBehavior<Guardian.Command> {

  /** Messages of the guardian. */
  public sealed interface Command {}

  /** Host mode: re-read the instance set and apply the difference; {@code replyTo} hears what changed. */
  public record Reload(String reason, ActorRef<Reloaded> replyTo) implements Command {}

  /**
   * What a reload did, by identifier; {@code error} when the instance set could not be read (then nothing changed).
   */
  public record Reloaded(List<String> added, List<String> removed, List<String> changed, List<String> unchanged,
      Optional<String> error) {}

  private record FromInstance(Instance.Report report) implements Command {}

  private record Bound(ServerBinding binding) implements Command {}

  private record BindFailed(Throwable cause) implements Command {}

  private record Reread(HostSettings host, Throwable failure, ActorRef<Reloaded> replyTo) implements Command {}

  private record InstancePrepared(HostSettings.InstanceSettings instance, Instance.Wiring wiring, Throwable failure)
      implements Command {}

  /** Cluster mode: a reload on this node changed these instances' routes. */
  private record ClusterRemount(ClusterMode.Remount remount) implements Command {}

  /** An instance actor stopped ({@link org.apache.pekko.actor.typed.ChildFailed} when it crashed). */
  private record InstanceStopped(org.apache.pekko.actor.typed.Terminated signal) implements Command {}

  /** The backoff of a failed instance ran out: prepare it again, unless a later failure or start overtook it. */
  private record RetryStart(String identifier, int attempts) implements Command {}

  /**
   * Host mode: an instance whose preparation failed at start (the others run; it is retried with backoff).
   *
   * @param instance its settings
   * @param cause why it failed
   */
  public record FailedStart(HostSettings.InstanceSettings instance, Throwable cause) {}

  /**
   * An instance to run: its settings' fingerprint (a reload restarts it only when that changes) and its parts.
   *
   * @param instance host mode: its settings, to prepare it again when it fails while running
   */
  public record Hosted(String fingerprint, Instance.Wiring wiring, Optional<HostSettings.InstanceSettings> instance) {

    /** An instance the guardian does not prepare again. */
    public Hosted(String fingerprint, Instance.Wiring wiring) {
      this(fingerprint, wiring, Optional.empty());
    }
  }

  /** Host mode's reload, which reads files and sets instances up in Port: the guardian calls it off its thread. */
  public interface Reloader {
    /** The instance set as the files and settings say now; throws {@code ConfigurationException}. */
    HostSettings reread();

    /** An added or changed instance's parts (blocking: its Port set-up). */
    Instance.Wiring prepare(HostSettings.InstanceSettings instance) throws Exception;
  }

  /**
   * Everything the guardian wires together, built by {@link OceanRuntime}.
   *
   * @param settings the process's settings (HTTP server, path prefix, admin token, timeouts)
   * @param metrics the {@code /metrics} registry
   * @param reports where the guardian reports back to the runtime that started it
   * @param coreVersion reported by {@code /health}
   * @param instances the instances to run (exactly one when not in host mode)
   * @param hostMode whether routes are per instance ({@code /<identifier>/...}) and {@code /status} a list
   * @param reloader re-reads the instance set (host mode)
   * @param failedAtStart host mode: the instances that could not be prepared at start
   */
  public record Wiring(
      OceanSettings settings,
      OceanMetrics metrics,
      Reports reports,
      String coreVersion,
      List<Hosted> instances,
      boolean hostMode,
      Optional<Reloader> reloader,
      List<FailedStart> failedAtStart) {

    /** No instance failed to start. */
    public Wiring(OceanSettings settings, OceanMetrics metrics, Reports reports, String coreVersion,
        List<Hosted> instances, boolean hostMode, Optional<Reloader> reloader) {
      this(settings, metrics, reports, coreVersion, instances, hostMode, reloader, List.of());
    }

    public Wiring {
      instances = List.copyOf(instances);
      failedAtStart = List.copyOf(failedAtStart);
      if (!hostMode && instances.size() != 1) {
        throw new IllegalArgumentException("one instance expected outside host mode, got " + instances.size());
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

  /** An instance that failed to start, waiting for its next start; read by the HTTP routes' threads. */
  private static final class Failed {
    final HostSettings.InstanceSettings instance;
    volatile String error;
    volatile int attempts;
    volatile Optional<java.time.Instant> nextAttempt = Optional.empty();

    Failed(HostSettings.InstanceSettings instance) {
      this.instance = instance;
    }
  }

  /** An instance the guardian runs. */
  private static final class Entry {
    final String fingerprint;
    final Instance.Wiring wiring;
    final ActorRef<Instance.Command> ref;
    /** Host mode: its settings, to prepare it again after a failure; null when it is not prepared again. */
    HostSettings.InstanceSettings instance;
    volatile String state = "starting";
    volatile Instance.Routes routes;
    /** Cluster mode: closes the live events this node takes for the instance (a reload removes or changes it). */
    volatile Runnable closeLive = () -> { };
    /** Cluster mode: tells its routes actor from a predecessor's. */
    int generation;
    /** Why the guardian is stopping it to start it again (a hung 3rd party); null otherwise. */
    volatile String failure;

    Entry(String fingerprint, Instance.Wiring wiring, ActorRef<Instance.Command> ref) {
      this.fingerprint = fingerprint;
      this.wiring = wiring;
      this.ref = ref;
    }
  }

  private final Wiring wiring;
  private final ActorRef<Instance.Report> reports;
  private final Executor blocking;
  /** The instances, by identifier, in start order; read by the HTTP routes' threads. */
  private final Map<String, Entry> entries = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  /** Host mode: instances that failed to start, by identifier, until they start or are removed. */
  private final Map<String, Failed> failed = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  /**
   * Host mode: failures in a row by identifier (failed starts, crashes, hung 3rd parties), for the restart backoff;
   * cleared when the instance completes a resync or a reload removes or changes it.
   */
  private final Map<String, Integer> strikes = new ConcurrentHashMap<>();
  /** Instances a reload restarts: the new settings, started once the old actor stopped. */
  private final Map<String, HostSettings.InstanceSettings> restarts = new ConcurrentHashMap<>();
  /** ONCE instances whose resync has not ended yet. */
  private final Set<String> onceRunning = new LinkedHashSet<>();
  private final int initialCount;
  private int initialReported;
  private boolean onceFailed;
  private boolean httpStarted;
  private boolean reloading;
  private int generation;
  private Optional<ClusterMode> cluster = Optional.empty();

  private Guardian(ActorContext<Command> context, Wiring wiring) {
    super(context);
    this.wiring = wiring;
    this.reports = context.messageAdapter(Instance.Report.class, FromInstance::new);
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.initialCount = wiring.instances().size();
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
      ActorRef<Command> self = getContext().getSelf();
      cluster = Optional.of(ClusterMode.start(getContext(), wiring.settings(), wiring.instances(),
          wiring.reloader(), remount -> self.tell(new ClusterRemount(remount))));
      // Every node serves every instance; the routes are set once each instance's live events started here.
      wiring.instances().forEach(h -> entries.put(h.wiring().identifier(), new Entry(h.fingerprint(), h.wiring(),
          null)));
      startHttp();
      return;
    }
    boolean allOnce = true;
    for (Hosted hosted : wiring.instances()) {
      Instance.Wiring instance = hosted.wiring();
      boolean once = instance.listenerType() == EventListenerType.ONCE
          && instance.settings().eventListener().shouldResync();
      allOnce &= once;
      if (once) {
        onceRunning.add(instance.identifier());
      }
      spawn(hosted.fingerprint(), instance, hosted.instance().orElse(null));
    }
    for (FailedStart f : wiring.failedAtStart()) {
      boolean once = f.instance().settings().effective().listener() == EventListenerType.ONCE
          && f.instance().settings().eventListener().shouldResync();
      allOnce &= once;
      onceFailed |= once;
      fail(f.instance(), f.cause());
    }
    if (!allOnce) {
      onceRunning.clear();
    } else if (onceRunning.isEmpty()) {
      // Every instance was a ONCE run that could not start: nothing is left to wait for.
      wiring.reports().exitCode().complete(1);
      CoordinatedShutdown.get(getContext().getSystem()).run(Stop.ONCE_RESYNC_FINISHED);
    }
    if (initialCount == 0) {
      startHttp();
    }
  }

  /**
   * Lists {@code instance} as failed with {@code cause} and, unless it is a ONCE run, prepares it again after the
   * backoff of its failures so far.
   */
  private void fail(HostSettings.InstanceSettings instance, Throwable cause) {
    fail(instance, cause, "could not start");
  }

  /**
   * {@link #fail(HostSettings.InstanceSettings, Throwable)} for any failure: a failed start, a crash, a hung 3rd
   * party ({@code what} says which in the log). The failures count in a row until the instance completes a resync.
   */
  private void fail(HostSettings.InstanceSettings instance, Throwable cause, String what) {
    String id = instance.identifier();
    Failed f = failed.computeIfAbsent(id, k -> new Failed(instance));
    f.attempts = strikes.merge(id, 1, Integer::sum);
    f.error = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    boolean once = instance.settings().effective().listener() == EventListenerType.ONCE;
    if (once || wiring.reloader().isEmpty()) {
      f.nextAttempt = Optional.empty();
      getContext().getLog().error("Integration instance {} ({}) {}: {}", id, instance.source(), what, f.error);
      return;
    }
    java.time.Duration backoff = wiring.settings().isolation().restartBackoff(f.attempts);
    f.nextAttempt = Optional.of(java.time.Instant.now().plus(backoff));
    getContext().getLog().error("Integration instance {} ({}) {} ({} failure{} in a row): {};"
        + " starting it again in {} ms", id, instance.source(), what, f.attempts, f.attempts == 1 ? "" : "s", f.error,
        backoff.toMillis());
    getContext().scheduleOnce(backoff, getContext().getSelf(), new RetryStart(id, f.attempts));
  }

  private Behavior<Command> onRetryStart(RetryStart retry) {
    Failed f = failed.get(retry.identifier());
    if (f != null && f.attempts == retry.attempts() && !entries.containsKey(retry.identifier())) {
      getContext().getLog().info("Starting integration instance {} again (after {} failure{} in a row)",
          retry.identifier(), f.attempts, f.attempts == 1 ? "" : "s");
      f.nextAttempt = Optional.empty();
      prepare(f.instance);
    }
    return this;
  }

  private void spawn(String fingerprint, Instance.Wiring instance, HostSettings.InstanceSettings settings) {
    ActorRef<Instance.Command> ref = getContext().spawn(Instance.create(instance, reports),
        actorName(instance.identifier(), generation++));
    // Watched, not watchWith: a crash's cause (ChildFailed) is what /status shows.
    getContext().watch(ref);
    Entry entry = new Entry(fingerprint, instance, ref);
    entry.instance = settings;
    entries.put(instance.identifier(), entry);
  }

  /** A valid actor name for an instance; {@code generation} tells a restarted instance from its predecessor. */
  static String actorName(String identifier, int generation) {
    String name = "instance-" + java.net.URLEncoder.encode(identifier, java.nio.charset.StandardCharsets.UTF_8);
    return generation == 0 ? name : name + "-" + generation;
  }

  /**
   * The HTTP server with every instance's routes, unless {@code settings.effective().serveHttp()} is off (in host
   * mode: off for every instance).
   */
  private void startHttp() {
    httpStarted = true;
    OceanSettings settings = wiring.settings();
    boolean serve = wiring.hostMode()
        ? wiring.instances().stream().anyMatch(h -> h.wiring().settings().effective().serveHttp())
            || wiring.failedAtStart().stream().anyMatch(f -> f.instance().settings().effective().serveHttp())
        : settings.effective().serveHttp();
    if (!serve) {
      wiring.reports().httpPort().complete(Optional.empty());
      return;
    }
    var system = getContext().getSystem();
    cluster.ifPresent(this::mountClustered);
    var health = new HealthRoutes(wiring.coreVersion());
    OceanRoutes all;
    if (wiring.hostMode()) {
      var metrics = new MetricsRoutes(wiring.metrics(), this::refreshAllMetrics);
      var host = new HostRoutes(new Directory(), settings.http().adminToken(), settings.timeouts().ask());
      all = OceanRoutes.host(host, health, metrics, settings.pathPrefix(), wiring.metrics());
    } else {
      Instance.Routes instance = entries.values().iterator().next().routes;
      var metrics = new MetricsRoutes(wiring.metrics(), instance.refreshMetrics());
      all = new OceanRoutes(instance.resync(), health, metrics, instance.status(), settings.pathPrefix(),
          wiring.metrics()).withAdminToken(settings.http().adminToken());
      if (instance.liveEvents().isPresent()) {
        all = all.withPrefixedRoutes(instance.liveEvents().get().webhooks())
            .withAdminRoutes(instance.liveEvents().get().deadLetters());
      }
    }
    getContext().pipeToSelf(OceanServer.start(all.routes(), settings.http(), settings.timeouts().httpDrain(), system),
        (binding, failure) -> failure == null ? new Bound(binding) : new BindFailed(failure));
  }

  private CompletionStage<Void> refreshAllMetrics() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    synchronized (entries) {
      entries.values().forEach(e -> {
        if (e.routes != null) {
          all.add(e.routes.refreshMetrics().get().toCompletableFuture().exceptionally(x -> null));
        }
      });
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** What the host routes see of the instances (called on the HTTP server's threads). */
  private final class Directory implements HostRoutes.Directory {
    @Override
    public Optional<HostRoutes.Mounted> find(String identifier) {
      Entry e = entries.get(identifier);
      if (e != null) {
        return Optional.of(mounted(identifier, e));
      }
      return Optional.ofNullable(failed.get(identifier)).map(this::mounted);
    }

    @Override
    public List<HostRoutes.Mounted> all() {
      List<HostRoutes.Mounted> all = new ArrayList<>();
      synchronized (entries) {
        entries.forEach((id, e) -> all.add(mounted(id, e)));
      }
      synchronized (failed) {
        failed.values().stream().filter(f -> !entries.containsKey(f.instance.identifier()))
            .forEach(f -> all.add(mounted(f)));
      }
      return all;
    }

    /** In cluster mode an instance is {@code running} on the node that runs it and {@code elsewhere} on the others. */
    private HostRoutes.Mounted mounted(String identifier, Entry e) {
      String failure = e.failure;
      if (failure != null) {
        // Being stopped to be started again: failed already, and it takes no request.
        return new HostRoutes.Mounted(identifier, "failed", Optional.empty(), Optional.of(new HostRoutes.StartFailure(
            failure, strikes.getOrDefault(identifier, 0) + 1, Optional.empty())));
      }
      String state = e.routes == null ? e.state
          : cluster.map(c -> c.local(identifier).isPresent() ? "running" : "elsewhere").orElse(e.state);
      return new HostRoutes.Mounted(identifier, state, Optional.ofNullable(e.routes))
          .withPathPrefix(HostSettings.pathPrefixAlias(wiring.settings(), e.wiring.settings()));
    }

    private HostRoutes.Mounted mounted(Failed f) {
      return new HostRoutes.Mounted(f.instance.identifier(), "failed", Optional.empty(),
          Optional.of(new HostRoutes.StartFailure(f.error, f.attempts, f.nextAttempt)))
          .withPathPrefix(HostSettings.pathPrefixAlias(wiring.settings(), f.instance.settings()));
    }

    @Override
    public CompletionStage<ObjectNode> reload() {
      if (cluster.isPresent()) {
        return cluster.get().reload("POST /instances/reload");
      }
      return org.apache.pekko.actor.typed.javadsl.AskPattern.<Command, Reloaded>ask(getContext().getSelf(),
              replyTo -> new Reload("POST /instances/reload", replyTo),
              wiring.settings().timeouts().ask(), getContext().getSystem().scheduler())
          .thenApply(Guardian::json);
    }
  }

  static ObjectNode json(Reloaded r) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    r.error().ifPresent(e -> body.put("error", e));
    r.added().forEach(body.putArray("added")::add);
    r.removed().forEach(body.putArray("removed")::add);
    r.changed().forEach(body.putArray("changed")::add);
    r.unchanged().forEach(body.putArray("unchanged")::add);
    return body;
  }

  /**
   * Cluster mode: every node serves every instance: {@code /status} as {@link ClusterMode} makes it (the instance's
   * own where it runs here, the {@code cluster} section everywhere), {@code /metrics} refreshed from the instance
   * where it runs here, no {@code POST /resync} (WEBHOOK is refused in cluster mode), and the live events on every
   * node: processing one needs only the instance's definition, which every node has (the Kafka intake shares them
   * out over the nodes; the local log processes what its own node acknowledged). The single instance's routes are
   * made here; in host mode each instance's by a small actor of its own (each parent holds one live-event
   * dispatcher), and its routes answer 503 until then.
   */
  private void mountClustered(ClusterMode cluster) {
    if (!wiring.hostMode()) {
      Entry entry = entries.values().iterator().next();
      entry.routes = clusteredRoutes(getContext(), cluster, entry.wiring);
      return;
    }
    for (Entry entry : List.copyOf(entries.values())) {
      mountClustered(cluster, entry, 0);
    }
  }

  private void mountClustered(ClusterMode cluster, Entry entry, int generation) {
    getContext().spawn(Behaviors.<Void>setup(context -> {
      entry.routes = clusteredRoutes(context, cluster, entry.wiring);
      return Behaviors.empty();
    }), "routes-" + actorName(entry.wiring.identifier(), generation));
  }

  /**
   * Cluster mode: a reload on this node removed or changed instances (their routes and live events go) and added
   * or changed others (mounted anew with their new parts, once the old live events closed: they share the log).
   */
  private Behavior<Command> onClusterRemount(ClusterRemount msg) {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    ActorRef<Command> self = getContext().getSelf();
    for (String id : msg.remount().unmount()) {
      Entry old = entries.remove(id);
      if (old != null) {
        closing.add(CompletableFuture.runAsync(old.closeLive, blocking));
        getContext().getChild("routes-" + actorName(id, old.generation)).ifPresent(getContext()::stop);
      }
    }
    for (Hosted hosted : msg.remount().mount()) {
      Entry entry = new Entry(hosted.fingerprint(), hosted.wiring(), null);
      entry.generation = ++generation;
      entries.put(hosted.wiring().identifier(), entry);
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
          .whenComplete((v, e) -> self.tell(new ClusterMount(entry)));
    }
    return this;
  }

  /** Cluster mode: mount a reloaded instance's routes (its predecessor's live events are closed). */
  private record ClusterMount(Entry entry) implements Command {}

  private Behavior<Command> onClusterMount(ClusterMount msg) {
    Entry entry = msg.entry();
    if (entries.get(entry.wiring.identifier()) == entry) {
      cluster.ifPresent(c -> mountClustered(c, entry, entry.generation));
    }
    return this;
  }

  private Instance.Routes clusteredRoutes(ActorContext<?> context, ClusterMode cluster, Instance.Wiring instance) {
    OceanSettings settings = wiring.settings();
    var system = context.getSystem();
    var timeouts = settings.timeouts();
    String id = instance.identifier();
    var resync = new ResyncRoutes(Optional.empty(), instance.settings().effective().listener().name(),
        settings.eventListener().webhook().token(), settings.http().adminToken(), timeouts.ask(),
        timeouts.resyncWait(), settings.http().maxRequestBodySize(), system.scheduler());
    Optional<LiveEvents> live = clusteredLiveEvents(context, instance);
    var status = StatusRoutes.of(() -> cluster.status(id).thenApply(body -> {
      live.ifPresent(events -> body.set("liveEvents", events.status()));
      return body;
    }), timeouts.ask());
    return new Instance.Routes(resync, status,
        live.map(e -> new Instance.LiveRoutes(e.routes().webhookRoutes(), e.routes().deadLetterRoutes())),
        () -> cluster.local(id).map(r -> r.refreshMetrics().get())
            .orElseGet(() -> CompletableFuture.completedFuture(null)));
  }

  /**
   * Cluster mode's live events: with {@code ocean.live-events.intake = kafka} every node serves the webhooks and
   * processes its share of the shared topic (a consumer group over all nodes, whoever owns the instance); with the
   * local intake every node keeps what it acknowledged in its own log (lost with the node: a warning says so).
   */
  private Optional<LiveEvents> clusteredLiveEvents(ActorContext<?> context, Instance.Wiring instance) {
    if (instance.liveEvents().isEmpty()) {
      return Optional.empty();
    }
    if (instance.settings().liveEvents().intake() != LiveEventSettings.Intake.KAFKA) {
      context.getLog().warn("Cluster mode with ocean.live-events.intake = local: each node keeps the events it"
          + " acknowledged in its own log, which is lost with the node; set it to kafka to share one log");
    }
    // Each node runs its share of every instance's events, not the instance: a hung call dead-letters its event only.
    LiveEvents events = instance.liveEvents().get().apply(context, call -> { });
    Optional.ofNullable(entries.get(instance.identifier())).filter(e -> e.wiring == instance)
        .ifPresent(e -> e.closeLive = events::close);
    // After the server unbound: nothing appends any more; the consumer commits and leaves the group.
    CoordinatedShutdown.get(context.getSystem()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-live-events-" + actorName(instance.identifier(), 0), () -> {
          events.close();
          return CompletableFuture.completedFuture(org.apache.pekko.Done.getInstance());
        });
    return Optional.of(events);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromInstance.class, this::onFromInstance)
        .onMessage(Bound.class, this::onBound)
        .onMessage(BindFailed.class, this::onBindFailed)
        .onMessage(Reload.class, this::onReload)
        .onMessage(Reread.class, this::onReread)
        .onMessage(InstancePrepared.class, this::onInstancePrepared)
        .onMessage(RetryStart.class, this::onRetryStart)
        .onMessage(ClusterRemount.class, this::onClusterRemount)
        .onMessage(ClusterMount.class, this::onClusterMount)
        // Handled behind what is already in the mailbox: a report the instance sent before it died (a completed
        // resync resets its failures in a row) is read before its death, which arrives as a system message first.
        .onSignal(org.apache.pekko.actor.typed.Terminated.class, t -> {
          getContext().getSelf().tell(new InstanceStopped(t));
          return this;
        })
        .onMessage(InstanceStopped.class, stopped -> onInstanceStopped(stopped.signal()))
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onFromInstance(FromInstance msg) {
    Instance.Report report = msg.report();
    Entry entry = entries.get(report.identifier());
    if (report instanceof Instance.Started started) {
      if (entry != null) {
        entry.routes = started.routes();
        entry.state = "running";
      }
      initialStarted();
    } else if (report instanceof Instance.StartFailed failed) {
      getContext().getLog().error("Integration instance {} could not start: {}", failed.identifier(),
          failed.cause().getMessage());
      if (entry != null) {
        entry.state = "failed";
      }
      initialStarted();
    } else if (report instanceof Instance.OnceFinished finished) {
      onOnceFinished(finished);
    } else if (report instanceof Instance.ResyncCompleted) {
      strikes.remove(report.identifier());
    } else if (report instanceof Instance.Hung hung && entry != null) {
      onHung(entry, hung);
    }
    return this;
  }

  /**
   * Host mode, {@code ocean.host.restart-on-hang}: an instance whose resync ended on a hung call into its integration,
   * or whose live event ran out of time inside one (already dead-lettered), is stopped (its running work aborted,
   * nothing deleted), listed failed naming the call, and started again after the restart backoff. A ONCE run's resync
   * already failed its exit code.
   */
  private void onHung(Entry entry, Instance.Hung hung) {
    boolean once = entry.wiring.listenerType() == EventListenerType.ONCE;
    if (!wiring.settings().isolation().restartOnHang() || entry.instance == null || wiring.reloader().isEmpty()
        || once || entry.failure != null || !"running".equals(entry.state) || cluster.isPresent()) {
      return;
    }
    entry.failure = "a call into the integration hung, so the instance is started again: " + hung.hungCall();
    getContext().getLog().error("Integration instance {}: {}; stopping it (ocean.host.restart-on-hang)",
        hung.identifier(), entry.failure);
    entry.state = "failed";
    entry.ref.tell(new Instance.Stop("a call into the integration hung", getContext().getSystem().ignoreRef()));
  }

  private void initialStarted() {
    initialReported++;
    if (!httpStarted && initialReported >= initialCount) {
      startHttp();
    }
  }

  private void onOnceFinished(Instance.OnceFinished msg) {
    ResyncFinished finished = msg.finished();
    wiring.reports().print().accept((wiring.hostMode() ? msg.identifier() + ": " : "")
        + ResyncSummary.render(finished));
    onceFailed |= finished.outcome() != Outcome.COMPLETED;
    if (onceRunning.remove(msg.identifier()) && onceRunning.isEmpty()) {
      wiring.reports().exitCode().complete(onceFailed ? 1 : 0);
      CoordinatedShutdown.get(getContext().getSystem()).run(Stop.ONCE_RESYNC_FINISHED);
    }
  }

  private Behavior<Command> onReload(Reload reload) {
    if (wiring.reloader().isEmpty()) {
      reload.replyTo().tell(failed("not in host mode: there is no instance set to reload (set ocean.instances-dir)"));
      return this;
    }
    if (cluster.isPresent()) {
      cluster.get().reload(reload.reason()).thenAccept(body -> reload.replyTo().tell(reloaded(body)));
      return this;
    }
    if (reloading) {
      reload.replyTo().tell(failed("a reload is already running; try again when it finished"));
      return this;
    }
    reloading = true;
    getContext().getLog().info("Reloading the integration instances ({})", reload.reason());
    Reloader reloader = wiring.reloader().get();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(reloader::reread, blocking),
        (host, failure) -> new Reread(host, failure, reload.replyTo()));
    return this;
  }

  /** Cluster mode's answer (per node) as this node's {@link Reloaded}. */
  private static Reloaded reloaded(ObjectNode body) {
    java.util.function.Function<String, List<String>> list = key -> {
      List<String> out = new ArrayList<>();
      body.path(key).forEach(n -> out.add(n.asText()));
      return out;
    };
    return new Reloaded(list.apply("added"), list.apply("removed"), list.apply("changed"), list.apply("unchanged"),
        Optional.ofNullable(body.path("error").textValue()));
  }

  private static Reloaded failed(String error) {
    return new Reloaded(List.of(), List.of(), List.of(), List.of(), Optional.of(error));
  }

  private Behavior<Command> onReread(Reread reread) {
    reloading = false;
    if (reread.failure() != null) {
      Throwable cause = reread.failure() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
          ? c.getCause() : reread.failure();
      getContext().getLog().error("Reload refused, nothing changed: {}", cause.getMessage());
      reread.replyTo().tell(failed(cause.getMessage()));
      return this;
    }
    Map<String, HostSettings.InstanceSettings> wanted = new LinkedHashMap<>();
    reread.host().instances().forEach(i -> wanted.put(i.identifier(), i));
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (Map.Entry<String, Entry> current : List.copyOf(entries.entrySet())) {
      HostSettings.InstanceSettings next = wanted.get(current.getKey());
      if (next == null) {
        removed.add(current.getKey());
        stop(current.getValue(), "removed from the instance set");
      } else if (!next.fingerprint().equals(current.getValue().fingerprint)) {
        changed.add(current.getKey());
        restarts.put(current.getKey(), next);
        stop(current.getValue(), "its settings changed");
      } else {
        unchanged.add(current.getKey());
      }
    }
    for (String id : List.copyOf(failed.keySet())) {
      if (!wanted.containsKey(id) && !entries.containsKey(id)) {
        removed.add(id);
        failed.remove(id); // its pending start finds nothing to do
        strikes.remove(id);
      }
    }
    for (HostSettings.InstanceSettings next : wanted.values()) {
      Failed waiting = failed.get(next.identifier());
      if (waiting != null && !entries.containsKey(next.identifier())
          && waiting.instance.fingerprint().equals(next.fingerprint())) {
        unchanged.add(next.identifier()); // started again when its backoff runs out
      } else if (!entries.containsKey(next.identifier())) {
        if (waiting != null) {
          failed.remove(next.identifier());
          strikes.remove(next.identifier());
          changed.add(next.identifier());
        } else {
          added.add(next.identifier());
        }
        prepare(next);
      }
    }
    getContext().getLog().info("Reload: added {}, removed {}, changed {}, unchanged {}", added, removed, changed,
        unchanged.size());
    reread.replyTo().tell(new Reloaded(added, removed, changed, unchanged, Optional.empty()));
    return this;
  }

  private void stop(Entry entry, String reason) {
    entry.state = "stopping";
    entry.failure = null; // stopped on purpose: not started again
    strikes.remove(entry.wiring.identifier());
    entry.ref.tell(new Instance.Stop(reason, getContext().getSystem().ignoreRef()));
  }

  private void prepare(HostSettings.InstanceSettings instance) {
    Reloader reloader = wiring.reloader().orElseThrow();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return reloader.prepare(instance);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking), (w, failure) -> new InstancePrepared(instance, w, failure));
  }

  private Behavior<Command> onInstancePrepared(InstancePrepared prepared) {
    String id = prepared.instance().identifier();
    if (prepared.failure() != null) {
      Throwable cause = prepared.failure().getCause() != null ? prepared.failure().getCause() : prepared.failure();
      fail(prepared.instance(), cause);
      return this;
    }
    Failed before = failed.remove(id);
    if (before != null) {
      getContext().getLog().info("Integration instance {} started after {} failure{} in a row", id, before.attempts,
          before.attempts == 1 ? "" : "s");
    }
    if (entries.containsKey(id)) {
      // A later reload got here first; this one is not needed any more.
      prepared.wiring().release().run();
      return this;
    }
    getContext().getLog().info("Starting integration instance {} ({})", id, prepared.instance().source());
    spawn(prepared.instance().fingerprint(), prepared.wiring(), prepared.instance());
    return this;
  }

  /**
   * An instance stopped: on purpose (a reload removed or changed it), to be started again (a hung 3rd party), or
   * unasked (it crashed: an exception escaped it or a child it does not restart). Host mode lists a crashed instance
   * failed with the cause and starts it again with the backoff; a ONCE run's crash fails its exit code.
   */
  private Behavior<Command> onInstanceStopped(org.apache.pekko.actor.typed.Terminated stopped) {
    String id = null;
    Entry entry = null;
    synchronized (entries) {
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        if (stopped.getRef().equals(e.getValue().ref)) {
          id = e.getKey();
          entry = e.getValue();
        }
      }
    }
    if (entry == null) {
      return this;
    }
    boolean crashed = entry.failure == null && !"stopping".equals(entry.state);
    boolean neverStarted = "starting".equals(entry.state);
    HostSettings.InstanceSettings restart = restarts.remove(id);
    Throwable shown = null;
    if (restart == null && crashed) {
      Throwable cause = stopped instanceof org.apache.pekko.actor.typed.ChildFailed f ? f.getCause()
          : new IllegalStateException("it stopped unexpectedly");
      shown = new IllegalStateException("the instance crashed: "
          + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
    }
    // Listed failed before it leaves the entries: a request in between finds it failed (503), never unknown (404).
    if (restart == null && entry.failure != null) {
      fail(entry.instance, new IllegalStateException(entry.failure), "failed");
    } else if (shown != null && entry.instance != null) {
      fail(entry.instance, shown, "crashed");
    }
    entries.remove(id);
    entry.wiring.release().run();
    getContext().getLog().info("Integration instance {} stopped", id);
    if (restart != null) {
      onceRunning.remove(id);
      prepare(restart);
    } else if (crashed) {
      if (entry.instance == null) {
        getContext().getLog().error("Integration instance {}: {}", id, shown.getMessage());
      }
      if (onceRunning.remove(id)) {
        onceFailed = true;
        if (onceRunning.isEmpty()) {
          wiring.reports().exitCode().complete(1);
          CoordinatedShutdown.get(getContext().getSystem()).run(Stop.ONCE_RESYNC_FINISHED);
        }
      }
      if (neverStarted) {
        initialStarted(); // it never reported Started: the server does not wait for it
      }
    } else if (entry.failure == null) { // a failed one was listed above and starts again after its backoff
      onceRunning.remove(id);
    }
    return this;
  }

  /** Host mode: instances a reload started are given back here (the runtime releases the first ones too). */
  private Behavior<Command> onPostStop() {
    if (wiring.hostMode()) {
      List<Entry> left;
      synchronized (entries) {
        left = List.copyOf(entries.values());
      }
      left.forEach(e -> e.wiring.release().run());
    }
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

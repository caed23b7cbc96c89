package dev.oceanj.actors.resync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.resync.ResyncProtocol.AbortResync;
import dev.oceanj.actors.resync.ResyncProtocol.Disposition;
import dev.oceanj.actors.resync.ResyncProtocol.GetStatus;
import dev.oceanj.actors.resync.ResyncProtocol.KindStats;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.Reconciliation;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.Status;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClient.ResyncState;
import dev.oceanj.core.sync.DigestStore;
import dev.oceanj.core.sync.LiveWrites;
import dev.oceanj.core.sync.FailedEntityRetry;
import dev.oceanj.core.sync.KindCounters;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.LongSet;
import dev.oceanj.core.sync.MappingPlan;
import dev.oceanj.core.sync.OwnedEntities;
import dev.oceanj.core.sync.Reconciler;
import dev.oceanj.core.sync.ResyncPipeline;
import dev.oceanj.core.sync.ResyncRun;
import dev.oceanj.core.sync.ResyncSettings;
import dev.oceanj.spi.Resync;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.host.ResyncScope;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.Materializer;

/**
 * One per integration: runs full resyncs, one at a time. Triggers (once, polling, webhook, Kafka, schedule),
 * the HTTP routes and the runtime send it {@link ResyncProtocol} commands and nothing else.
 *
 * <p>A resync: report {@code running} to Port, fetch the mapping from Port ({@code integration.config}) and
 * compile it (a broken mapping fails the resync before anything is written), list the entities Port holds for
 * this integration (so skip-unchanged never skips an entity Port lacks), then spawn one {@link KindWorker} per
 * resource of the mapping, at most {@code kind-parallelism} at once in mapping order. Workers are supervised
 * with restart-with-backoff; a kind that exhausts its restarts is a kind error, and its siblings go on. When
 * every kind is done: failed entities are retried in relation order (only without
 * {@code createMissingRelatedEntities}), the {@link Reconciler} deletes what was not seen unless a kind had an
 * error, then the final state goes to Port and {@link ResyncFinished} to everyone who asked.
 *
 * <p>A {@link StartResync} that finds a resync running restarts, queues or is skipped as it asks; a restart or
 * an {@link AbortResync} stops the workers (their kill switches), reports {@code aborted} and deletes nothing.
 * Every internal message carries its resync id, so late answers of an aborted resync are ignored.
 */
public final class IntegrationSupervisor extends AbstractBehavior<ResyncProtocol.Command> {

  /**
   * What the supervisor needs.
   *
   * @param port the integration's Port client (its identity gives the {@code $datasource} of owned entities)
   * @param sources the integration's resync source per kind: {@code DefinedIntegration::sources} binds each
   *     resource's selector and runs the resync hooks; any other function serves kinds by name
   * @param compiler turns {@code integration.config} into a plan ({@code new JqMappingCompiler(jq)})
   * @param settings {@code ocean.resync}
   * @param scheduledResyncInterval reported to Port as {@code nextResync}/{@code intervalInMinuets} when set
   * @param mappingPool bounded CPU pool for jq mapping (never the actor dispatcher)
   * @param toJson converts integration items to JSON (e.g. {@code DefinedIntegration::toJson})
   * @param clock for resync timestamps
   */
  public record Dependencies(
      PortClient port,
      Function<String, Optional<ResyncSource<?>>> sources,
      MappingPlan.Compiler compiler,
      ResyncSettings settings,
      Optional<Duration> scheduledResyncInterval,
      Executor mappingPool,
      Function<Object, JsonNode> toJson,
      Clock clock) {

    /**
     * The usual wiring for a defined integration: its kinds and JSON conversion, jq mapping, and a mapping pool
     * of {@code settings.mappingParallelism()} daemon threads.
     */
    public static Dependencies of(PortClient port, dev.oceanj.spi.host.DefinedIntegration integration,
        dev.oceanj.core.jq.JqEngine jq, ResyncSettings settings, Optional<Duration> scheduledResyncInterval) {
      AtomicInteger n = new AtomicInteger();
      Executor pool = java.util.concurrent.Executors.newFixedThreadPool(settings.mappingParallelism(), r -> {
        Thread t = new Thread(r, "oceanj-mapping-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      return new Dependencies(port, integration.sources(), new dev.oceanj.core.sync.JqMappingCompiler(jq),
          settings, scheduledResyncInterval, pool, integration::toJson, Clock.systemUTC());
    }
  }

  private interface Internal extends ResyncProtocol.Command {}

  private record StateReported(Throwable error) implements Internal {}

  private record MappingFetched(String resyncId, Optional<ObjectNode> integration, Throwable error) implements Internal {}

  private record Prepared(String resyncId, OptionalLong owned, OptionalLong unrecorded, long changedInPort,
      DigestStore digests, Throwable error) implements Internal {}

  private record HooksStarted(String resyncId) implements Internal {}

  private record StartHookFailed(String resyncId, Throwable error) implements Internal {}

  private record WorkerReport(KindWorker.Report report) implements Internal {}

  private record WorkerStopped(String resyncId, int slot) implements Internal {}

  private record RetryDone(String resyncId, FailedEntityRetry.Result result, Throwable error) implements Internal {}

  private record Reconciled(String resyncId, Reconciler.Result result, Throwable error) implements Internal {}

  private record Saved(Throwable error) implements Internal {}

  private enum ProgressTick implements Internal { INSTANCE }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Dependencies deps;
  private final TimerScheduler<ResyncProtocol.Command> timers;
  private final Materializer mat;
  private final ResyncPipeline pipeline;
  private final Reconciler reconciler;
  private final ActorRef<KindWorker.Report> reportAdapter;
  private final Optional<Path> digestFile;
  private final LiveWrites liveWrites;

  /** Loaded at the first resync, then kept: the skip-unchanged memory of this integration. */
  private DigestStore digests;
  private Current current;
  private Queued queued;
  private ResyncFinished last;
  private long sequence;

  /** Port's resync-state PATCHes are chained so "aborted" can never overtake a later "running". */
  private CompletionStage<Void> statePatches = CompletableFuture.completedFuture(null);

  public static Behavior<ResyncProtocol.Command> create(Dependencies deps) {
    return create(deps, new LiveWrites());
  }

  /**
   * @param liveWrites what the live-event path of the same integration writes; its entities are never skipped
   *     by the next resync
   */
  public static Behavior<ResyncProtocol.Command> create(Dependencies deps, LiveWrites liveWrites) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new IntegrationSupervisor(context, timers, deps, liveWrites)));
  }

  private IntegrationSupervisor(ActorContext<ResyncProtocol.Command> context,
      TimerScheduler<ResyncProtocol.Command> timers, Dependencies deps, LiveWrites liveWrites) {
    super(context);
    this.deps = deps;
    this.liveWrites = liveWrites;
    this.timers = timers;
    this.mat = Materializer.createMaterializer(context);
    this.pipeline = new ResyncPipeline(deps.settings(), deps.port(), deps.mappingPool(), JSON);
    this.reconciler = new Reconciler(deps.port(), deps.settings(), mat);
    this.reportAdapter = context.messageAdapter(KindWorker.Report.class, WorkerReport::new);
    this.digestFile = deps.settings().dataDir()
        .map(d -> d.resolve("resync").resolve(safe(deps.port().identity().identifier()) + ".digests"));
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  @Override
  public Receive<ResyncProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartResync.class, this::onStartResync)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(AbortResync.class, this::onAbortResync)
        .onMessage(StateReported.class, this::onStateReported)
        .onMessage(MappingFetched.class, this::onMappingFetched)
        .onMessage(HooksStarted.class, this::onHooksStarted)
        .onMessage(StartHookFailed.class, this::onStartHookFailed)
        .onMessage(Prepared.class, this::onPrepared)
        .onMessage(WorkerReport.class, this::onWorkerReport)
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .onMessage(RetryDone.class, this::onRetryDone)
        .onMessage(Reconciled.class, this::onReconciled)
        .onMessage(Saved.class, this::onSaved)
        .onMessage(ProgressTick.class, this::onProgressTick)
        .build();
  }

  // ---- the running resync ------------------------------------------------------------------------------------

  /** Per kind of the running resync. */
  private static final class Slot {
    final int slot;
    final CompiledResource resource;
    final KindCounters counters;
    ActorRef<KindWorker.Command> worker;
    KindResult result;
    String error;
    int attempts;
    boolean done;

    Slot(int slot, CompiledResource resource) {
      this.slot = slot;
      this.resource = resource;
      this.counters = new KindCounters(resource.kind(), resource.index());
    }
  }

  private static final class Current {
    final String id;
    final String trigger;
    final Instant started;
    final long seq;
    final List<ActorRef<ResyncFinished>> waiters = new ArrayList<>();
    final AtomicBoolean cancelled = new AtomicBoolean();
    final List<String> errors = new ArrayList<>();
    MappingPlan plan;
    ResyncScope scope;
    ResyncRun run;
    List<Slot> slots = List.of();
    int nextSlot;
    int running;
    Reconciliation reconciliation = Reconciliation.skipped("the resync did not get that far");

    Current(String id, String trigger, Instant started, long seq) {
      this.id = id;
      this.trigger = trigger;
      this.started = started;
      this.seq = seq;
    }
  }

  /** QUEUE requests that arrived while a resync ran collapse into this one. */
  private static final class Queued {
    final String id;
    final String trigger;
    final List<ActorRef<ResyncFinished>> waiters = new ArrayList<>();

    Queued(String id, String trigger) {
      this.id = id;
      this.trigger = trigger;
    }
  }

  private boolean isCurrent(String resyncId) {
    return current != null && current.id.equals(resyncId);
  }

  // ---- protocol ----------------------------------------------------------------------------------------------

  private Behavior<ResyncProtocol.Command> onStartResync(StartResync cmd) {
    if (current == null) {
      String id = newId();
      reply(cmd.acceptedTo(), new ResyncAccepted(id, Disposition.STARTED));
      begin(id, cmd.trigger(), cmd.finishedTo() == null ? List.of() : List.of(cmd.finishedTo()));
      return this;
    }
    switch (cmd.whenRunning()) {
      case SKIP:
        reply(cmd.acceptedTo(), new ResyncAccepted(current.id, Disposition.SKIPPED));
        break;
      case QUEUE:
        if (queued == null) {
          queued = new Queued(newId(), cmd.trigger());
        }
        if (cmd.finishedTo() != null) {
          queued.waiters.add(cmd.finishedTo());
        }
        reply(cmd.acceptedTo(), new ResyncAccepted(queued.id, Disposition.QUEUED));
        break;
      default:
        getContext().getLog().info("Aborting resync {} due to a newer resync request ({})", current.id, cmd.trigger());
        abort("aborted by a newer resync request (" + cmd.trigger() + ")");
        String id = newId();
        reply(cmd.acceptedTo(), new ResyncAccepted(id, Disposition.RESTARTED));
        begin(id, cmd.trigger(), cmd.finishedTo() == null ? List.of() : List.of(cmd.finishedTo()));
    }
    return this;
  }

  private Behavior<ResyncProtocol.Command> onGetStatus(GetStatus cmd) {
    Optional<ResyncProgress> progress = Optional.ofNullable(current)
        .map(c -> new ResyncProgress(c.id, c.trigger, c.started, kindStats(c), c.slots.stream()
            .filter(s -> s.result != null).map(s -> s.result.index()).collect(java.util.stream.Collectors.toSet())));
    cmd.replyTo().tell(new Status(progress, Optional.ofNullable(last)));
    return this;
  }

  private Behavior<ResyncProtocol.Command> onAbortResync(AbortResync cmd) {
    queued = null;
    if (current != null) {
      abort(cmd.reason());
    }
    // Answer once the state patches issued so far (including "aborted") have gone out.
    ActorRef<ResyncProtocol.Done> replyTo = cmd.replyTo();
    statePatches.whenComplete((v, e) -> replyTo.tell(ResyncProtocol.Done.INSTANCE));
    return this;
  }

  // ---- phases ------------------------------------------------------------------------------------------------

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private void begin(String id, String trigger, List<ActorRef<ResyncFinished>> waiters) {
    Instant started = deps.clock().instant();
    current = new Current(id, trigger, started, ++sequence);
    current.waiters.addAll(waiters);
    getContext().getLog().info("Resync {} started ({})", id, trigger);
    reportState("running", started, null);
    timers.startTimerWithFixedDelay(ProgressTick.INSTANCE, deps.settings().progressInterval());
    getContext().pipeToSelf(call(() -> deps.port().getIntegration()), (i, e) -> new MappingFetched(id, i, e));
  }

  private Behavior<ResyncProtocol.Command> onMappingFetched(MappingFetched msg) {
    if (!isCurrent(msg.resyncId())) {
      return this;
    }
    if (msg.error() != null) {
      return fail("could not fetch the mapping from Port: " + describe(msg.error()));
    }
    if (msg.integration().isEmpty()) {
      return fail("integration '" + deps.port().identity().identifier() + "' does not exist in Port");
    }
    JsonNode config = msg.integration().get().get("config");
    if (config == null || config.isNull() || (config.isObject() && config.size() == 0)) {
      // Deleting everything because a mapping was emptied is the incident users fear most: an empty mapping
      // syncs nothing and deletes nothing.
      current.reconciliation = Reconciliation.skipped("the mapping is empty");
      return finish(Outcome.COMPLETED);
    }
    try {
      current.plan = deps.compiler().compile(config);
    } catch (RuntimeException e) {
      return fail("the mapping in Port is invalid: " + e.getMessage());
    }
    if (current.plan.resources().isEmpty()) {
      current.reconciliation = Reconciliation.skipped("the mapping has no resources");
      return finish(Outcome.COMPLETED);
    }
    try {
      current.scope = ResyncScope.open(deps.sources(), current.id, mappedResources(config, current.plan));
    } catch (RuntimeException e) {
      return fail("the mapping in Port is invalid: " + e.getMessage());
    }
    String id = current.id;
    ResyncScope scope = current.scope;
    // The integration's resync start hooks run first; a failure there fails the resync before anything is read.
    CompletableFuture<Void> hooks = CompletableFuture.runAsync(scope::start, deps.mappingPool());
    getContext().pipeToSelf(hooks, (v, e) -> e == null ? new HooksStarted(id) : new StartHookFailed(id, e));
    return this;
  }

  private Behavior<ResyncProtocol.Command> onStartHookFailed(StartHookFailed msg) {
    return isCurrent(msg.resyncId()) ? fail(describe(msg.error())) : this;
  }

  private Behavior<ResyncProtocol.Command> onHooksStarted(HooksStarted msg) {
    if (!isCurrent(msg.resyncId())) {
      return this;
    }
    String id = current.id;
    CompletionStage<DigestStore> store = digests != null || !deps.settings().skipUnchanged()
        ? CompletableFuture.completedFuture(digests)
        : CompletableFuture.supplyAsync(
            () -> digestFile.map(DigestStore::load).orElseGet(DigestStore::new), deps.mappingPool());
    // The listing may fail without harm: the resync then writes everything.
    CompletionStage<Prepared> prepared = store.thenCompose(d -> d == null
        ? CompletableFuture.completedFuture(
            new Prepared(id, OptionalLong.empty(), OptionalLong.empty(), 0, null, null))
        : call(() -> OwnedEntities.markPresent(deps.port(), d, mat))
            .handle((n, e) -> e == null
                ? new Prepared(id, OptionalLong.of(n.owned()), OptionalLong.of(n.unrecorded()), n.changedInPort(), d,
                    null)
                : new Prepared(id, OptionalLong.empty(), OptionalLong.empty(), 0, d, e)));
    getContext().pipeToSelf(prepared,
        (p, e) -> e == null ? p : new Prepared(id, OptionalLong.empty(), OptionalLong.empty(), 0, null, e));
    return this;
  }

  private Behavior<ResyncProtocol.Command> onPrepared(Prepared msg) {
    if (msg.digests() != null) {
      digests = msg.digests();
      liveWrites.attach(digests);
    }
    if (!isCurrent(msg.resyncId())) {
      return this;
    }
    if (msg.error() != null) {
      getContext().getLog().warn("Listing the entities Port holds failed ({}); every entity will be written",
          describe(msg.error()));
    }
    if (msg.changedInPort() > 0) {
      getContext().getLog().info("{} entities were changed in Port since this integration wrote them (live events,"
          + " edits, another writer, or a resync that did not finish); they are written again", msg.changedInPort());
    }
    current.run = new ResyncRun(current.id, current.started, current.plan, msg.owned(), msg.unrecorded(),
        deps.settings().skipUnchanged() ? digests : null);
    List<Slot> slots = new ArrayList<>();
    for (CompiledResource r : current.plan.resources()) {
      slots.add(new Slot(slots.size(), r));
    }
    current.slots = slots;
    startKinds();
    return this;
  }

  private void startKinds() {
    Current c = current;
    while (c.running < deps.settings().kindParallelism() && c.nextSlot < c.slots.size()) {
      Slot slot = c.slots.get(c.nextSlot++);
      Optional<ResyncSource<?>> source;
      try {
        source = c.scope.source(slot.resource.index());
      } catch (RuntimeException e) {
        slot.done = true;
        slot.error = "kind '" + slot.resource.kind() + "' (resource " + slot.resource.index()
            + ") could not build its source: " + describe(e);
        getContext().getLog().error("{}", slot.error);
        continue;
      }
      if (source.isEmpty()) {
        // Ocean's KindNotImplementedException: an error of the resync, so nothing is deleted.
        slot.done = true;
        slot.error = "kind '" + slot.resource.kind() + "' is in the mapping but the integration does not provide it";
        getContext().getLog().error("{}", slot.error);
        continue;
      }
      c.running++;
      var job = new KindWorker.Job(c.id, slot.slot, c.run, slot.resource, source.get(), slot.counters, pipeline,
          deps.toJson(), reportAdapter);
      ResyncSettings.KindRestart r = deps.settings().kindRestart();
      // The restart budget is counted here, from AttemptFailed reports, and this actor stops the worker when it
      // is spent; supervision alone would stop it too, but its death notice can overtake the last report.
      Behavior<KindWorker.Command> behavior = Behaviors.supervise(KindWorker.create(job))
          .onFailure(KindWorker.KindFailedException.class,
              SupervisorStrategy.restartWithBackoff(r.minBackoff(), r.maxBackoff(), r.randomFactor())
                  .withResetBackoffAfter(Duration.ofDays(1)));
      slot.worker = getContext().spawn(behavior, "kind-" + slot.slot + "-" + c.seq);
      getContext().watchWith(slot.worker, new WorkerStopped(c.id, slot.slot));
    }
    if (c.running == 0 && c.nextSlot >= c.slots.size()) {
      afterKinds();
    }
  }

  private Behavior<ResyncProtocol.Command> onWorkerReport(WorkerReport msg) {
    if (msg.report() instanceof KindWorker.KindDone done) {
      if (!isCurrent(done.resyncId())) {
        return this;
      }
      Slot slot = current.slots.get(done.slot());
      if (!slot.done) {
        slot.done = true;
        slot.result = done.result();
        getContext().stop(slot.worker);
        current.running--;
        logKind(slot);
        startKinds();
      }
    } else if (msg.report() instanceof KindWorker.AttemptFailed failed) {
      if (!isCurrent(failed.resyncId())) {
        return this;
      }
      Slot slot = current.slots.get(failed.slot());
      slot.attempts++;
      slot.error = failed.message();
      if (deps.settings().kindRestart().exhausted(slot.attempts)) {
        getContext().stop(slot.worker);
      }
    }
    return this;
  }

  private Behavior<ResyncProtocol.Command> onWorkerStopped(WorkerStopped msg) {
    if (!isCurrent(msg.resyncId())) {
      return this;
    }
    Slot slot = current.slots.get(msg.slot());
    if (!slot.done) {
      slot.done = true;
      if (slot.error == null) {
        slot.error = "kind " + slot.resource.kind() + " stopped unexpectedly";
      }
      slot.error = slot.error + " (gave up after " + slot.attempts + " attempt" + (slot.attempts == 1 ? "" : "s") + ")";
      slot.result = slot.counters.snapshot();
      getContext().getLog().error("Resync {}: {}", current.id, slot.error);
      current.running--;
      startKinds();
    }
    return this;
  }

  private void afterKinds() {
    Current c = current;
    List<ResyncRun.FailedEntity> failed = c.run.failedEntities();
    if (!c.plan.createMissingRelatedEntities() && !failed.isEmpty() && !c.cancelled.get()) {
      getContext().getLog().info("Resync {}: retrying {} failed entities in relation order", c.id, failed.size());
      String id = c.id;
      getContext().pipeToSelf(call(() -> FailedEntityRetry.retry(deps.port(), failed, c.run.upsertOptions())),
          (r, e) -> new RetryDone(id, r, e));
      return;
    }
    reconcile();
  }

  private Behavior<ResyncProtocol.Command> onRetryDone(RetryDone msg) {
    if (!isCurrent(msg.resyncId())) {
      return this;
    }
    if (msg.error() != null) {
      getContext().getLog().warn("Retrying failed entities failed: {}", describe(msg.error()));
    } else {
      getContext().getLog().info("Retry of failed entities: {} landed, {} still rejected {}",
          msg.result().succeeded(), msg.result().failed(), msg.result().failures());
    }
    reconcile();
    return this;
  }

  private void reconcile() {
    Current c = current;
    List<String> blockers = new ArrayList<>();
    for (Slot s : c.slots) {
      if (s.error != null) {
        blockers.add(s.error);
      } else if (s.result != null && s.result.hasErrors()) {
        blockers.add("kind " + s.resource.kind() + " had " + s.result.mappingErrors() + " mapping error(s), e.g. "
            + s.result.errors().get(0));
      }
    }
    c.errors.addAll(blockers);
    Optional<String> blocked = blockers.isEmpty() ? Optional.empty()
        : Optional.of("Resync failed with " + blockers.size() + " error(s), skipping delete phase");
    String id = c.id;
    getContext().pipeToSelf(call(() -> reconciler.reconcile(c.run, blocked, c.cancelled::get)),
        (r, e) -> new Reconciled(id, r, e));
  }

  private Behavior<ResyncProtocol.Command> onReconciled(Reconciled msg) {
    if (!isCurrent(msg.resyncId())) {
      return this;
    }
    if (msg.error() != null) {
      current.errors.add("reconciliation failed: " + describe(msg.error()));
      current.reconciliation = Reconciliation.skipped("reconciliation failed: " + describe(msg.error()));
      return finish(Outcome.FAILED);
    }
    Reconciler.Result r = msg.result();
    current.reconciliation = new Reconciliation(r.ran(), r.skippedBecause(), r.owned(), r.stale(), r.deleted());
    if (r.ran()) {
      getContext().getLog().info("Resync {}: {} owned, {} stale, {} protected as relation targets, {} deleted",
          current.id, r.owned(), r.stale(), r.protectedTargets(), r.deleted());
    } else {
      getContext().getLog().warn("Resync {}: deletion skipped: {}", current.id, r.skippedBecause().orElse(""));
    }
    if (!r.errors().isEmpty()) {
      current.errors.addAll(r.errors());
    }
    if (!r.ran() && r.skippedBecause().orElse("").startsWith("listing the owned entities failed")) {
      current.errors.add(r.skippedBecause().get());
    }
    return finish(current.errors.isEmpty() ? Outcome.COMPLETED : Outcome.FAILED);
  }

  private Behavior<ResyncProtocol.Command> fail(String error) {
    getContext().getLog().error("Resync {} failed: {}", current.id, error);
    current.errors.add(error);
    current.reconciliation = Reconciliation.skipped(error);
    return finish(Outcome.FAILED);
  }

  /** Stops the running resync: workers and reconciliation, no deletion, state {@code aborted}. */
  private void abort(String reason) {
    Current c = current;
    c.cancelled.set(true);
    for (Slot s : c.slots) {
      if (s.worker != null && !s.done) {
        getContext().stop(s.worker);
      }
    }
    c.errors.add(reason);
    c.reconciliation = Reconciliation.skipped(reason);
    finish(Outcome.ABORTED);
  }

  private Behavior<ResyncProtocol.Command> finish(Outcome outcome) {
    Current c = current;
    current = null;
    timers.cancel(ProgressTick.INSTANCE);
    Instant finished = deps.clock().instant();
    ResyncFinished result = new ResyncFinished(c.id, c.trigger, outcome, c.started, finished, kindStats(c),
        c.reconciliation, outcome == Outcome.COMPLETED ? List.of() : List.copyOf(c.errors));
    reportState(outcome.name().toLowerCase(java.util.Locale.ROOT), null, finished);
    CompletionStage<Void> saved = saveDigests(c, outcome);
    endScope(c, outcome);
    getContext().getLog().info("Resync {} {} in {} ms: {}", c.id, outcome, result.duration().toMillis(), summary(result));
    last = result;
    // Answer once Port knows the final state and the skip-unchanged store is on disk, so a ONCE run that exits
    // on this answer leaves both up to date.
    List<ActorRef<ResyncFinished>> waiters = List.copyOf(c.waiters);
    statePatches.thenCombine(saved.exceptionally(e -> null), (a, b) -> null)
        .whenComplete((v, e) -> waiters.forEach(w -> w.tell(result)));
    if (queued != null && outcome != Outcome.ABORTED) {
      Queued q = queued;
      queued = null;
      begin(q.id, q.trigger, q.waiters);
    }
    return this;
  }

  private void endScope(Current c, Outcome outcome) {
    if (c.scope == null) {
      return;
    }
    ResyncScope scope = c.scope;
    org.slf4j.Logger log = getContext().getLog();
    CompletableFuture.runAsync(() -> scope.end(outcome == Outcome.COMPLETED)
        .forEach(e -> log.warn("Resync {}: a resync complete hook failed: {}", scope.id(), e.toString())),
        deps.mappingPool());
  }

  private static List<Resync.MappedResource> mappedResources(JsonNode config, MappingPlan plan) {
    List<Resync.MappedResource> resources = new ArrayList<>();
    for (CompiledResource r : plan.resources()) {
      JsonNode selector = config.path("resources").path(r.index()).path("selector");
      resources.add(new Resync.MappedResource(r.index(), r.kind(), selector instanceof ObjectNode o
          ? o : JsonNodeFactory.instance.objectNode()));
    }
    return resources;
  }

  private CompletionStage<Void> saveDigests(Current c, Outcome outcome) {
    if (digests == null || c.run == null) {
      return CompletableFuture.completedFuture(null);
    }
    DigestStore store = digests;
    LongSet seen = c.run.seen();
    boolean prune = outcome == Outcome.COMPLETED;
    Optional<Path> file = digestFile;
    if (!prune && file.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    // Pruning to what this complete resync saw keeps the store the size of the catalog; an aborted or failed
    // resync saw only part of it, so its store is kept whole.
    CompletableFuture<Void> work = CompletableFuture.runAsync(() -> {
      if (prune) {
        store.retain(seen::contains);
      }
      if (file.isPresent()) {
        try {
          store.save(file.get());
        } catch (java.io.IOException e) {
          throw new CompletionException(e);
        }
      }
    }, deps.mappingPool());
    getContext().pipeToSelf(work, (v, e) -> new Saved(e));
    return work;
  }

  private Behavior<ResyncProtocol.Command> onSaved(Saved msg) {
    if (msg.error() != null) {
      getContext().getLog().warn("Could not save the skip-unchanged store {}: {}", digestFile.orElse(null),
          describe(msg.error()));
    }
    return this;
  }

  private Behavior<ResyncProtocol.Command> onProgressTick(ProgressTick tick) {
    // Debug only: the runtime's ProgressReporter prints the user-facing progress lines (pace now and on average).
    if (current != null && getContext().getLog().isDebugEnabled()) {
      getContext().getLog().debug("Resync {} running: {}", current.id, kindStats(current).stream()
          .map(k -> k.kind() + " fetched=" + k.fetched() + " upserted=" + k.upserted() + " unchanged=" + k.unchanged())
          .toList());
    }
    return this;
  }

  // ---- Port's resync state -----------------------------------------------------------------------------------

  private void reportState(String status, Instant start, Instant end) {
    Optional<Duration> interval = deps.scheduledResyncInterval();
    Instant next = interval.map(i -> deps.clock().instant().plus(i)).orElse(null);
    Integer minutes = interval.map(i -> (int) i.toMinutes()).orElse(null);
    ResyncState state = new ResyncState(status, start, end, next, minutes);
    ActorRef<ResyncProtocol.Command> self = getContext().getSelf();
    // Ocean sends these with should_raise=False: a failed state report never fails a resync.
    statePatches = statePatches.thenCompose(v -> call(() -> deps.port().patchResyncState(state))
        .handle((ok, e) -> {
          if (e != null) {
            self.tell(new StateReported(e));
          }
          return null;
        }));
  }

  private Behavior<ResyncProtocol.Command> onStateReported(StateReported msg) {
    getContext().getLog().warn("Could not report the resync state to Port: {}", describe(msg.error()));
    return this;
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private static List<KindStats> kindStats(Current c) {
    List<KindStats> out = new ArrayList<>();
    for (Slot s : c.slots) {
      KindResult r = s.result != null ? s.result : s.counters.snapshot();
      Optional<String> error = Optional.ofNullable(s.error);
      if (error.isEmpty() && r.hasErrors()) {
        error = Optional.of(r.mappingErrors() + " mapping error(s), e.g. " + r.errors().get(0));
      }
      out.add(new KindStats(r.kind(), r.index(), r.fetched(), r.mapped(), r.filteredOut(), r.upserted(), r.unchanged(),
          r.failed() + r.mappingErrors(), Map.copyOf(r.misconfigured()), Map.copyOf(r.failedEntities()), error));
    }
    return List.copyOf(out);
  }

  private void logKind(Slot s) {
    KindResult r = s.result;
    // "failed" is what the summary and /status count: entities Port rejected plus items the mapping failed on.
    getContext().getLog().info("Kind {} (resource {}): fetched {}, mapped {}, filtered out {}, upserted {}, unchanged {},"
        + " failed {} (rejected by Port {}, mapping errors {})", r.kind(), r.index(), r.fetched(), r.mapped(),
        r.filteredOut(), r.upserted(), r.unchanged(), r.failed() + r.mappingErrors(), r.failed(), r.mappingErrors());
    if (!r.misconfigured().isEmpty()) {
      getContext().getLog().warn("Kind {}: misconfigured mapping fields (null or failed): {}", r.kind(),
          r.misconfigured());
    }
    if (!r.failedEntities().isEmpty()) {
      getContext().getLog().warn("Kind {}: {} entities rejected by Port, e.g. {}", r.kind(), r.failed(),
          r.failedEntities());
    }
  }

  private static String summary(ResyncFinished f) {
    long up = f.kinds().stream().mapToLong(KindStats::upserted).sum();
    long same = f.kinds().stream().mapToLong(KindStats::unchanged).sum();
    long failed = f.kinds().stream().mapToLong(KindStats::failed).sum();
    return up + " upserted, " + same + " unchanged, " + failed + " failed, " + f.reconciliation().deleted()
        + " deleted" + (f.errors().isEmpty() ? "" : ", errors: " + f.errors());
  }

  private static <T> void reply(ActorRef<T> to, T message) {
    if (to != null) {
      to.tell(message);
    }
  }

  /** Runs a client call, turning a synchronous throw into a failed stage. */
  private static <T> CompletionStage<T> call(java.util.function.Supplier<CompletionStage<T>> f) {
    try {
      return f.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static String describe(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}

package dev.oceanj.actors.resync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.core.Failures;
import dev.oceanj.core.port.DeleteGuard;
import dev.oceanj.core.sync.DigestStore;
import dev.oceanj.core.sync.FailedEntityRetry;
import dev.oceanj.core.sync.KindCounters;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.MappingPlan;
import dev.oceanj.core.sync.OwnedEntities;
import dev.oceanj.core.sync.Reconciler;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.core.sync.ResyncPipeline;
import dev.oceanj.core.sync.ResyncRun;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.spi.Resync.MappedResource;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.host.ResyncScope;
import dev.oceanj.spi.host.SpiTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;

/**
 * One full resync of an integration: a short-lived child of the {@link IntegrationSupervisor}
 * ({@code resync-<seq>}), spawned per run, that moves through its phases and stops.
 *
 * <p>Each phase is its own behaviour, so a message is only handled in the phase that expects it:
 * {@link #fetchingMapping} (fetch {@code integration.config} and compile it: a broken mapping fails the resync
 * before anything is written), {@link #startingHooks} (the integration's resync start hooks),
 * {@link #listingOwned} (the entities Port holds, so skip-unchanged never skips one Port lacks),
 * {@link #runningKinds} (one {@link KindWorker} per resource, at most {@code kind-parallelism} at once in mapping
 * order, supervised with restart-with-backoff; a kind that exhausts its restarts is a kind error and its siblings
 * go on), {@link #retrying} (failed entities again in relation order, only without
 * {@code createMissingRelatedEntities}), {@link #fencing} (the {@link DeleteFence} is asked whether this node may
 * still delete) and {@link #reconciling} (the {@link Reconciler} deletes what was not seen unless a kind had an
 * error, asking the fence again before each delete request). A refusal of the fence ends the run {@code ABORTED}
 * with no further deletion.
 *
 * <p>At the end it completes the {@link Ended} promise its parent gave it and stops. Stopped before the end (an
 * {@link Abort}, or its parent stopping) it is aborted: the kind workers are its children and stop with it, the
 * deletion phase stops before its next request, and the promise gets an {@code ABORTED} result. Late answers of
 * its work go to a stopped actor, so nothing needs to tell them from the next run's.
 */
final class Resync {

  /** Serializes the entities of every run's pipeline (thread-safe once configured). */
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a resync accepts. */
  sealed interface Command {}

  /** Asks for the progress so far (for {@code /status}). */
  record GetProgress(ActorRef<ResyncProgress> replyTo) implements Command {}

  /** Stops the resync: no deletion, outcome {@code ABORTED} with {@code reason} as its error. */
  record Abort(String reason) implements Command {}

  /**
   * How a run ended.
   *
   * @param run the run's state once the kinds started (its seen set and skip-unchanged store); empty before
   * @param hungCall the first call into the integration that exceeded its time limit during the run (a hung 3rd
   *     party), naming the integration, what was called and the setting; empty when none did
   */
  record Ended(ResyncFinished result, Optional<ResyncRun> run, Optional<String> hungCall) {

    Ended(ResyncFinished result, Optional<ResyncRun> run) {
      this(result, run, Optional.empty());
    }
  }

  /**
   * What starts a run.
   *
   * @param digests the integration's skip-unchanged store, completed with null when skip-unchanged is off
   * @param ended completed once, when the run ends (normally or aborted)
   * @param leaveGate gives the run's place at the resync gate to the next in line (called at most once, when the
   *     run received nothing from its integration for {@code ocean.host.gate-release-after})
   */
  record Start(String id, String trigger, Instant started, CompletionStage<DigestStore> digests,
      CompletableFuture<Ended> ended, Runnable leaveGate) {

    Start(String id, String trigger, Instant started, CompletionStage<DigestStore> digests,
        CompletableFuture<Ended> ended) {
      this(id, trigger, started, digests, ended, () -> { });
    }
  }

  private record MappingFetched(Optional<ObjectNode> integration, Throwable error) implements Command {}

  private record HooksStarted(Throwable error) implements Command {}

  private record Prepared(OptionalLong owned, OptionalLong unrecorded, long changedInPort, DigestStore digests,
      Throwable error) implements Command {}

  private record WorkerReport(KindWorker.Report report) implements Command {}

  private record WorkerStopped(int slot) implements Command {}

  private record RetryDone(FailedEntityRetry.Result result, Throwable error) implements Command {}

  private record FenceChecked(Optional<String> refusal) implements Command {}

  private record Reconciled(Reconciler.Result result, Throwable error) implements Command {}

  private enum ProgressTick implements Command { INSTANCE }

  private enum StallCheck implements Command { INSTANCE }

  /** Per kind of the run. */
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

  private final ActorContext<Command> context;
  private final Logger log;
  private final ResyncDependencies deps;
  private final ResyncPipeline pipeline;
  private final Start start;
  private final String id;
  private final Materializer mat;
  private final Reconciler reconciler;
  private final ActorRef<KindWorker.Report> reportAdapter;
  /** Read by the deletion phase before each request: set when this actor stops. */
  private final AtomicBoolean cancelled = new AtomicBoolean();
  /** Why the {@link DeleteFence} refused, once it did (set from stream threads; it also sets {@link #cancelled}). */
  private final AtomicReference<String> fenceRefusal = new AtomicReference<>();
  private final List<String> errors = new ArrayList<>();
  private MappingPlan plan;
  private ResyncScope scope;
  private ResyncRun run;
  private List<Slot> slots = List.of();
  private int nextSlot;
  private int running;
  private Reconciler.Result reconciliation = Reconciler.Result.skipped("the resync did not get that far");
  private String abortReason = "the resync stopped unexpectedly";
  /** The first call into the integration that exceeded its time limit, if one did. */
  private String hungCall;
  /** The most items fetched, written or skipped so far, and when that grew ({@code gate-release-after}). */
  private long progress = -1;
  private Instant progressAt;
  private boolean leftGate;
  /** In the phases that wait on the integration (its resync start hooks, the kinds): stalls are watched. */
  private boolean awaitingIntegration;

  static Behavior<Command> create(ResyncDependencies deps, Start start) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(ProgressTick.INSTANCE, deps.settings().progressInterval());
      Duration release = deps.isolation().gateReleaseAfter();
      if (!release.isZero() && !release.isNegative()) {
        Duration every = release.dividedBy(5);
        timers.startTimerWithFixedDelay(StallCheck.INSTANCE, every.toMillis() < 50 ? Duration.ofMillis(50) : every);
      }
      return new Resync(context, deps, start).fetchingMapping();
    }));
  }

  private Resync(ActorContext<Command> context, ResyncDependencies deps, Start start) {
    this.context = context;
    this.log = context.getLog();
    this.deps = deps;
    this.pipeline = new ResyncPipeline(deps.settings(), deps.port(), deps.mappingPool(), JSON);
    this.start = start;
    this.id = start.id();
    // Streams of this run (listing, deletion) are bound to this actor: stopping it stops them.
    this.mat = Materializer.createMaterializer(context);
    this.reconciler = new Reconciler(deps.port(), deps.settings(), mat);
    this.reportAdapter = context.messageAdapter(KindWorker.Report.class, WorkerReport::new);
    context.pipeToSelf(call(() -> deps.port().getIntegration()), MappingFetched::new);
  }

  // ---- phases ------------------------------------------------------------------------------------------------

  /** What every phase handles: progress, abort, the debug tick, and stopping. */
  private BehaviorBuilder<Command> phase() {
    return Behaviors.receive(Command.class)
        .onMessage(GetProgress.class, this::onGetProgress)
        .onMessage(Abort.class, this::onAbort)
        .onMessage(ProgressTick.class, this::onProgressTick)
        .onMessage(StallCheck.class, this::onStallCheck)
        .onSignal(PostStop.class, this::onPostStop);
  }

  private Behavior<Command> fetchingMapping() {
    return phase().onMessage(MappingFetched.class, this::onMappingFetched).build();
  }

  private Behavior<Command> startingHooks() {
    return phase().onMessage(HooksStarted.class, this::onHooksStarted).build();
  }

  private Behavior<Command> listingOwned() {
    return phase().onMessage(Prepared.class, this::onPrepared).build();
  }

  private Behavior<Command> runningKinds() {
    return phase()
        .onMessage(WorkerReport.class, this::onWorkerReport)
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .build();
  }

  private Behavior<Command> retrying() {
    return phase().onMessage(RetryDone.class, this::onRetryDone).build();
  }

  private Behavior<Command> fencing() {
    return phase().onMessage(FenceChecked.class, this::onFenceChecked).build();
  }

  private Behavior<Command> reconciling() {
    return phase().onMessage(Reconciled.class, this::onReconciled).build();
  }

  // ---- mapping and hooks -------------------------------------------------------------------------------------

  private Behavior<Command> onMappingFetched(MappingFetched msg) {
    if (msg.error() != null) {
      return fail("could not fetch the mapping from Port: " + Failures.message(msg.error()));
    }
    if (msg.integration().isEmpty()) {
      return fail("integration '" + deps.port().identity().identifier() + "' does not exist in Port");
    }
    JsonNode config = msg.integration().get().get("config");
    if (config == null || config.isNull() || (config.isObject() && config.size() == 0)) {
      // Deleting everything because a mapping was emptied is the incident users fear most: an empty mapping
      // syncs nothing and deletes nothing.
      reconciliation = Reconciler.Result.skipped("the mapping is empty");
      return end(Outcome.COMPLETED);
    }
    try {
      plan = deps.compiler().compile(config);
    } catch (RuntimeException e) {
      return fail("the mapping in Port is invalid: " + e.getMessage());
    }
    if (plan.resources().isEmpty()) {
      reconciliation = Reconciler.Result.skipped("the mapping has no resources");
      return end(Outcome.COMPLETED);
    }
    try {
      scope = ResyncScope.open(deps.sources(), id, mappedResources(config, plan, deps.settings()));
    } catch (RuntimeException e) {
      return fail("the mapping in Port is invalid: " + e.getMessage());
    }
    // The integration's resync start hooks run first; a failure there fails the resync before anything is read.
    ResyncScope hooks = scope;
    ResyncIsolation isolation = deps.isolation();
    context.pipeToSelf(isolation.calls().call("integration '" + deps.identifier() + "': the resync start hooks",
        isolation.hookTimeout(), () -> {
          hooks.start();
          return null;
        }), (v, e) -> new HooksStarted(e));
    awaitIntegration(true);
    return startingHooks();
  }

  private Behavior<Command> onHooksStarted(HooksStarted msg) {
    awaitIntegration(false);
    if (msg.error() != null) {
      if (Failures.unwrap(msg.error()) instanceof SpiTimeoutException hung) {
        hungCall = hung.getMessage();
      }
      return fail(Failures.message(msg.error()));
    }
    // The listing may fail without harm: the resync then writes everything.
    CompletionStage<Prepared> prepared = start.digests().thenCompose(d -> d == null
        ? CompletableFuture.completedFuture(new Prepared(OptionalLong.empty(), OptionalLong.empty(), 0, null, null))
        : call(() -> OwnedEntities.markPresent(deps.port(), d, mat)).handle((n, e) -> e == null
            ? new Prepared(OptionalLong.of(n.owned()), OptionalLong.of(n.unrecorded()), n.changedInPort(), d, null)
            : new Prepared(OptionalLong.empty(), OptionalLong.empty(), 0, d, e)));
    context.pipeToSelf(prepared,
        (p, e) -> e == null ? p : new Prepared(OptionalLong.empty(), OptionalLong.empty(), 0, null, e));
    return listingOwned();
  }

  private Behavior<Command> onPrepared(Prepared msg) {
    if (msg.error() != null) {
      log.warn("Listing the entities Port holds failed ({}); every entity will be written", Failures.message(msg.error()));
    }
    if (msg.changedInPort() > 0) {
      log.info("{} entities were changed in Port since this integration wrote them (live events, edits, another"
          + " writer, or a resync that did not finish); they are written again", msg.changedInPort());
    }
    run = new ResyncRun(id, start.started(), plan, msg.owned(), msg.unrecorded(),
        deps.settings().skipUnchanged() ? msg.digests() : null);
    List<Slot> all = new ArrayList<>();
    for (CompiledResource r : plan.resources()) {
      all.add(new Slot(all.size(), r));
    }
    slots = all;
    awaitIntegration(true);
    return startKinds(runningKinds());
  }

  // ---- kinds -------------------------------------------------------------------------------------------------

  /** Starts kinds up to the parallelism; {@code next} while some run, the next phase when all are done. */
  private Behavior<Command> startKinds(Behavior<Command> next) {
    while (running < deps.settings().kindParallelism() && nextSlot < slots.size()) {
      Slot slot = slots.get(nextSlot++);
      Optional<ResyncSource<?>> source;
      try {
        source = scope.source(slot.resource.index());
      } catch (RuntimeException e) {
        slot.done = true;
        slot.error = "kind '" + slot.resource.kind() + "' (resource " + slot.resource.index()
            + ") could not build its source: " + Failures.message(e);
        log.error("{}", slot.error);
        continue;
      }
      if (source.isEmpty()) {
        // Ocean's KindNotImplementedException: an error of the resync, so nothing is deleted.
        slot.done = true;
        slot.error = "kind '" + slot.resource.kind() + "' is in the mapping but the integration does not provide it";
        log.error("{}", slot.error);
        continue;
      }
      running++;
      // Each page runs on the process's threads for integrations' calls, within ocean.host.page-timeout.
      ResyncSource<?> guarded = deps.isolation().calls().guard(source.get(), "integration '" + deps.identifier()
          + "', kind '" + slot.resource.kind() + "'", deps.isolation().pageTimeout());
      var job = new KindWorker.Job(slot.slot, run, slot.resource, guarded, slot.counters, pipeline,
          deps.toJson(), reportAdapter);
      ResyncSettings.KindRestart r = deps.settings().kindRestart();
      // The restart budget is counted here, from AttemptFailed reports, and this actor stops the worker when it
      // is spent; supervision alone would stop it too, but its death notice can overtake the last report.
      Behavior<KindWorker.Command> behavior = Behaviors.supervise(KindWorker.create(job))
          .onFailure(KindWorker.KindFailedException.class,
              SupervisorStrategy.restartWithBackoff(r.minBackoff(), r.maxBackoff(), r.randomFactor())
                  .withResetBackoffAfter(Duration.ofDays(1)));
      slot.worker = context.spawn(behavior, "kind-" + slot.slot);
      context.watchWith(slot.worker, new WorkerStopped(slot.slot));
    }
    return running == 0 && nextSlot >= slots.size() ? afterKinds() : next;
  }

  private Behavior<Command> onWorkerReport(WorkerReport msg) {
    if (msg.report() instanceof KindWorker.KindDone done) {
      Slot slot = slots.get(done.slot());
      if (!slot.done) {
        slot.done = true;
        slot.result = done.result();
        context.unwatch(slot.worker);
        context.stop(slot.worker);
        running--;
        logKind(slot.result);
        return startKinds(Behaviors.same());
      }
    } else if (msg.report() instanceof KindWorker.AttemptFailed failed) {
      Slot slot = slots.get(failed.slot());
      slot.attempts++;
      slot.error = failed.message();
      if (failed.timedOut() && hungCall == null) {
        hungCall = failed.message();
      }
      // A page that timed out is not asked again: a hung 3rd party fails the kind within the page timeout.
      if (failed.timedOut() || deps.settings().kindRestart().exhausted(slot.attempts)) {
        context.stop(slot.worker);
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onWorkerStopped(WorkerStopped msg) {
    Slot slot = slots.get(msg.slot());
    if (slot.done) {
      return Behaviors.same();
    }
    slot.done = true;
    if (slot.error == null) {
      slot.error = "kind " + slot.resource.kind() + " stopped unexpectedly";
    }
    slot.error = slot.error + " (gave up after " + slot.attempts + " attempt" + (slot.attempts == 1 ? "" : "s") + ")";
    slot.result = slot.counters.snapshot();
    log.error("Resync {}: {}", id, slot.error);
    running--;
    return startKinds(Behaviors.same());
  }

  // ---- retry and deletion ------------------------------------------------------------------------------------

  private Behavior<Command> afterKinds() {
    awaitIntegration(false);
    List<ResyncRun.FailedEntity> failed = run.failedEntities();
    if (plan.createMissingRelatedEntities() || failed.isEmpty()) {
      return reconcile();
    }
    log.info("Resync {}: retrying {} failed entities in relation order", id, failed.size());
    context.pipeToSelf(call(() -> FailedEntityRetry.retry(deps.port(), failed, run.upsertOptions())), RetryDone::new);
    return retrying();
  }

  private Behavior<Command> onRetryDone(RetryDone msg) {
    if (msg.error() != null) {
      log.warn("Retrying failed entities failed: {}", Failures.message(msg.error()));
    } else {
      log.info("Retry of failed entities: {} landed, {} still rejected {}", msg.result().succeeded(),
          msg.result().failed(), msg.result().failures());
    }
    return reconcile();
  }

  private Behavior<Command> reconcile() {
    List<String> blockers = new ArrayList<>();
    for (Slot s : slots) {
      if (s.error != null) {
        blockers.add(s.error);
      } else if (s.result != null && s.result.hasErrors()) {
        blockers.add("kind " + s.resource.kind() + " had " + s.result.mappingErrors() + " mapping error(s), e.g. "
            + s.result.errors().get(0));
      }
    }
    errors.addAll(blockers);
    if (!blockers.isEmpty()) {
      Optional<String> blocked = Optional.of("Resync failed with " + blockers.size() + " error(s), skipping delete phase");
      context.pipeToSelf(call(() -> reconciler.reconcile(run, blocked, cancelled::get)), Reconciled::new);
      return reconciling();
    }
    // The fence is asked before the delete phase (here) and again before each delete request (mayDelete).
    context.pipeToSelf(checkFence(), (refusal, e) -> new FenceChecked(refusal));
    return fencing();
  }

  private Behavior<Command> onFenceChecked(FenceChecked msg) {
    if (msg.refusal().isPresent()) {
      return fenced(msg.refusal().get(), Reconciler.Result.skipped(msg.refusal().get()));
    }
    context.pipeToSelf(call(() -> reconciler.reconcile(run, Optional.empty(), cancelled::get, this::mayDelete,
        lastMoment())), Reconciled::new);
    return reconciling();
  }

  /** Asked by the delete stream before each request, off the actor: a refusal stops every later one. */
  private CompletionStage<Boolean> mayDelete() {
    return checkFence().thenApply(refusal -> {
      refusal.ifPresent(reason -> {
        fenceRefusal.compareAndSet(null, reason);
        cancelled.set(true);
      });
      return refusal.isEmpty();
    });
  }

  /**
   * The fence's check at the Port transport, right before each delete request is written; a refusal there stops
   * every later request like one of {@link #mayDelete}.
   */
  private DeleteGuard lastMoment() {
    DeleteGuard fence = deps.deleteFence().lastMoment(id);
    if (fence == DeleteGuard.NONE) {
      return DeleteGuard.NONE;
    }
    return new DeleteGuard() {
      @Override
      public CompletionStage<Admission> admit() {
        return call(fence::admit).handle((admission, e) -> e == null ? admission
            : Admission.refused("the delete fence could not be checked: " + Failures.message(e)));
      }

      @Override
      public Optional<String> lastLook() {
        return fence.lastLook();
      }

      @Override
      public void refused(String reason) {
        fenceRefusal.compareAndSet(null, reason);
        cancelled.set(true);
        fence.refused(reason);
      }
    };
  }

  /** The fence's answer; a check that fails or throws is a refusal. Never completes exceptionally. */
  private CompletionStage<Optional<String>> checkFence() {
    return call(() -> deps.deleteFence().check(id)).handle((refusal, e) -> e == null ? refusal
        : Optional.of("the delete fence could not be checked: " + Failures.message(e)));
  }

  /** The fence refused: no (further) deletion, outcome {@code ABORTED} with the reason. */
  private Behavior<Command> fenced(String reason, Reconciler.Result soFar) {
    log.warn("Resync {}: deletion fenced, aborting with no further deletion: {}", id, reason);
    errors.add(reason);
    reconciliation = soFar;
    return end(Outcome.ABORTED);
  }

  private Behavior<Command> onReconciled(Reconciled msg) {
    String refused = fenceRefusal.get();
    if (refused != null) {
      return fenced(refused, msg.result() != null ? msg.result() : Reconciler.Result.skipped(refused));
    }
    if (msg.error() != null) {
      errors.add("reconciliation failed: " + Failures.message(msg.error()));
      reconciliation = Reconciler.Result.skipped("reconciliation failed: " + Failures.message(msg.error()));
      return end(Outcome.FAILED);
    }
    Reconciler.Result r = msg.result();
    reconciliation = r;
    if (r.ran()) {
      log.info("Resync {}: {} owned, {} stale, {} protected as relation targets, {} deleted", id, r.owned(),
          r.stale(), r.protectedTargets(), r.deleted());
    } else {
      log.warn("Resync {}: deletion skipped: {}", id, r.skippedBecause().orElse(""));
    }
    errors.addAll(r.errors());
    if (!r.ran() && r.skippedBecause().orElse("").startsWith("listing the owned entities failed")) {
      errors.add(r.skippedBecause().get());
    }
    return end(errors.isEmpty() ? Outcome.COMPLETED : Outcome.FAILED);
  }

  // ---- the end -----------------------------------------------------------------------------------------------

  private Behavior<Command> fail(String error) {
    log.error("Resync {} failed: {}", id, error);
    errors.add(error);
    reconciliation = Reconciler.Result.skipped(error);
    return end(Outcome.FAILED);
  }

  private Behavior<Command> end(Outcome outcome) {
    complete(outcome);
    return Behaviors.stopped();
  }

  private Behavior<Command> onAbort(Abort msg) {
    abortReason = msg.reason();
    return Behaviors.stopped();
  }

  /** Stopped before the end: aborted. After the end: nothing left to do. */
  private Behavior<Command> onPostStop(PostStop signal) {
    cancelled.set(true);
    if (!start.ended().isDone()) {
      errors.add(abortReason);
      reconciliation = Reconciler.Result.skipped(abortReason);
      complete(Outcome.ABORTED);
    }
    return Behaviors.same();
  }

  private void complete(Outcome outcome) {
    ResyncFinished result = new ResyncFinished(id, start.trigger(), outcome, start.started(), deps.clock().instant(),
        kindResults(), reconciliation, outcome == Outcome.COMPLETED ? List.of() : List.copyOf(errors));
    if (scope != null) {
      // The integration's resync complete hooks run off the actor; their failures are only logged.
      ResyncScope ending = scope;
      Logger hookLog = log;
      ResyncIsolation isolation = deps.isolation();
      isolation.calls().call("integration '" + deps.identifier() + "': the resync complete hooks",
          isolation.hookTimeout(), () -> ending.end(outcome == Outcome.COMPLETED))
          .whenComplete((failures, e) -> (e == null ? failures : List.<Throwable>of(e))
              .forEach(f -> hookLog.warn("Resync {}: a resync complete hook failed: {}", ending.id(), f.toString())));
    }
    log.info("Resync {} {} in {} ms: {}", id, outcome, result.duration().toMillis(), summary(result));
    start.ended().complete(new Ended(result, Optional.ofNullable(run), Optional.ofNullable(hungCall)));
  }

  /** The end of a run whose actor stopped before it could run at all. */
  static Ended failedToStart(Start start, Instant now) {
    String error = "the resync stopped unexpectedly";
    return new Ended(new ResyncFinished(start.id(), start.trigger(), Outcome.FAILED, start.started(), now, List.of(),
        Reconciler.Result.skipped(error), List.of(error)), Optional.empty());
  }

  private static String summary(ResyncFinished f) {
    long up = f.kinds().stream().mapToLong(KindResult::upserted).sum();
    long same = f.kinds().stream().mapToLong(KindResult::unchanged).sum();
    long failed = f.kinds().stream().mapToLong(KindResult::failedTotal).sum();
    return up + " upserted, " + same + " unchanged, " + failed + " failed, " + f.reconciliation().deleted()
        + " deleted" + (f.errors().isEmpty() ? "" : ", errors: " + f.errors());
  }

  // ---- progress ----------------------------------------------------------------------------------------------

  private Behavior<Command> onGetProgress(GetProgress msg) {
    msg.replyTo().tell(new ResyncProgress(id, start.trigger(), start.started(), kindResults(),
        slots.stream().filter(s -> s.result != null).map(s -> s.result.index()).collect(Collectors.toSet())));
    return Behaviors.same();
  }

  private Behavior<Command> onProgressTick(ProgressTick tick) {
    // Debug only: the runtime's ProgressReporter prints the user-facing progress lines (pace now and on average).
    if (log.isDebugEnabled()) {
      log.debug("Resync {} running: {}", id, kindResults().stream()
          .map(k -> k.kind() + " fetched=" + k.fetched() + " upserted=" + k.upserted() + " unchanged=" + k.unchanged())
          .toList());
    }
    return Behaviors.same();
  }

  /** Per kind in mapping order: final or so far, with the kind's error or a line on its mapping errors. */
  /**
   * A run that received nothing from its integration for {@code ocean.host.gate-release-after} (a hung 3rd party
   * until its page times out, a kind waiting to restart, a slow resync start hook) gives its place at the gate to
   * the next run in line: waiting on the 3rd party costs no CPU, and the others must not wait for its time limit.
   * Only the phases that wait on the integration are watched (not the listing of Port's entities, the retries or
   * the deletions, which wait on Port).
   */
  private void awaitIntegration(boolean on) {
    awaitingIntegration = on;
    progress = -1;
  }

  private Behavior<Command> onStallCheck(StallCheck tick) {
    if (leftGate || !awaitingIntegration) {
      return Behaviors.same();
    }
    long now = nextSlot;
    for (Slot s : slots) {
      KindResult r = s.result != null ? s.result : s.counters.snapshot();
      now += r.fetched() + r.upserted() + r.unchanged() + r.failedTotal() + (s.done ? 1 : 0);
    }
    Instant at = deps.clock().instant();
    // Only new progress counts: a kind that restarts reads (and writes) its first items again from zero.
    if (now > progress) {
      progress = now;
      progressAt = at;
    } else if (Duration.between(progressAt, at).compareTo(deps.isolation().gateReleaseAfter()) >= 0) {
      leftGate = true;
      log.info("Resync {} received nothing from its integration for {} ms: its place among the resyncs that run at"
          + " once goes to the next in line (ocean.host.gate-release-after)", id,
          deps.isolation().gateReleaseAfter().toMillis());
      start.leaveGate().run();
    }
    return Behaviors.same();
  }

  private List<KindResult> kindResults() {
    List<KindResult> out = new ArrayList<>();
    for (Slot s : slots) {
      KindResult r = s.result != null ? s.result : s.counters.snapshot();
      String error = s.error != null || !r.hasErrors() ? s.error
          : r.mappingErrors() + " mapping error(s), e.g. " + r.errors().get(0);
      out.add(r.withError(error));
    }
    return List.copyOf(out);
  }

  private void logKind(KindResult r) {
    // "failed" is what the summary and /status count: entities Port rejected plus items the mapping failed on.
    log.info("Kind {} (resource {}): fetched {}, mapped {}, filtered out {}, upserted {}, unchanged {},"
        + " failed {} (rejected by Port {}, mapping errors {})", r.kind(), r.index(), r.fetched(), r.mapped(),
        r.filteredOut(), r.upserted(), r.unchanged(), r.failedTotal(), r.failed(), r.mappingErrors());
    if (!r.misconfigured().isEmpty()) {
      log.warn("Kind {}: misconfigured mapping fields (null or failed): {}", r.kind(), r.misconfigured());
    }
    if (!r.failedEntities().isEmpty()) {
      log.warn("Kind {}: {} entities rejected by Port, e.g. {}", r.kind(), r.failed(), r.failedEntities());
    }
  }

  private static List<MappedResource> mappedResources(JsonNode config, MappingPlan plan, ResyncSettings settings) {
    List<MappedResource> resources = new ArrayList<>();
    for (CompiledResource r : plan.resources()) {
      JsonNode selector = config.path("resources").path(r.index()).path("selector");
      resources.add(new MappedResource(r.index(), r.kind(), selector instanceof ObjectNode o
          ? o : JsonNodeFactory.instance.objectNode(), ResyncPipeline.rawFields(r, settings)));
    }
    return resources;
  }

  // ---- helpers shared by the package -------------------------------------------------------------------------

  /** Runs a client call, turning a synchronous throw into a failed stage. */
  static <T> CompletionStage<T> call(Supplier<CompletionStage<T>> f) {
    try {
      return f.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}

package dev.oceanj.actors.resync;

import dev.oceanj.actors.resync.ResyncProtocol.AbortResync;
import dev.oceanj.actors.resync.ResyncProtocol.Disposition;
import dev.oceanj.actors.resync.ResyncProtocol.GetStatus;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.Status;
import dev.oceanj.core.sync.LiveWrites;
import dev.oceanj.core.sync.Reconciler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One per integration: runs full resyncs, one at a time. Triggers (once, polling, webhook, Kafka, schedule),
 * the HTTP routes and the runtime send it {@link ResyncProtocol} commands and nothing else.
 *
 * <p>It holds the policy and what outlives a run: a {@link StartResync} that finds a resync running restarts,
 * queues or is skipped as it asks; it keeps the last finished resync, the skip-unchanged store, and Port's resync
 * state ({@link ResyncStateReport}). Each run is a {@link Resync} child ({@code resync-<seq>}) that it watches;
 * the child goes through the phases, spawns the kind workers, completes the run's {@link Resync.Ended} promise
 * and stops. A restart or an {@link AbortResync} stops the child (and with it its kind workers): Port hears
 * {@code aborted} at once and nothing is deleted. {@code GetStatus} asks the running child for its progress.
 *
 * <p>Before it spawns a run it enters the process's {@link ResyncGate} ({@code ocean.host.max-concurrent-resyncs},
 * shared by every integration the process hosts): until admitted the run is pending ({@link Status#pending()}), a
 * SKIP request is skipped, a QUEUE request joins it, a RESTART request takes its place in line and an
 * {@link AbortResync} ends it as aborted (Port never heard it was running). The run leaves the gate once its child
 * has stopped, and the supervisor leaves it when it stops or restarts itself, so a place is never lost.
 *
 * <p>In cluster mode (its dependencies carry a {@link DeleteFence} other than {@link DeleteFence#OPEN}) the
 * instance may have moved here from a node that died mid-resync: before its first state it marks a resync Port
 * still shows {@code running} as {@code aborted}.
 */
public final class IntegrationSupervisor extends AbstractBehavior<ResyncProtocol.Command> {

  private interface Internal extends ResyncProtocol.Command {}

  /** The running child stopped: it ended (or crashed). Only the running child is watched. */
  private record RunStopped(Run run) implements Internal {}

  /** The child of an aborted run has stopped and told how far it got. */
  private record AbortedRunEnded(Run run, Resync.Ended ended) implements Internal {}

  private record ProgressAnswered(ActorRef<Status> replyTo, ResyncProgress progress) implements Internal {}

  /** The gate let {@code ticket}'s run start. */
  private record Admitted(ResyncGate.Ticket ticket) implements Internal {}

  /**
   * A run: pending (waiting at the gate: {@code start} and {@code child} are null), then started.
   *
   * @param since when it was asked for
   */
  private record Run(String id, String trigger, Instant since, ResyncGate.Ticket ticket,
      List<ActorRef<ResyncFinished>> waiters, Resync.Start start, ActorRef<Resync.Command> child) {

    boolean pending() {
      return child == null;
    }
  }

  /** QUEUE requests that arrived while a resync ran collapse into this one. */
  private record Queued(String id, String trigger, List<ActorRef<ResyncFinished>> waiters) {}

  private final ResyncDependencies deps;
  private final ResyncStateReport state;
  private final SkipUnchangedStore digests;
  /** Places taken at the gate and not yet given back (the running run's, and aborted runs' until they stop). */
  private final Set<ResyncGate.Ticket> held = new HashSet<>();
  /** Told of every resync that ends ({@link ResyncProtocol.WatchResyncs}). */
  private final List<ActorRef<ResyncProtocol.ResyncEnded>> watchers = new ArrayList<>();
  private Run running;
  private Queued queued;
  private ResyncFinished last;
  private long sequence;

  public static Behavior<ResyncProtocol.Command> create(ResyncDependencies deps) {
    return create(deps, new LiveWrites());
  }

  /**
   * @param liveWrites what the live-event path of the same integration writes; its entities are never skipped
   *     by the next resync
   */
  public static Behavior<ResyncProtocol.Command> create(ResyncDependencies deps, LiveWrites liveWrites) {
    return Behaviors.setup(context -> new IntegrationSupervisor(context, deps, liveWrites));
  }

  private IntegrationSupervisor(ActorContext<ResyncProtocol.Command> context, ResyncDependencies deps,
      LiveWrites liveWrites) {
    super(context);
    this.deps = deps;
    this.state = new ResyncStateReport(deps.port(), deps.scheduledResyncInterval(), deps.clock());
    if (deps.deleteFence() != DeleteFence.OPEN) {
      // Fenced means clustered: this instance may have run on a node that died mid-resync, leaving Port's state
      // "running". It is marked aborted before this node's first state; the next resync is a new one, never resumed.
      state.abortOrphaned();
    }
    this.digests = new SkipUnchangedStore(deps.settings().skipUnchanged(), deps.settings().dataDir(),
        deps.port().identity().identifier(), liveWrites, deps.mappingPool());
  }

  @Override
  public Receive<ResyncProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartResync.class, this::onStartResync)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(ResyncProtocol.WatchResyncs.class, this::onWatchResyncs)
        .onMessage(AbortResync.class, this::onAbortResync)
        .onMessage(RunStopped.class, this::onRunStopped)
        .onMessage(AbortedRunEnded.class, this::onAbortedRunEnded)
        .onMessage(ProgressAnswered.class, this::onProgressAnswered)
        .onMessage(Admitted.class, this::onAdmitted)
        .onSignal(PostStop.class, s -> leaveGate())
        .onSignal(PreRestart.class, s -> leaveGate())
        .build();
  }

  private Behavior<ResyncProtocol.Command> onStartResync(StartResync cmd) {
    List<ActorRef<ResyncFinished>> waiters = cmd.finishedTo() == null ? List.of() : List.of(cmd.finishedTo());
    if (running == null) {
      String id = UUID.randomUUID().toString();
      reply(cmd.acceptedTo(), new ResyncAccepted(id, Disposition.STARTED));
      begin(id, cmd.trigger(), waiters);
      return this;
    }
    if (running.pending()) {
      return onStartWhilePending(cmd, waiters);
    }
    switch (cmd.whenRunning()) {
      case SKIP:
        reply(cmd.acceptedTo(), new ResyncAccepted(running.id(), Disposition.SKIPPED));
        break;
      case QUEUE:
        if (queued == null) {
          queued = new Queued(UUID.randomUUID().toString(), cmd.trigger(), new ArrayList<>());
        }
        queued.waiters().addAll(waiters);
        reply(cmd.acceptedTo(), new ResyncAccepted(queued.id(), Disposition.QUEUED));
        break;
      default:
        getContext().getLog().info("Aborting resync {} due to a newer resync request ({})", running.id(),
            cmd.trigger());
        abort("aborted by a newer resync request (" + cmd.trigger() + ")");
        String id = UUID.randomUUID().toString();
        reply(cmd.acceptedTo(), new ResyncAccepted(id, Disposition.RESTARTED));
        begin(id, cmd.trigger(), waiters);
    }
    return this;
  }

  /** A run waits at the gate: nothing of it has started, so a request joins it or takes its place in line. */
  private Behavior<ResyncProtocol.Command> onStartWhilePending(StartResync cmd, List<ActorRef<ResyncFinished>> waiters) {
    switch (cmd.whenRunning()) {
      case SKIP:
        reply(cmd.acceptedTo(), new ResyncAccepted(running.id(), Disposition.SKIPPED));
        break;
      case QUEUE:
        // The pending run reads everything after this request anyway: it is the one more run asked for.
        running = withWaiters(running, waiters);
        reply(cmd.acceptedTo(), new ResyncAccepted(running.id(), Disposition.QUEUED));
        break;
      default:
        Run replaced = running;
        String id = UUID.randomUUID().toString();
        getContext().getLog().info("Resync {} replaces pending resync {} ({})", id, replaced.id(), cmd.trigger());
        running = new Run(id, cmd.trigger(), deps.clock().instant(), replaced.ticket(), List.copyOf(waiters), null,
            null);
        announce(replaced, notStarted(replaced, "aborted by a newer resync request (" + cmd.trigger() + ")"));
        reply(cmd.acceptedTo(), new ResyncAccepted(id, Disposition.RESTARTED));
    }
    return this;
  }

  private static Run withWaiters(Run run, List<ActorRef<ResyncFinished>> more) {
    List<ActorRef<ResyncFinished>> all = new ArrayList<>(run.waiters());
    all.addAll(more);
    return new Run(run.id(), run.trigger(), run.since(), run.ticket(), List.copyOf(all), run.start(), run.child());
  }

  private Behavior<ResyncProtocol.Command> onGetStatus(GetStatus cmd) {
    if (running != null && running.pending()) {
      var pending = new ResyncProtocol.ResyncPending(running.id(), running.trigger(), running.since(),
          running.ticket().position(), deps.isolation().gate().limit());
      cmd.replyTo().tell(new Status(Optional.empty(), Optional.ofNullable(last), Optional.of(pending)));
      return this;
    }
    if (running == null || running.start().ended().isDone()) {
      // A run that has ended but whose stop is not yet seen here is reported as the last one.
      Optional<ResyncFinished> ended = Optional.ofNullable(running).map(r -> r.start().ended().join().result());
      cmd.replyTo().tell(new Status(Optional.empty(), ended.or(() -> Optional.ofNullable(last))));
      return this;
    }
    ActorRef<Status> replyTo = cmd.replyTo();
    getContext().ask(ResyncProgress.class, running.child(), deps.askTimeout(), Resync.GetProgress::new,
        (progress, e) -> new ProgressAnswered(replyTo, progress));
    return this;
  }

  private Behavior<ResyncProtocol.Command> onWatchResyncs(ResyncProtocol.WatchResyncs cmd) {
    watchers.add(cmd.subscriber());
    return this;
  }

  private Behavior<ResyncProtocol.Command> onProgressAnswered(ProgressAnswered msg) {
    msg.replyTo().tell(new Status(Optional.ofNullable(msg.progress()), Optional.ofNullable(last)));
    return this;
  }

  private Behavior<ResyncProtocol.Command> onAbortResync(AbortResync cmd) {
    queued = null;
    if (running != null) {
      abort(cmd.reason());
    }
    // Answer once the state patches issued so far (including "aborted") have gone out.
    ActorRef<ResyncProtocol.Done> replyTo = cmd.replyTo();
    state.sent().whenComplete((v, e) -> replyTo.tell(ResyncProtocol.Done.INSTANCE));
    return this;
  }

  /** Takes a place at the gate; the run starts at once when there is room, else when {@link Admitted}. */
  private void begin(String id, String trigger, List<ActorRef<ResyncFinished>> waiters) {
    ResyncGate.Ticket ticket = deps.isolation().gate().enter(deps.identifier());
    held.add(ticket);
    running = new Run(id, trigger, deps.clock().instant(), ticket, List.copyOf(waiters), null, null);
    if (ticket.admitted().isDone()) {
      launch();
      return;
    }
    getContext().getLog().info("Resync {} ({}) waits for its turn: place {} in line, {} resyncs run at once"
        + " (ocean.host.max-concurrent-resyncs)", id, trigger, ticket.position(), deps.isolation().gate().limit());
    getContext().pipeToSelf(ticket.admitted(), (v, e) -> new Admitted(ticket));
  }

  private Behavior<ResyncProtocol.Command> onAdmitted(Admitted msg) {
    if (running != null && running.pending() && running.ticket() == msg.ticket()) {
      launch();
    } else if (!msg.ticket().admitted().isCancelled()) {
      leave(msg.ticket()); // its run was aborted meanwhile
    }
    return this;
  }

  /** Spawns the pending run's child. */
  private void launch() {
    Run pending = running;
    Instant started = deps.clock().instant();
    getContext().getLog().info("Resync {} started ({})", pending.id(), pending.trigger());
    state.report("running", started, null);
    ResyncGate.Ticket ticket = pending.ticket();
    // Thread-safe and idempotent: the run's end leaves (again) as always.
    var start = new Resync.Start(pending.id(), pending.trigger(), started, digests.forNextResync(),
        new CompletableFuture<>(), ticket::leave);
    ActorRef<Resync.Command> child = getContext().spawn(Resync.create(deps, start), "resync-" + ++sequence);
    running = new Run(pending.id(), pending.trigger(), pending.since(), pending.ticket(), pending.waiters(), start,
        child);
    getContext().watchWith(child, new RunStopped(running));
    deps.deleteFence().resyncRunning(pending.id(), true);
    start.ended().whenComplete((ended, e) -> deps.deleteFence().resyncRunning(pending.id(), false));
  }

  private void leave(ResyncGate.Ticket ticket) {
    held.remove(ticket);
    ticket.leave();
  }

  private Behavior<ResyncProtocol.Command> leaveGate() {
    held.forEach(ResyncGate.Ticket::leave);
    held.clear();
    return this;
  }

  /** The end of a run that never started (aborted while it waited at the gate). */
  private Resync.Ended notStarted(Run run, String reason) {
    Instant now = deps.clock().instant();
    return new Resync.Ended(new ResyncFinished(run.id(), run.trigger(), ResyncProtocol.Outcome.ABORTED, now, now,
        List.of(), Reconciler.Result.skipped(reason), List.of(reason)), Optional.empty());
  }

  /** Stops the running resync: its child and kind workers, no deletion, state {@code aborted}. */
  private void abort(String reason) {
    Run run = running;
    running = null;
    if (run.pending()) {
      // Port never heard it was running, and nothing was read: it ends here.
      leave(run.ticket());
      announce(run, notStarted(run, reason));
      return;
    }
    getContext().unwatch(run.child());
    if (run.start().ended().isDone()) {
      finish(run, run.start().ended().join()); // it ended just before: nothing left to abort
      return;
    }
    run.child().tell(new Resync.Abort(reason));
    state.report("aborted", null, deps.clock().instant());
    getContext().pipeToSelf(run.start().ended(), (ended, e) -> new AbortedRunEnded(run, ended));
  }

  private Behavior<ResyncProtocol.Command> onAbortedRunEnded(AbortedRunEnded msg) {
    leave(msg.run().ticket());
    announce(msg.run(), msg.ended());
    return this;
  }

  private Behavior<ResyncProtocol.Command> onRunStopped(RunStopped msg) {
    running = null;
    deps.deleteFence().resyncRunning(msg.run().id(), false); // also when the child stopped without ending its run
    // The child completes the promise before it stops (a crash too: its PostStop does), unless it failed to start.
    Resync.Start start = msg.run().start();
    finish(msg.run(), start.ended().getNow(Resync.failedToStart(start, deps.clock().instant())));
    if (queued != null) {
      Queued q = queued;
      queued = null;
      begin(q.id(), q.trigger(), q.waiters());
    }
    return this;
  }

  private void finish(Run run, Resync.Ended ended) {
    leave(run.ticket());
    ResyncFinished result = ended.result();
    state.report(result.outcome().name().toLowerCase(Locale.ROOT), null, result.finished());
    announce(run, ended);
  }

  /** Keeps the result and tells the waiters once Port knows the final state and the store is on disk. */
  private void announce(Run run, Resync.Ended ended) {
    ResyncFinished result = ended.result();
    CompletionStage<Void> saved = digests.save(result.outcome(), ended.run());
    last = result;
    // A ONCE run that exits on this answer leaves both Port's state and the skip-unchanged store up to date.
    var ends = new ResyncProtocol.ResyncEnded(result, ended.hungCall());
    List<ActorRef<ResyncProtocol.ResyncEnded>> told = List.copyOf(watchers);
    state.sent().thenCombine(saved.exceptionally(e -> null), (a, b) -> null)
        .whenComplete((v, e) -> {
          run.waiters().forEach(w -> w.tell(result));
          told.forEach(w -> w.tell(ends));
        });
  }

  private static <T> void reply(ActorRef<T> to, T message) {
    if (to != null) {
      to.tell(message);
    }
  }
}

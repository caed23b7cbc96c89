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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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

  private record Run(Resync.Start start, ActorRef<Resync.Command> child, List<ActorRef<ResyncFinished>> waiters) {}

  /** QUEUE requests that arrived while a resync ran collapse into this one. */
  private record Queued(String id, String trigger, List<ActorRef<ResyncFinished>> waiters) {}

  private final ResyncDependencies deps;
  private final ResyncStateReport state;
  private final SkipUnchangedStore digests;
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
        .onMessage(AbortResync.class, this::onAbortResync)
        .onMessage(RunStopped.class, this::onRunStopped)
        .onMessage(AbortedRunEnded.class, this::onAbortedRunEnded)
        .onMessage(ProgressAnswered.class, this::onProgressAnswered)
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
    switch (cmd.whenRunning()) {
      case SKIP:
        reply(cmd.acceptedTo(), new ResyncAccepted(running.start().id(), Disposition.SKIPPED));
        break;
      case QUEUE:
        if (queued == null) {
          queued = new Queued(UUID.randomUUID().toString(), cmd.trigger(), new ArrayList<>());
        }
        queued.waiters().addAll(waiters);
        reply(cmd.acceptedTo(), new ResyncAccepted(queued.id(), Disposition.QUEUED));
        break;
      default:
        getContext().getLog().info("Aborting resync {} due to a newer resync request ({})", running.start().id(),
            cmd.trigger());
        abort("aborted by a newer resync request (" + cmd.trigger() + ")");
        String id = UUID.randomUUID().toString();
        reply(cmd.acceptedTo(), new ResyncAccepted(id, Disposition.RESTARTED));
        begin(id, cmd.trigger(), waiters);
    }
    return this;
  }

  private Behavior<ResyncProtocol.Command> onGetStatus(GetStatus cmd) {
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

  private void begin(String id, String trigger, List<ActorRef<ResyncFinished>> waiters) {
    Instant started = deps.clock().instant();
    getContext().getLog().info("Resync {} started ({})", id, trigger);
    state.report("running", started, null);
    var start = new Resync.Start(id, trigger, started, digests.forNextResync(), new CompletableFuture<>());
    ActorRef<Resync.Command> child = getContext().spawn(Resync.create(deps, start), "resync-" + ++sequence);
    running = new Run(start, child, List.copyOf(waiters));
    getContext().watchWith(child, new RunStopped(running));
  }

  /** Stops the running resync: its child and kind workers, no deletion, state {@code aborted}. */
  private void abort(String reason) {
    Run run = running;
    running = null;
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
    announce(msg.run(), msg.ended());
    return this;
  }

  private Behavior<ResyncProtocol.Command> onRunStopped(RunStopped msg) {
    running = null;
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
    state.sent().thenCombine(saved.exceptionally(e -> null), (a, b) -> null)
        .whenComplete((v, e) -> run.waiters().forEach(w -> w.tell(result)));
  }

  private static <T> void reply(ActorRef<T> to, T message) {
    if (to != null) {
      to.tell(message);
    }
  }
}

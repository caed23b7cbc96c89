package dev.oceanj.cluster.fencing;

import dev.oceanj.actors.resync.DeleteFence;
import dev.oceanj.cluster.sharding.BusyInstances;
import dev.oceanj.core.config.FencingSettings;
import dev.oceanj.core.port.DeleteGuard;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deletion fence of one integration instance on one cluster node: a resync on this node may delete only while
 * this node provably still owns the instance. A node paused by GC or {@code SIGSTOP}, or cut off, can still be
 * running a resync while the survivors have moved the instance and started a new one; its deletes must not go out.
 *
 * <p><b>The epoch.</b> {@link #create} claims ownership at once: it reads the replicated map
 * {@value #KEY_ID} ({@code LWWMap<identifier, owner>}) from a majority of nodes, then writes
 * {@code (this node incarnation, highest epoch seen + 1)} with {@code WriteMajority}, retrying while the fence is open
 * until a majority stored it. The map's registers are timestamped with the epoch itself, so the highest epoch wins
 * every merge, whatever the nodes' clocks say.
 *
 * <p><b>The check</b> ({@link #check}) passes only if all of these hold, and answers the first that does not:
 * <ol>
 *   <li>the instance's entity still lives here: the fence is not {@linkplain #close() closed} (the entity closes it
 *       when it stops: handed over, passivated or its node leaving);
 *   <li>this node is {@code Up} and the cluster has no unreachable members (a partition, or a paused node, may mean
 *       the other side is deciding without us);
 *   <li>a {@code ReadMajority} of the map still names this node's claim (node incarnation and epoch).
 * </ol>
 * The local conditions are checked again once the majority has answered. A read that fails or times out is a
 * refusal, and so is a check that took longer than {@link FencingSettings#checkDeadline()}: a majority's answer
 * that reaches a node only after a long pause is stale. A zombie cannot pass: after it was downed its status is no longer {@code Up}, the survivors are
 * unreachable to it, it can no longer reach a majority, and the survivors' new owner holds a higher epoch.
 *
 * <p><b>At the Port transport</b> ({@link #lastMoment}): a delete request that passed {@link #check} may still wait
 * in the write limiter or for a connection, and a node frozen there must not send it once thawed. The transport asks
 * the fence again right before it hands the request to its I/O thread: the local conditions always, and a majority
 * read only when no positive check began within {@link FencingSettings#reuseWindow()} (a positive check is reused
 * for that long, so a delete phase costs about one majority read per window, not one per request). The admitted
 * request carries a horizon, the start of the positive check plus {@link FencingSettings#checkDeadline()} by the
 * monotonic clock, and the I/O thread writes it only before that horizon and while the local conditions hold. The
 * horizon is safe because another node can own the instance only after this one was downed or handed it over: a
 * handover closes this fence first, and downing takes the failure detector's acceptable-heartbeat-pause plus the
 * Split Brain Resolver's {@code stable-after} after this node was last heard, longer than the deadline (the
 * settings refuse a deadline not below {@code stable-after}). The monotonic clock keeps running while the process
 * is stopped ({@code SIGSTOP}, GC); it does not see a whole virtual machine suspended, which is what a lease would
 * add (README, cluster mode).
 *
 * <p>Every node must answer the majority reads and writes, including nodes that host no instance: call
 * {@link #init} once on each node when it joins. Then give each activation of the instance on this node its own
 * fence: {@link #fenced} wraps the integration supervisor's behaviour (a fence per spawn, closed when the actor
 * stops); or, by hand, {@code deps.withDeleteFence(ClusterDeleteFence.create(system, identifier))} when the entity
 * starts here and {@link #close()} when it stops. Thread-safe; {@link #check} never blocks.
 */
public final class ClusterDeleteFence implements DeleteFence, AutoCloseable {

  /** The Distributed Data key of the ownership map. */
  public static final String KEY_ID = "oceanj-ownership";

  static final Key<LWWMap<String, String>> KEY = LWWMapKey.create(KEY_ID);

  private static final Logger log = LoggerFactory.getLogger(ClusterDeleteFence.class);

  /** LWW by epoch: a newer claim wins every merge, whatever the wall clocks say. */
  private static final LWWRegister.Clock<String> BY_EPOCH = (current, value) -> Owner.parse(value).epoch();

  private final ActorSystem<?> system;
  private final String identifier;
  private final FencingSettings settings;
  private final Cluster cluster;
  private final ActorRef<Replicator.Command> replicator;
  private final SelfUniqueAddress self;
  private final String node;
  /** The claim this node wrote last (possibly not yet stored by a majority); null before the first write. */
  private final AtomicReference<Owner> mine = new AtomicReference<>();
  private final CompletableFuture<Owner> claimed = new CompletableFuture<>();
  private volatile boolean closed;
  /** The resync this instance is marked busy with on this node, or null. */
  private String busyWith;
  /** {@link System#nanoTime()} when the latest positive check began; null before the first. */
  private volatile Long vouchedSince;

  private ClusterDeleteFence(ActorSystem<?> system, String identifier, FencingSettings settings) {
    this.system = system;
    this.identifier = identifier;
    this.settings = settings;
    this.cluster = Cluster.get(system);
    DistributedData ddata = DistributedData.get(system);
    this.replicator = ddata.replicator();
    this.self = ddata.selfUniqueAddress();
    this.node = Owner.nodeOf(cluster.selfMember().uniqueAddress());
  }

  /**
   * Starts this node's Distributed Data replicator, which answers the other nodes' majority reads and writes of
   * the ownership map. Call it on every node of the cluster at start (idempotent); a node that never did is not
   * counted in any majority, so with it a majority may not be reached at all.
   */
  public static void init(ActorSystem<?> system) {
    DistributedData.get(system);
  }

  /**
   * The fence of {@code identifier} on this node, with the default {@link FencingSettings}; starts claiming
   * ownership at once. Call it when the instance's entity starts here, and {@link #close()} it when it stops.
   */
  public static ClusterDeleteFence create(ActorSystem<?> system, String identifier) {
    return create(system, identifier, FencingSettings.defaults());
  }

  /** As {@link #create(ActorSystem, String)}, with {@code settings}. */
  public static ClusterDeleteFence create(ActorSystem<?> system, String identifier, FencingSettings settings) {
    if (identifier == null || identifier.isBlank()) {
      throw new IllegalArgumentException("the fenced integration identifier must not be blank");
    }
    ClusterDeleteFence fence = new ClusterDeleteFence(system, identifier, settings);
    fence.claim();
    return fence;
  }

  /**
   * {@code behavior} with a fence of its own: each time it is spawned (each activation of the instance on this node)
   * a new fence claims the ownership of {@code identifier}, and the fence closes when the actor stops or restarts.
   * What cluster mode wraps the integration supervisor in:
   * {@code fenced(identifier, fence -> IntegrationSupervisor.create(deps.withDeleteFence(fence), liveWrites))}.
   */
  public static <T> Behavior<T> fenced(String identifier, Function<DeleteFence, Behavior<T>> behavior) {
    return fenced(identifier, FencingSettings.defaults(), behavior);
  }

  /** As {@link #fenced(String, Function)}, with {@code settings} ({@code ocean.cluster.fencing}). */
  public static <T> Behavior<T> fenced(String identifier, FencingSettings settings,
      Function<DeleteFence, Behavior<T>> behavior) {
    return Behaviors.setup(context -> {
      ClusterDeleteFence fence = create(context.getSystem(), identifier, settings);
      return Behaviors.intercept(() -> new ClosedWithTheActor<T>(fence), behavior.apply(fence));
    });
  }

  /** Closes the fence when the actor it wraps stops or restarts; passes everything through. */
  private static final class ClosedWithTheActor<T> extends BehaviorInterceptor<T, T> {
    private final ClusterDeleteFence fence;

    @SuppressWarnings("unchecked")
    ClosedWithTheActor(ClusterDeleteFence fence) {
      super((Class<T>) (Class<?>) Object.class);
      this.fence = fence;
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> context, T message, ReceiveTarget<T> target) {
      return target.apply(context, message);
    }

    @Override
    public Behavior<T> aroundSignal(TypedActorContext<T> context, Signal signal, SignalTarget<T> target) {
      if (signal instanceof PostStop || signal instanceof PreRestart) {
        fence.close();
      }
      return target.apply(context, signal);
    }
  }

  /** The instance this fence guards. */
  public String identifier() {
    return identifier;
  }

  /** Completes with this node's claim once a majority has stored it (never, if the fence closes first). */
  public CompletionStage<Owner> claimed() {
    return claimed;
  }

  /**
   * The entity stopped on this node: every later check refuses, a claim still being retried stops, and the instance
   * is no longer marked busy here.
   */
  @Override
  public void close() {
    closed = true;
    notBusy(null);
  }

  /** Marks the instance busy while one of its resyncs runs here, for the rebalance ({@link BusyInstances}). */
  @Override
  public void resyncRunning(String resyncId, boolean running) {
    if (running && !closed) {
      busy(resyncId);
    } else {
      notBusy(resyncId);
    }
  }

  private synchronized void busy(String resyncId) {
    busyWith = resyncId;
    BusyInstances.mark(system, identifier, true);
  }

  /** Clears the mark if {@code resyncId} (any, when null) set it: an aborted run may end after the next began. */
  private synchronized void notBusy(String resyncId) {
    if (busyWith != null && (resyncId == null || resyncId.equals(busyWith))) {
      busyWith = null;
      BusyInstances.mark(system, identifier, false);
    }
  }

  @Override
  public CompletionStage<Optional<String>> check(String resyncId) {
    Optional<String> local = localRefusal();
    Owner me = mine.get();
    if (local.isPresent() || me == null) {
      return CompletableFuture.completedFuture(local.isPresent() ? local
          : Optional.of("this node has not yet claimed the ownership of " + identifier));
    }
    long began = System.nanoTime();
    return readMajority().handle((owners, error) -> {
      Duration took = Duration.ofNanos(System.nanoTime() - began);
      if (took.compareTo(settings.checkDeadline()) > 0) {
        // A majority's answer is only as fresh as the moment it was given: a pause since then may hide a takeover.
        return Optional.of("the ownership check of " + identifier + " took " + took.toMillis() + " ms, over its "
            + settings.checkDeadline().toMillis() + " ms deadline (was this node paused?)");
      }
      if (error != null) {
        return Optional.of("a majority of nodes could not be read for the ownership of " + identifier + " ("
            + describe(error) + ")");
      }
      Optional<Owner> current = owners.flatMap(m -> Optional.ofNullable(m.getEntries().get(identifier)))
          .map(Owner::parse);
      if (current.isEmpty()) {
        return Optional.of("no owner of " + identifier + " is recorded in a majority of nodes");
      }
      if (!current.get().equals(mine.get())) {
        return Optional.of(identifier + " is owned by " + current.get() + ", not by this node's claim " + me);
      }
      // The world may have changed while the majority answered.
      Optional<String> now = localRefusal();
      if (now.isEmpty()) {
        vouch(began);
      }
      return now;
    });
  }

  /** Remembers the start of a positive check, if it is the latest. */
  private synchronized void vouch(long began) {
    Long last = vouchedSince;
    if (last == null || began - last > 0) {
      vouchedSince = began;
    }
  }

  /**
   * The check at the Port transport, right before each delete request of {@code resyncId} is written (see the class
   * comment): the local conditions, a positive check reused within the reuse window or a new one, and a horizon for
   * the I/O thread.
   */
  @Override
  public DeleteGuard lastMoment(String resyncId) {
    return new DeleteGuard() {
      @Override
      public CompletionStage<Admission> admit() {
        return ClusterDeleteFence.this.admit(resyncId);
      }

      @Override
      public Optional<String> lastLook() {
        return localRefusal();
      }
    };
  }

  CompletionStage<DeleteGuard.Admission> admit(String resyncId) {
    Optional<String> local = localRefusal();
    if (local.isPresent()) {
      return CompletableFuture.completedFuture(DeleteGuard.Admission.refused(local.get()));
    }
    Long since = vouchedSince;
    if (since != null && System.nanoTime() - since < settings.reuseWindow().toNanos()) {
      return CompletableFuture.completedFuture(DeleteGuard.Admission.until(since + settings.checkDeadline().toNanos()));
    }
    return check(resyncId).thenApply(refusal -> refusal.isPresent() ? DeleteGuard.Admission.refused(refusal.get())
        // A positive check has just vouched: the latest start of one is at least as late as this one's.
        : DeleteGuard.Admission.until(vouchedSince + settings.checkDeadline().toNanos()));
  }

  /** The conditions this node can see alone: its entity alive, itself Up, no member unreachable. */
  private Optional<String> localRefusal() {
    if (closed) {
      return Optional.of("the entity of " + identifier + " no longer runs on this node (handed over or stopped)");
    }
    Member me = cluster.selfMember();
    if (me.status() != MemberStatus.up()) {
      return Optional.of("this node is " + me.status() + ", not Up");
    }
    var unreachable = cluster.state().getUnreachable();
    if (!unreachable.isEmpty()) {
      return Optional.of("the cluster has unreachable members: " + unreachable.stream()
          .map(m -> m.address().toString()).sorted().collect(Collectors.joining(", ")));
    }
    return Optional.empty();
  }

  // ---- claiming ----------------------------------------------------------------------------------------------

  /** Reads a majority (merging it into the local replica), then writes the next epoch to a majority. */
  private void claim() {
    if (closed) {
      return;
    }
    readMajority().thenCompose(seen -> writeNextEpoch()).whenComplete((owner, error) -> {
      if (error == null) {
        log.info("Claimed the ownership of {}: {}", identifier, owner);
        claimed.complete(owner);
        return;
      }
      if (!closed) {
        log.warn("Claiming the ownership of {} did not reach a majority ({}); trying again in {}", identifier,
            describe(error), settings.claimRetry());
        system.scheduler().scheduleOnce(settings.claimRetry(), this::claim, system.executionContext());
      }
    });
  }

  private CompletionStage<Owner> writeNextEpoch() {
    AtomicReference<Owner> written = new AtomicReference<>();
    CompletionStage<Replicator.UpdateResponse<LWWMap<String, String>>> reply = AskPattern.ask(replicator,
        replyTo -> new Replicator.Update<>(KEY, LWWMap.<String, String>empty(),
            new Replicator.WriteMajority(settings.writeTimeout()), replyTo, map -> {
              // Runs in the replicator, on its replica merged with the majority just read.
              long last = Optional.ofNullable(map.getEntries().get(identifier)).map(Owner::parse).map(Owner::epoch)
                  .orElse(0L);
              Owner next = new Owner(node, last + 1);
              written.set(next);
              mine.set(next);
              return map.put(self, identifier, next.encode(), BY_EPOCH);
            }),
        askTimeout(settings.writeTimeout()), system.scheduler());
    return reply.thenApply(r -> {
      if (r instanceof Replicator.UpdateSuccess) {
        return written.get();
      }
      // An UpdateTimeout may still have reached some nodes: the claim stays ours to check, and is tried again.
      throw new IllegalStateException(r.getClass().getSimpleName());
    });
  }

  /** The map as a majority of nodes hold it; empty when none has an entry yet. */
  private CompletionStage<Optional<LWWMap<String, String>>> readMajority() {
    CompletionStage<Replicator.GetResponse<LWWMap<String, String>>> reply = AskPattern.ask(replicator,
        replyTo -> new Replicator.Get<>(KEY, new Replicator.ReadMajority(settings.readTimeout()), replyTo),
        askTimeout(settings.readTimeout()), system.scheduler());
    return reply.thenApply(r -> {
      if (r instanceof Replicator.GetSuccess<LWWMap<String, String>> ok) {
        return Optional.of(ok.get(KEY));
      }
      if (r instanceof Replicator.NotFound) {
        return Optional.empty();
      }
      throw new IllegalStateException(r instanceof Replicator.GetFailure
          ? "no majority answered within " + settings.readTimeout().toMillis() + " ms" : r.getClass().getSimpleName());
    });
  }

  /** The replicator answers a timeout itself; the ask only guards against a replicator that is gone. */
  private static Duration askTimeout(Duration consistencyTimeout) {
    return consistencyTimeout.plusSeconds(2);
  }

  private static String describe(Throwable error) {
    Throwable e = error;
    while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}

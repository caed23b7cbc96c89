package dev.oceanj.cluster.sharding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * Pekko's least-shard allocation strategy, except that a rebalance does not move an instance that is resyncing on
 * the node that holds it ({@link BusyInstances}): moving it would abort the resync and start it again elsewhere. The
 * busy shards are put last in their region's list before the least-shard strategy picks (it takes shards from the
 * head of a region's list), so it picks idle ones where it can; a busy shard it still picks is left out of the
 * answer and moves at a later rebalance, once its resync ended.
 *
 * <p>The first placement waits for every member's region: the shard coordinator allocates as soon as one region asks
 * (the instances' role needs no minimum of regions, see {@link ClusterConfig#INSTANCES_ROLE}), and the other members'
 * regions register with it up to a retry interval later, so at a cluster's start the first node would take every
 * instance and a rebalance would then move them one by one, aborting the resyncs they had started. Until as many
 * regions as members up with the role have registered, and for at most {@code firstPlacementWait} after the
 * coordinator started, a shard's allocation is answered late (with the least-shard choice among the regions known
 * then); the region asks again meanwhile, and the first answer given with every region known places it. After that
 * window, and once every region is known, where a shard without a home goes is the least-shard strategy's.
 *
 * <p>Not affected: the handover of a node's shards when it leaves or is downed (that is not a rebalance). A flag
 * counts only while younger than {@code busyMaxAge} and only for the node that holds the shard now, so a flag left
 * behind (a crashed node, a lost clear) pins no shard for longer than that.
 *
 * <p>Runs in the shard coordinator (on the oldest node); reads the flags from that node's replica, kept current by a
 * subscription started with the coordinator.
 */
public final class ResyncAwareAllocation implements ShardCoordinator.ActorSystemDependentAllocationStrategy {

  private static final Logger log = LoggerFactory.getLogger(ResyncAwareAllocation.class);
  private static final AtomicInteger FOLLOWERS = new AtomicInteger();

  private final ShardCoordinator.ShardAllocationStrategy leastShard;
  private final Duration busyMaxAge;
  private final Duration firstPlacementWait;
  private final LongSupplier clock;
  /** Set by {@link #start}, when the coordinator starts on this node. */
  private volatile ActorSystem system;
  private volatile long startedAt;
  private final AtomicReference<Map<String, String>> flags = new AtomicReference<>(Map.of());
  private final AtomicBoolean following = new AtomicBoolean();
  private final AtomicLong rebalances = new AtomicLong();
  private volatile Address self;

  /**
   * @param absoluteLimit the least-shard strategy's {@code rebalance-absolute-limit}
   * @param relativeLimit its {@code rebalance-relative-limit}
   * @param busyMaxAge how long a busy flag counts after it was set
   * @param firstPlacementWait how long after the coordinator started an allocation waits for every member's region
   */
  public ResyncAwareAllocation(int absoluteLimit, double relativeLimit, Duration busyMaxAge,
      Duration firstPlacementWait) {
    this(ShardCoordinator.ShardAllocationStrategy$.MODULE$.leastShardAllocationStrategy(absoluteLimit, relativeLimit),
        busyMaxAge, firstPlacementWait, System::currentTimeMillis);
  }

  ResyncAwareAllocation(ShardCoordinator.ShardAllocationStrategy leastShard, Duration busyMaxAge,
      Duration firstPlacementWait, LongSupplier clock) {
    this.leastShard = leastShard;
    this.busyMaxAge = busyMaxAge;
    this.firstPlacementWait = firstPlacementWait;
    this.clock = clock;
  }

  @Override
  public void start(ActorSystem system) {
    if (leastShard instanceof ShardCoordinator.ActorSystemDependentAllocationStrategy s) {
      s.start(system);
    } else if (leastShard instanceof ShardCoordinator.StartableAllocationStrategy s) {
      s.start();
    }
    self = Cluster.get(system).selfAddress();
    this.system = system;
    this.startedAt = clock.getAsLong();
    if (following.compareAndSet(false, true)) {
      // The user guardian is oceanj's own: a system actor, as Pekko's own helpers use.
      Adapter.toTyped(system).systemActorOf(BusyInstances.follower(flags),
          "oceanj-resyncing-flags-" + FOLLOWERS.incrementAndGet(), Props.empty());
    }
  }

  /** Rebalances decided so far (for tests: each is one round of the coordinator's rebalance timer). */
  long rebalances() {
    return rebalances.get();
  }

  /** The flags as this node's replica last told them. */
  Map<String, String> flags() {
    return flags.get();
  }

  @Override
  public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
      scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> currentShardAllocations) {
    long left = startedAt + firstPlacementWait.toMillis() - clock.getAsLong();
    ActorSystem sys = system;
    int members = sys == null || left <= 0 ? 0 : upMembers(sys);
    if (currentShardAllocations.size() < members) {
      // A region is missing: answer at the window's end; the requester asks again before that.
      log.debug("Shard {}: {} of {} regions registered; its allocation waits", shardId,
          currentShardAllocations.size(), members);
      return org.apache.pekko.pattern.Patterns.after(scala.concurrent.duration.FiniteDuration.apply(left,
              java.util.concurrent.TimeUnit.MILLISECONDS), sys.scheduler(), sys.dispatcher(),
          () -> leastShard.allocateShard(requester, shardId, currentShardAllocations));
    }
    return leastShard.allocateShard(requester, shardId, currentShardAllocations);
  }

  /** Members up with the instances' role, as this node sees the cluster. */
  private static int upMembers(ActorSystem system) {
    int up = 0;
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.status() == MemberStatus.up() && m.hasRole(ClusterConfig.INSTANCES_ROLE)) {
        up++;
      }
    }
    return up;
  }

  @Override
  public Future<scala.collection.immutable.Set<String>> rebalance(
      scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> currentShardAllocations,
      scala.collection.immutable.Set<String> rebalanceInProgress) {
    Set<String> busy = busy(CollectionConverters.asJava(currentShardAllocations));
    var ordered = busy.isEmpty() ? currentShardAllocations : busyLast(currentShardAllocations, busy);
    Future<scala.collection.immutable.Set<String>> picked = leastShard.rebalance(ordered, rebalanceInProgress);
    if (busy.isEmpty()) {
      rebalances.incrementAndGet();
      return picked;
    }
    return FutureConverters.asScala(FutureConverters.asJava(picked).thenApply(shards -> {
      rebalances.incrementAndGet();
      Set<String> kept = new HashSet<>();
      Set<String> moved = new HashSet<>();
      CollectionConverters.asJava(shards).forEach(s -> (busy.contains(s) ? kept : moved).add(s));
      if (!kept.isEmpty()) {
        log.info("Rebalance leaves {} where they are while they resync", kept);
      }
      return scala.collection.immutable.Set$.MODULE$.from(CollectionConverters.asScala(moved));
    }));
  }

  /** The shards whose instance resyncs on the node that holds them, by a flag younger than the age bound. */
  Set<String> busy(Map<ActorRef, IndexedSeq<String>> allocations) {
    Map<String, String> current = flags.get();
    Set<String> busy = new HashSet<>();
    if (current.isEmpty()) {
      return busy;
    }
    long now = clock.getAsLong();
    allocations.forEach((region, shards) -> {
      Address home = homeOf(region);
      CollectionConverters.asJava(shards).forEach(shard -> {
        String flag = current.get(shard);
        if (flag != null && BusyInstances.Flag.parse(flag).map(f -> f.holds(home, now, busyMaxAge)).orElse(false)) {
          busy.add(shard);
        }
      });
    });
    return busy;
  }

  private Address homeOf(ActorRef region) {
    Address address = region.path().address();
    Address local = self;
    return address.hasGlobalScope() || local == null ? address : local;
  }

  /** Each region's shards with the busy ones last (the least-shard strategy takes from the head). */
  static scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> busyLast(
      scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> allocations, Set<String> busy) {
    Map<ActorRef, IndexedSeq<String>> out = new LinkedHashMap<>();
    CollectionConverters.asJava(allocations).forEach((region, shards) -> {
      List<String> idle = new ArrayList<>();
      List<String> last = new ArrayList<>();
      CollectionConverters.asJava(shards).forEach(s -> (busy.contains(s) ? last : idle).add(s));
      idle.addAll(last);
      out.put(region, CollectionConverters.asScala(idle).toIndexedSeq());
    });
    return scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(out));
  }
}

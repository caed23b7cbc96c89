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
 * <p>Not affected: where a shard without a home goes ({@link #allocateShard} is the least-shard strategy's), and the
 * handover of a node's shards when it leaves or is downed (that is not a rebalance). A flag counts only while younger
 * than {@code busyMaxAge} and only for the node that holds the shard now, so a flag left behind (a crashed node, a
 * lost clear) pins no shard for longer than that.
 *
 * <p>Runs in the shard coordinator (on the oldest node); reads the flags from that node's replica, kept current by a
 * subscription started with the coordinator.
 */
public final class ResyncAwareAllocation implements ShardCoordinator.ActorSystemDependentAllocationStrategy {

  private static final Logger log = LoggerFactory.getLogger(ResyncAwareAllocation.class);
  private static final AtomicInteger FOLLOWERS = new AtomicInteger();

  private final ShardCoordinator.ShardAllocationStrategy leastShard;
  private final Duration busyMaxAge;
  private final LongSupplier clock;
  private final AtomicReference<Map<String, String>> flags = new AtomicReference<>(Map.of());
  private final AtomicBoolean following = new AtomicBoolean();
  private final AtomicLong rebalances = new AtomicLong();
  private volatile Address self;

  /**
   * @param absoluteLimit the least-shard strategy's {@code rebalance-absolute-limit}
   * @param relativeLimit its {@code rebalance-relative-limit}
   * @param busyMaxAge how long a busy flag counts after it was set
   */
  public ResyncAwareAllocation(int absoluteLimit, double relativeLimit, Duration busyMaxAge) {
    this(ShardCoordinator.ShardAllocationStrategy$.MODULE$.leastShardAllocationStrategy(absoluteLimit, relativeLimit),
        busyMaxAge, System::currentTimeMillis);
  }

  ResyncAwareAllocation(ShardCoordinator.ShardAllocationStrategy leastShard, Duration busyMaxAge, LongSupplier clock) {
    this.leastShard = leastShard;
    this.busyMaxAge = busyMaxAge;
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
    return leastShard.allocateShard(requester, shardId, currentShardAllocations);
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

package dev.oceanj.cluster.sharding;

import dev.oceanj.core.config.ClusterSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * Integration instances on Cluster Sharding: {@link #start} initialises the sharding of {@link InstanceEntity} (one
 * shard per instance, {@link InstanceEntity.Handoff} as the stop message, {@link ResyncAwareAllocation} so that a
 * rebalance spares instances mid-resync) and spawns the {@link KeepAlive}; then {@link #owners()} says which node runs
 * each instance, for {@code /status} on any node.
 */
public final class InstanceSharding {

  private final ClusterSharding sharding;
  private final Supplier<Set<String>> identifiers;
  private final Duration askTimeout;
  private final ResyncAwareAllocation allocation;

  private InstanceSharding(ClusterSharding sharding, Supplier<Set<String>> identifiers, Duration askTimeout,
      ResyncAwareAllocation allocation) {
    this.sharding = sharding;
    this.identifiers = identifiers;
    this.askTimeout = askTimeout;
    this.allocation = allocation;
  }

  /**
   * Starts this node's part: its shard region and keep-alive (a child of {@code parent}).
   *
   * @param parent the actor the keep-alive is spawned under (the guardian)
   * @param settings {@code ocean.cluster}
   * @param identifiers the configured instances (read on every keep-alive round)
   * @param factory what runs for an instance this node owns
   * @param askTimeout {@code ocean.timeouts.ask}: the wait for an instance's shutdown at handoff and for its owner
   */
  public static InstanceSharding start(ActorContext<?> parent, ClusterSettings settings,
      Supplier<Set<String>> identifiers, InstanceFactory factory, Duration askTimeout) {
    ClusterSharding sharding = ClusterSharding.get(parent.getSystem());
    String node = settings.nodeName();
    ResyncAwareAllocation allocation = resyncAware(parent, settings);
    sharding.init(Entity.of(InstanceEntity.TYPE_KEY,
            ctx -> InstanceEntity.create(ctx.getEntityId(), node, factory, askTimeout))
        .withStopMessage(InstanceEntity.Handoff.INSTANCE)
        .withRole(ClusterConfig.INSTANCES_ROLE)
        .withMessageExtractor(new OneShardPerInstance())
        .withAllocationStrategy(allocation));
    parent.spawn(KeepAlive.create(sharding, identifiers, settings.keepAliveInterval()), "cluster-keep-alive");
    return new InstanceSharding(sharding, identifiers, askTimeout, allocation);
  }

  /** This node's allocation strategy (used while the shard coordinator runs here). */
  ResyncAwareAllocation allocation() {
    return allocation;
  }

  /** The least-shard strategy with its configured limits, sparing instances mid-resync at a rebalance. */
  private static ResyncAwareAllocation resyncAware(ActorContext<?> parent, ClusterSettings settings) {
    var least = parent.getSystem().settings().config()
        .getConfig("pekko.cluster.sharding.least-shard-allocation-strategy");
    return new ResyncAwareAllocation(least.getInt("rebalance-absolute-limit"),
        least.getDouble("rebalance-relative-limit"), settings.busyMaxAge());
  }

  /**
   * Where each configured instance runs, by identifier (sorted); empty for one that did not answer in time (its node
   * is being replaced, or it is starting).
   */
  public CompletionStage<Map<String, Optional<InstanceEntity.Owner>>> owners() {
    List<String> ids = List.copyOf(new TreeSet<>(identifiers.get()));
    List<CompletableFuture<Optional<InstanceEntity.Owner>>> asks = ids.stream()
        .map(id -> sharding.entityRefFor(InstanceEntity.TYPE_KEY, id)
            .<InstanceEntity.Owner>ask(InstanceEntity.GetOwner::new, askTimeout)
            .handle((owner, failure) -> Optional.ofNullable(failure == null ? owner : null))
            .toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
      Map<String, Optional<InstanceEntity.Owner>> out = new TreeMap<>();
      for (int i = 0; i < ids.size(); i++) {
        out.put(ids.get(i), asks.get(i).join());
      }
      return out;
    });
  }

  /**
   * One shard per instance, named by its identifier: shards move one instance at a time, and the least-shard
   * allocation strategy balances instances, not hash buckets of them.
   */
  static final class OneShardPerInstance
      extends ShardingMessageExtractor<ShardingEnvelope<InstanceEntity.Command>, InstanceEntity.Command> {

    @Override
    public String entityId(ShardingEnvelope<InstanceEntity.Command> envelope) {
      return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
      return entityId;
    }

    @Override
    public InstanceEntity.Command unwrapMessage(ShardingEnvelope<InstanceEntity.Command> envelope) {
      return envelope.message();
    }
  }
}

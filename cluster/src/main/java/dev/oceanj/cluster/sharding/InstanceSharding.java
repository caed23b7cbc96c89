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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * Integration instances on Cluster Sharding: {@link #start} initialises the sharding of {@link InstanceEntity} (one
 * shard per instance, {@link InstanceEntity.Handoff} as the stop message, {@link ResyncAwareAllocation} so that a
 * rebalance spares instances mid-resync) and spawns the {@link KeepAlive}; then {@link #placement()} says which node
 * runs each instance, for {@code /status} on any node: one ask per node (its {@link NodeInstances}), not one per
 * instance, each within the ask timeout; the instances a node that did not answer was last seen running are
 * {@code unknown}, the rest of the answer stands.
 */
public final class InstanceSharding {

  private final ClusterSharding sharding;
  private final Supplier<Set<String>> identifiers;
  private final Duration askTimeout;
  private final ResyncAwareAllocation allocation;
  private final ActorSystem<?> system;
  /** The entities living on this node, by identifier. */
  private final Map<String, InstanceEntity.Owner> here;
  /** Answers this node's {@link NodeInstances} gave. */
  private final AtomicLong answered;
  /** What each node last answered, by its actor: its instances turn {@code unknown} when it stops answering. */
  private final Map<ActorRef<NodeInstances.ListRunning>, NodeInstances.Running> lastAnswers = new ConcurrentHashMap<>();

  private InstanceSharding(ClusterSharding sharding, Supplier<Set<String>> identifiers, Duration askTimeout,
      ResyncAwareAllocation allocation, ActorSystem<?> system, Map<String, InstanceEntity.Owner> here,
      AtomicLong answered) {
    this.sharding = sharding;
    this.identifiers = identifiers;
    this.askTimeout = askTimeout;
    this.allocation = allocation;
    this.system = system;
    this.here = here;
    this.answered = answered;
  }

  /**
   * Where the instances run.
   *
   * @param owners every configured instance (sorted): its owner, or empty when none answered for it
   * @param unknown the instances whose node did not answer in time, with why (also empty in {@code owners})
   */
  public record Placement(Map<String, Optional<InstanceEntity.Owner>> owners, Map<String, String> unknown) {}

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
    Map<String, InstanceEntity.Owner> here = new ConcurrentHashMap<>();
    AtomicLong answered = new AtomicLong();
    sharding.init(Entity.of(InstanceEntity.TYPE_KEY,
            ctx -> InstanceEntity.create(ctx.getEntityId(), node, factory, askTimeout,
                new InstanceEntity.Wiring(ctx.getShard(), identifiers, here)))
        .withStopMessage(InstanceEntity.Handoff.INSTANCE)
        .withRole(ClusterConfig.INSTANCES_ROLE)
        .withMessageExtractor(new OneShardPerInstance())
        .withAllocationStrategy(allocation));
    parent.spawn(KeepAlive.create(sharding, identifiers, settings.keepAliveInterval()), "cluster-keep-alive");
    parent.spawn(NodeInstances.create(node, here, answered), "cluster-node-instances");
    return new InstanceSharding(sharding, identifiers, askTimeout, allocation, parent.getSystem(), here, answered);
  }

  /** This node's allocation strategy (used while the shard coordinator runs here). */
  ResyncAwareAllocation allocation() {
    return allocation;
  }

  /** The least-shard strategy with its configured limits, sparing instances mid-resync at a rebalance. */
  private static ResyncAwareAllocation resyncAware(ActorContext<?> parent, ClusterSettings settings) {
    var least = parent.getSystem().settings().config()
        .getConfig("pekko.cluster.sharding.least-shard-allocation-strategy");
    // Regions register with a new coordinator within a few of their retry intervals (2 s by default).
    Duration retry = parent.getSystem().settings().config().getDuration("pekko.cluster.sharding.retry-interval");
    return new ResyncAwareAllocation(least.getInt("rebalance-absolute-limit"),
        least.getDouble("rebalance-relative-limit"), settings.busyMaxAge(), retry.multipliedBy(5));
  }

  /**
   * Where each configured instance runs, by identifier (sorted); empty for one no node answered for (its node is
   * being replaced or did not answer, or it is starting).
   */
  public CompletionStage<Map<String, Optional<InstanceEntity.Owner>>> owners() {
    return placement().thenApply(Placement::owners);
  }

  /** Where each configured instance runs: one ask per node that registered its {@link NodeInstances}. */
  public CompletionStage<Placement> placement() {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            replyTo -> Receptionist.find(NodeInstances.KEY, replyTo), askTimeout, system.scheduler())
        .thenCompose(listing -> {
          List<ActorRef<NodeInstances.ListRunning>> nodes = List.copyOf(listing.getServiceInstances(NodeInstances.KEY));
          List<CompletableFuture<Optional<NodeInstances.Running>>> asks = nodes.stream()
              .map(ref -> AskPattern.<NodeInstances.ListRunning, NodeInstances.Running>ask(ref,
                      NodeInstances.ListRunning::new, askTimeout, system.scheduler())
                  .handle((running, failure) -> Optional.ofNullable(failure == null ? running : null))
                  .toCompletableFuture())
              .toList();
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
            lastAnswers.keySet().retainAll(nodes);
            Map<String, Optional<InstanceEntity.Owner>> owners = new TreeMap<>();
            new TreeSet<>(identifiers.get()).forEach(id -> owners.put(id, Optional.empty()));
            Map<String, String> unknown = new TreeMap<>();
            for (int i = 0; i < nodes.size(); i++) {
              Optional<NodeInstances.Running> answer = asks.get(i).join();
              if (answer.isPresent()) {
                lastAnswers.put(nodes.get(i), answer.get());
                answer.get().owners().stream().filter(o -> owners.containsKey(o.identifier()))
                    .forEach(o -> owners.put(o.identifier(), Optional.of(o)));
              }
            }
            for (int i = 0; i < nodes.size(); i++) {
              NodeInstances.Running last = lastAnswers.get(nodes.get(i));
              if (asks.get(i).join().isEmpty() && last != null) {
                last.owners().stream().filter(o -> owners.containsKey(o.identifier())
                        && owners.get(o.identifier()).isEmpty())
                    .forEach(o -> unknown.put(o.identifier(), "node " + last.node() + " did not answer within "
                        + askTimeout.toMillis() + " ms"));
              }
            }
            return new Placement(owners, unknown);
          });
        });
  }

  /** Answers this node gave to {@link #placement()} asks so far (each {@code /status} asks each node once). */
  public long placementAnswers() {
    return answered.get();
  }

  /** The instances whose entity lives on this node now, by identifier. */
  public Map<String, InstanceEntity.Owner> here() {
    return Map.copyOf(here);
  }

  /** A reload removed {@code identifier}: where it runs on this node, shut it down for good. */
  public void retire(String identifier) {
    if (here.containsKey(identifier)) {
      sharding.entityRefFor(InstanceEntity.TYPE_KEY, identifier).tell(InstanceEntity.Retire.INSTANCE);
    }
  }

  /** A reload changed {@code identifier}'s settings: where it runs on this node, restart it here. */
  public void restart(String identifier) {
    if (here.containsKey(identifier)) {
      sharding.entityRefFor(InstanceEntity.TYPE_KEY, identifier).tell(InstanceEntity.Restart.INSTANCE);
    }
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

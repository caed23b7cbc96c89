package dev.oceanj.cluster.sharding;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Runs on every node: at start and then every {@code ocean.cluster.keep-alive-interval}, sends
 * {@link InstanceEntity.EnsureRunning} to each configured instance, so each runs somewhere, on exactly one node
 * (Cluster Sharding places it). This is how Sharded Daemon Process keeps its workers alive, without its fixed count:
 * the set is read anew on every tick, so instances added or removed by a reload follow. After a node died, its
 * instances start on a survivor at the first tick after the shard coordinator reallocated their shards.
 */
public final class KeepAlive {

  /** Its only message, sent by its own timer. */
  public enum Tick { INSTANCE }

  private KeepAlive() {}

  /**
   * @param sharding the sharding of {@link InstanceEntity#TYPE_KEY}, already initialised
   * @param identifiers the instances configured on this node (every node is configured alike)
   * @param interval time between two rounds
   */
  public static Behavior<Tick> create(ClusterSharding sharding, Supplier<Set<String>> identifiers, Duration interval) {
    return Behaviors.<Tick>setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, interval);
      return Behaviors.receiveMessage(tick -> {
        for (String id : identifiers.get()) {
          sharding.entityRefFor(InstanceEntity.TYPE_KEY, id).tell(new InstanceEntity.EnsureRunning(id));
        }
        return Behaviors.same();
      });
    }));
  }
}

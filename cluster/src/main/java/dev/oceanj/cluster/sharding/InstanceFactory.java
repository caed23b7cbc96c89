package dev.oceanj.cluster.sharding;

import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * What a node runs for an integration instance it owns: {@link InstanceEntity} spawns the behaviour as its child,
 * and before the instance moves to another node (handoff, leave) sends it the shutdown message and waits for its
 * {@link Done}: a running resync is aborted there (reported {@code aborted}, nothing deleted), never left behind.
 */
@FunctionalInterface
public interface InstanceFactory {

  /**
   * The behaviour of an instance and how to shut it down.
   *
   * @param behavior spawned once per activation of the entity on this node
   * @param shutdown the message that makes it abort what runs and answer {@link Done}
   * @param <T> its protocol
   */
  record Instance<T>(Behavior<T> behavior, Function<ActorRef<Done>, T> shutdown) {}

  /** The instance with this identifier (called on the owning node, inside the entity). */
  Instance<?> create(String identifier);
}

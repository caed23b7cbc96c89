package dev.oceanj.cluster.sharding;

import dev.oceanj.cluster.ClusterMessage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * One per node, registered with the receptionist under {@link #KEY}: answers {@link ListRunning} with every
 * instance whose entity lives on this node. {@code /status} on any node asks each node once (not each instance's
 * owner once per instance): {@link InstanceSharding#placement()}.
 */
public final class NodeInstances {

  /** The receptionist key every node's actor is registered under. */
  public static final ServiceKey<ListRunning> KEY = ServiceKey.create(ListRunning.class, "oceanj-node-instances");

  /** Asks which instances run on this node. */
  public record ListRunning(ActorRef<Running> replyTo) implements ClusterMessage {}

  /**
   * The instances running on a node.
   *
   * @param node the node's tag
   * @param owners one per instance whose entity lives there, sorted by identifier
   */
  public record Running(String node, List<InstanceEntity.Owner> owners) implements ClusterMessage {}

  private NodeInstances() {}

  /**
   * @param node this node's tag
   * @param here the entities living on this node (kept by {@link InstanceEntity}), by identifier
   * @param answered counts the answers given (what a {@code /status} costs)
   */
  static Behavior<ListRunning> create(String node, Map<String, InstanceEntity.Owner> here, AtomicLong answered) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
      return Behaviors.receiveMessage(msg -> {
        answered.incrementAndGet();
        msg.replyTo().tell(new Running(node, List.copyOf(new TreeMap<>(here).values())));
        return Behaviors.same();
      });
    });
  }
}

package dev.oceanj.cluster.sharding;

import dev.oceanj.cluster.ClusterMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One integration instance as a Cluster Sharding entity (entity id = the instance's identifier, one shard per
 * entity): while it lives on a node, that node runs the instance, spawned from the {@link InstanceFactory} as its
 * child. Started by the first message for it, in practice the {@link KeepAlive}'s {@link EnsureRunning}; answers
 * {@link GetOwner} for {@code /status}.
 *
 * <p>{@link Handoff} is the sharding stop message (the shard moves: rebalance, this node leaving): the instance is
 * told to shut down (a running resync is aborted, nothing deleted) and the entity stops when it answered, or after
 * {@code shutdownTimeout}. The instance stopping by itself stops the entity too; the keep-alive starts it again.
 */
public final class InstanceEntity extends AbstractBehavior<InstanceEntity.Command> {

  /** The entity type of integration instances. */
  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "integration-instance");

  /** Messages of the entity. */
  public sealed interface Command extends ClusterMessage {}

  /** Makes sure the instance runs (it does once this is delivered); sent by every node's keep-alive. */
  public record EnsureRunning(String identifier) implements Command {}

  /** Asks where the instance runs. */
  public record GetOwner(ActorRef<Owner> replyTo) implements Command {}

  /**
   * Where an instance runs.
   *
   * @param identifier the instance
   * @param node the node's tag ({@code ocean.cluster.node-name})
   * @param since when it started there (epoch milliseconds)
   */
  public record Owner(String identifier, String node, long since) implements ClusterMessage {}

  /** The sharding stop message: shut the instance down, then stop. */
  public enum Handoff implements Command { INSTANCE }

  private enum InstanceShutDown implements Command { INSTANCE }

  private final String identifier;
  private final String node;
  private final Instant since = Instant.now();
  private final Duration shutdownTimeout;
  private final Consumer<ActorRef<Done>> shutdown;
  private boolean stopping;

  private InstanceEntity(ActorContext<Command> context, String identifier, String node, InstanceFactory factory,
      Duration shutdownTimeout) {
    super(context);
    this.identifier = identifier;
    this.node = node;
    this.shutdownTimeout = shutdownTimeout;
    this.shutdown = spawn(context, factory.create(identifier));
    context.getLog().info("Instance {} starts on this node ({})", identifier, node);
  }

  /**
   * @param identifier the entity id: the instance's identifier
   * @param node this node's tag
   * @param factory builds the instance's behaviour
   * @param shutdownTimeout how long a handoff waits for the instance to confirm its shutdown
   */
  public static Behavior<Command> create(String identifier, String node, InstanceFactory factory,
      Duration shutdownTimeout) {
    return Behaviors.setup(context -> new InstanceEntity(context, identifier, node, factory, shutdownTimeout));
  }

  private static <T> Consumer<ActorRef<Done>> spawn(ActorContext<Command> context, InstanceFactory.Instance<T> instance) {
    ActorRef<T> child = context.spawn(instance.behavior(), "instance");
    context.watch(child);
    return replyTo -> child.tell(instance.shutdown().apply(replyTo));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EnsureRunning.class, msg -> this)
        .onMessage(GetOwner.class, this::onGetOwner)
        .onMessage(Handoff.class, msg -> onHandoff())
        .onMessage(InstanceShutDown.class, msg -> Behaviors.stopped())
        .onSignal(Terminated.class, this::onInstanceStopped)
        .build();
  }

  private Behavior<Command> onGetOwner(GetOwner msg) {
    msg.replyTo().tell(new Owner(identifier, node, since.toEpochMilli()));
    return this;
  }

  private Behavior<Command> onHandoff() {
    if (!stopping) {
      stopping = true;
      getContext().getLog().info("Instance {} leaves this node ({}): shutting it down", identifier, node);
      shutdown.accept(getContext().messageAdapter(Done.class, done -> InstanceShutDown.INSTANCE));
      // An instance that does not answer does not hold the handoff up for longer (it is stopped with the entity).
      getContext().scheduleOnce(shutdownTimeout, getContext().getSelf(), InstanceShutDown.INSTANCE);
    }
    return this;
  }

  private Behavior<Command> onInstanceStopped(Terminated terminated) {
    if (!stopping) {
      getContext().getLog().warn("Instance {} stopped on this node ({}); the keep-alive starts it again", identifier,
          node);
    }
    return Behaviors.stopped();
  }
}

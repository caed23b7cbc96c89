package dev.oceanj.cluster.sharding;

import dev.oceanj.cluster.ClusterMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One integration instance as a Cluster Sharding entity (entity id = the instance's identifier, one shard per
 * entity): while it lives on a node, that node runs the instance, spawned from the {@link InstanceFactory} as its
 * child. Started by the first message for it, in practice the {@link KeepAlive}'s {@link EnsureRunning}; for
 * {@code /status} it lists itself with its node's {@link NodeInstances} while it runs the instance.
 *
 * <p>{@link Handoff} is the sharding stop message (the shard moves: rebalance, this node leaving): the instance is
 * told to shut down (a running resync is aborted, nothing deleted) and the entity stops when it answered, or after
 * {@code shutdownTimeout}. The instance stopping by itself stops the entity too; the keep-alive starts it again.
 *
 * <p>Reload: an entity started on a node whose instance set does not hold its identifier (removed there, or not
 * added there yet) runs nothing and passivates at once, so a keep-alive that has not seen the reload yet cannot
 * revive a removed instance. {@link Retire} (removed by a reload) passivates it, which shuts the instance down like
 * a handoff; {@link Restart} (its settings changed) shuts the instance down and starts it again on this node, from
 * the factory, which then has the new settings.
 */
public final class InstanceEntity extends AbstractBehavior<InstanceEntity.Command> {

  /** The entity type of integration instances. */
  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "integration-instance");

  /** Messages of the entity. */
  public sealed interface Command extends ClusterMessage {}

  /** Makes sure the instance runs (it does once this is delivered); sent by every node's keep-alive. */
  public record EnsureRunning(String identifier) implements Command {}

  /**
   * Where an instance runs.
   *
   * @param identifier the instance
   * @param node the node's tag ({@code ocean.cluster.node-name})
   * @param since when it started there (epoch milliseconds)
   */
  public record Owner(String identifier, String node, long since) implements ClusterMessage {}

  /** A reload removed the instance: shut it down and passivate (the keep-alive no longer asks for it). */
  public enum Retire implements Command { INSTANCE }

  /** A reload changed the instance's settings: shut it down and start it again here with the new ones. */
  public enum Restart implements Command { INSTANCE }

  /** The sharding stop message: shut the instance down, then stop. */
  public enum Handoff implements Command { INSTANCE }

  private enum InstanceShutDown implements Command { INSTANCE }

  private final String identifier;
  private final String node;
  private Instant since = Instant.now();
  private final Duration shutdownTimeout;
  private final InstanceFactory factory;
  private final Wiring wiring;
  private Consumer<ActorRef<Done>> shutdown;
  private ActorRef<?> child;
  private int generation;
  private boolean stopping;
  private boolean restarting;

  /**
   * What the entity shares with its node.
   *
   * @param shard its shard (for passivation)
   * @param configured the instance set on this node now
   * @param here the entities living on this node, for {@link NodeInstances}
   */
  record Wiring(ActorRef<ClusterSharding.ShardCommand> shard, Supplier<Set<String>> configured,
      Map<String, Owner> here) {}

  private InstanceEntity(ActorContext<Command> context, String identifier, String node, InstanceFactory factory,
      Duration shutdownTimeout, Wiring wiring) {
    super(context);
    this.identifier = identifier;
    this.node = node;
    this.shutdownTimeout = shutdownTimeout;
    this.factory = factory;
    this.wiring = wiring;
    if (!wiring.configured().get().contains(identifier)) {
      context.getLog().info("Instance {} is not in this node's instance set ({}): not starting it", identifier, node);
      stopping = true;
      wiring.shard().tell(new ClusterSharding.Passivate<>(context.getSelf()));
      return;
    }
    startInstance();
    context.getLog().info("Instance {} starts on this node ({})", identifier, node);
  }

  private void startInstance() {
    since = Instant.now();
    spawn(factory.create(identifier));
    wiring.here().put(identifier, owner());
  }

  /**
   * @param identifier the entity id: the instance's identifier
   * @param node this node's tag
   * @param factory builds the instance's behaviour
   * @param shutdownTimeout how long a handoff waits for the instance to confirm its shutdown
   */
  static Behavior<Command> create(String identifier, String node, InstanceFactory factory,
      Duration shutdownTimeout, Wiring wiring) {
    return Behaviors.setup(context -> new InstanceEntity(context, identifier, node, factory, shutdownTimeout, wiring));
  }

  private <T> void spawn(InstanceFactory.Instance<T> instance) {
    ActorRef<T> ref = getContext().spawn(instance.behavior(), generation == 0 ? "instance" : "instance-" + generation);
    generation++;
    getContext().watch(ref);
    child = ref;
    shutdown = replyTo -> ref.tell(instance.shutdown().apply(replyTo));
  }

  private Owner owner() {
    return new Owner(identifier, node, since.toEpochMilli());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EnsureRunning.class, msg -> this)
        .onMessage(Handoff.class, msg -> onHandoff())
        .onMessage(Retire.class, msg -> onRetire())
        .onMessage(Restart.class, msg -> onRestart())
        .onMessage(InstanceShutDown.class, msg -> Behaviors.stopped())
        .onSignal(Terminated.class, this::onInstanceStopped)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onRetire() {
    if (!stopping) {
      getContext().getLog().info("Instance {} was removed from the instance set: stopping it on this node ({})",
          identifier, node);
      wiring.shard().tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    }
    return this;
  }

  private Behavior<Command> onRestart() {
    if (!stopping && !restarting && child != null) {
      restarting = true;
      getContext().getLog().info("Instance {}'s settings changed: restarting it on this node ({})", identifier, node);
      shutdown.accept(getContext().getSystem().ignoreRef());
    }
    return this;
  }

  private Behavior<Command> onPostStop() {
    wiring.here().remove(identifier, owner());
    return this;
  }

  private Behavior<Command> onHandoff() {
    if (child == null) {
      return Behaviors.stopped();
    }
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
    if (restarting && !stopping && terminated.getRef().equals(child)) {
      restarting = false;
      wiring.here().remove(identifier, owner());
      if (wiring.configured().get().contains(identifier)) {
        startInstance();
        getContext().getLog().info("Instance {} started again on this node ({})", identifier, node);
        return this;
      }
    }
    if (!stopping) {
      getContext().getLog().warn("Instance {} stopped on this node ({}); the keep-alive starts it again", identifier,
          node);
    }
    return Behaviors.stopped();
  }
}

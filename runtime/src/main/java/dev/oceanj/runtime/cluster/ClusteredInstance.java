package dev.oceanj.runtime.cluster;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.cluster.sharding.InstanceFactory;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What a node runs for the integration instance while it owns it: the instance's triggers (the connection mode's,
 * the schedule), started as this actor's children and aimed at the node's integration supervisor; only the owner
 * triggers resyncs. On {@link ShutDown} (the instance moves: rebalance, this node leaving) the triggers stop first,
 * then the running resync is aborted (reported {@code aborted}, nothing deleted), then it answers and stops.
 */
final class ClusteredInstance {

  /** Messages of the instance: only the shutdown before a handoff. */
  sealed interface Command {}

  /** Stop triggering, abort the running resync, then answer. */
  record ShutDown(ActorRef<Done> replyTo) implements Command {}

  private record Aborted(ActorRef<Done> replyTo) implements Command {}

  private ClusteredInstance() {}

  /**
   * The instance as Cluster Sharding's entity spawns it.
   *
   * @param supervisor this node's integration supervisor
   * @param startTriggers spawns the triggers as children of the given context
   * @param askTimeout how long the abort may take
   */
  static InstanceFactory.Instance<Command> create(ActorRef<ResyncProtocol.Command> supervisor,
      Consumer<ActorContext<?>> startTriggers, Duration askTimeout) {
    Behavior<Command> behavior = Behaviors.setup(context -> {
      startTriggers.accept(context);
      return Behaviors.receive(Command.class)
          .onMessage(ShutDown.class, msg -> onShutDown(context, supervisor, msg, askTimeout))
          .onMessage(Aborted.class, msg -> {
            msg.replyTo().tell(Done.getInstance());
            return Behaviors.stopped();
          })
          .build();
    });
    return new InstanceFactory.Instance<>(behavior, ShutDown::new);
  }

  private static Behavior<Command> onShutDown(ActorContext<Command> context, ActorRef<ResyncProtocol.Command> supervisor,
      ShutDown msg, Duration askTimeout) {
    // No trigger may start a resync after the abort below.
    context.getChildren().forEach(context::stop);
    context.ask(ResyncProtocol.Done.class, supervisor, askTimeout,
        replyTo -> new ResyncProtocol.AbortResync("the instance moves to another node", replyTo),
        (done, failure) -> new Aborted(msg.replyTo()));
    return Behaviors.same();
  }
}

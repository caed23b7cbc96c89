package dev.oceanj.runtime.cluster;

import dev.oceanj.cluster.sharding.InstanceFactory;
import dev.oceanj.runtime.Instance;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What a node runs for an integration instance while it owns it: the {@link Instance} (supervisor, triggers,
 * progress, telemetry) as this actor's child, whose routes are kept in {@code local} (for this node's
 * {@code /status}) from when it reports {@link Instance.Started} until it stops. {@link ShutDown} (the instance
 * moves: rebalance, this node leaving) is the instance's {@link Instance.Stop}: its running resync is aborted
 * (reported {@code aborted}, nothing deleted) before it answers.
 */
final class ClusteredInstance {

  /** Messages of the wrapper. */
  sealed interface Command {}

  /** Stop the instance (abort its running resync), then answer. */
  record ShutDown(ActorRef<Done> replyTo) implements Command {}

  private record FromInstance(Instance.Report report) implements Command {}

  private ClusteredInstance() {}

  /**
   * @param identifier the instance
   * @param instance its behaviour, given where it reports (built anew for each activation on this node)
   * @param local where the routes of the instances running on this node are kept
   */
  static InstanceFactory.Instance<Command> create(String identifier,
      Function<ActorRef<Instance.Report>, Behavior<Instance.Command>> instance, Map<String, Instance.Routes> local) {
    Behavior<Command> behavior = Behaviors.setup(context -> {
      ActorRef<Instance.Report> reports = context.messageAdapter(Instance.Report.class, FromInstance::new);
      ActorRef<Instance.Command> child = context.spawn(instance.apply(reports), "instance");
      context.watch(child);
      return Behaviors.receive(Command.class)
          .onMessage(FromInstance.class, msg -> {
            if (msg.report() instanceof Instance.Started started) {
              local.put(identifier, started.routes());
            } else if (msg.report() instanceof Instance.StartFailed failed) {
              context.getLog().error("Integration instance {} could not start: {}", identifier,
                  failed.cause().getMessage());
            }
            return Behaviors.same();
          })
          .onMessage(ShutDown.class, msg -> {
            child.tell(new Instance.Stop("the instance moves to another node", msg.replyTo()));
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> Behaviors.stopped())
          .onSignal(PostStop.class, s -> {
            local.remove(identifier);
            return Behaviors.same();
          })
          .build();
    });
    return new InstanceFactory.Instance<>(behavior, ShutDown::new);
  }
}

package dev.oceanj.actors.trigger.once;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The ONCE connection mode (Ocean's {@code ocean sail --once}, CI runs): sends one {@code StartResync} to the
 * supervisor when it starts, hands the {@link ResyncFinished} to {@code reportTo} (which prints the summary
 * and ends the process with the exit code) and stops.
 *
 * <p>It asks with {@code QUEUE}: if another trigger already runs a resync, ONCE waits for a fresh one rather
 * than aborting it (Ocean's behaviour) or reporting a resync it did not ask for.
 */
public final class OnceTrigger {

  /** The trigger's messages; all internal (it needs no input to do its one job). */
  public sealed interface Command {}

  private record Accepted(ResyncAccepted accepted) implements Command {}

  private record Finished(ResyncFinished finished) implements Command {}

  private OnceTrigger() {}

  /**
   * @param supervisor the integration's supervisor
   * @param reportTo told the one finished resync, then this actor stops
   */
  public static Behavior<Command> create(
      ActorRef<ResyncProtocol.Command> supervisor, ActorRef<ResyncFinished> reportTo) {
    return Behaviors.setup(context -> {
      ActorRef<ResyncAccepted> accepted = context.messageAdapter(ResyncAccepted.class, Accepted::new);
      ActorRef<ResyncFinished> finished = context.messageAdapter(ResyncFinished.class, Finished::new);
      supervisor.tell(new StartResync("once", WhenRunning.QUEUE, accepted, finished));
      context.getLog().info("ONCE: asked for one resync");
      return Behaviors.receive(Command.class)
          .onMessage(Accepted.class, msg -> {
            context.getLog().info("ONCE: resync {} {}", msg.accepted().resyncId(), msg.accepted().disposition());
            return Behaviors.same();
          })
          .onMessage(Finished.class, msg -> {
            reportTo.tell(msg.finished());
            return Behaviors.stopped();
          })
          .build();
    });
  }
}

package dev.oceanj.actors.trigger.webhook;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.TriggerInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The WEBHOOK connection mode: Port POSTs {@code <base url>/resync} (registered as the integration's
 * {@code changelogDestination}, see {@link ChangelogDestination}); the HTTP route authenticates the call and
 * sends {@link RequestResync} here, and this actor asks the supervisor for a resync.
 *
 * <p>Policy, deliberately unlike Ocean: requests are {@code QUEUE}d. Ocean aborts a running resync for every
 * webhook call, so a burst of changes in Port can keep any resync from ever finishing; here a burst while a
 * resync runs collapses into exactly one more resync. The route answers {@code 202} as soon as the supervisor
 * accepted (Ocean holds the HTTP request open for the whole resync).
 */
public final class WebhookTrigger extends AbstractBehavior<WebhookTrigger.Command> {

  /** Messages of the webhook trigger. */
  public sealed interface Command {}

  /**
   * A resync asked for over HTTP.
   *
   * @param acceptedTo told how the supervisor handled the request (resync id, started or queued)
   * @param finishedTo told when that resync finished; null when the caller does not wait
   */
  public record RequestResync(ActorRef<ResyncAccepted> acceptedTo, ActorRef<ResyncFinished> finishedTo)
      implements Command {}

  /** Asks for this trigger's facts for {@code /status}. */
  public record Describe(ActorRef<TriggerInfo> replyTo) implements Command {}

  private final ActorRef<ResyncProtocol.Command> supervisor;
  private long requests;
  private Instant lastRequest;

  private WebhookTrigger(ActorContext<Command> context, ActorRef<ResyncProtocol.Command> supervisor) {
    super(context);
    this.supervisor = supervisor;
  }

  /** @param supervisor the integration's supervisor */
  public static Behavior<Command> create(ActorRef<ResyncProtocol.Command> supervisor) {
    return Behaviors.setup(context -> new WebhookTrigger(context, supervisor));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RequestResync.class, this::onRequestResync)
        .onMessage(Describe.class, this::onDescribe)
        .build();
  }

  private Behavior<Command> onRequestResync(RequestResync request) {
    requests++;
    lastRequest = Instant.now();
    getContext().getLog().info("WEBHOOK: resync requested (request #{})", requests);
    supervisor.tell(new StartResync("webhook", WhenRunning.QUEUE, request.acceptedTo(), request.finishedTo()));
    return this;
  }

  private Behavior<Command> onDescribe(Describe describe) {
    var details = new LinkedHashMap<String, Object>();
    details.put("requests", requests);
    details.put("lastRequest", lastRequest == null ? null : lastRequest.toString());
    describe.replyTo().tell(new TriggerInfo("WEBHOOK", details));
    return this;
  }
}

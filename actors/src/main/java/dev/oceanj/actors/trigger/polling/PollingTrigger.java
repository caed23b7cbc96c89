package dev.oceanj.actors.trigger.polling;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.Disposition;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.TriggerInfo;
import dev.oceanj.core.config.EventListenerSettings.Polling;
import dev.oceanj.core.port.PortClient.ResyncRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The POLLING connection mode (Ocean's default): every {@code interval} reads Port's
 * {@code GET /v1/integration/{id}/resync-request} and asks for a resync when the request's {@code updatedAt} is
 * newer than the last one handled (the watermark).
 *
 * <p>The loop is the WeatherStation one: a single timer, then the IO, then {@code pipeToSelf}, then re-arm. While
 * a resync it asked for runs, no timer is armed, so polls never overlap resyncs: a poll that finds a resync
 * running (started by another trigger) is {@code QUEUE}d and this actor waits for it before polling again.
 *
 * <p>Unlike Ocean: {@code resyncOnStart} works (Ocean's is dead code, ocean-reference.md §3), and the watermark
 * moves to the request's {@code updatedAt} before the resync starts, so a request whose resync fails is not
 * retried in a loop (Ocean does the same) but a newer request always is. A failed poll is logged and retried
 * at the next tick.
 */
public final class PollingTrigger extends AbstractBehavior<PollingTrigger.Command> {

  /** Messages of the polling trigger. */
  public sealed interface Command {}

  /** Asks for this trigger's facts for {@code /status}. */
  public record Describe(ActorRef<TriggerInfo> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record Polled(Optional<ResyncRequest> request) implements Command {}

  private record PollFailed(Throwable cause) implements Command {}

  private record Accepted(ResyncAccepted accepted) implements Command {}

  private record Finished(ResyncFinished finished) implements Command {}

  private final ActorRef<ResyncProtocol.Command> supervisor;
  private final Supplier<CompletionStage<Optional<ResyncRequest>>> resyncRequests;
  private final Polling settings;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ResyncAccepted> acceptedAdapter;
  private final ActorRef<ResyncFinished> finishedAdapter;

  private Optional<Instant> watermark;
  private boolean firstPoll = true;
  private boolean waitingForResync;
  private long polls;
  private long failedPolls;
  private long resyncs;
  private Instant lastPoll;
  private String lastError;

  private PollingTrigger(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ResyncProtocol.Command> supervisor,
      Supplier<CompletionStage<Optional<ResyncRequest>>> resyncRequests,
      Polling settings,
      Optional<Instant> watermark) {
    super(context);
    this.timers = timers;
    this.supervisor = supervisor;
    this.resyncRequests = resyncRequests;
    this.settings = settings;
    this.watermark = watermark;
    this.acceptedAdapter = context.messageAdapter(ResyncAccepted.class, Accepted::new);
    this.finishedAdapter = context.messageAdapter(ResyncFinished.class, Finished::new);
  }

  /**
   * @param supervisor the integration's supervisor
   * @param resyncRequests reads Port's current resync request, e.g. {@code portClient::resyncRequest}
   * @param settings interval and resync-on-start
   * @param watermark the {@code updatedAt} already handled (Ocean falls back to the integration's last resync
   *     state {@code updatedAt}); empty: any request is new
   */
  public static Behavior<Command> create(
      ActorRef<ResyncProtocol.Command> supervisor,
      Supplier<CompletionStage<Optional<ResyncRequest>>> resyncRequests,
      Polling settings,
      Optional<Instant> watermark) {
    if (settings.interval().isZero() || settings.interval().isNegative()) {
      throw new IllegalArgumentException("ocean.event-listener.polling.interval must be positive, was "
          + settings.interval());
    }
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.getLog().info(
          "POLLING: every {}, resync on start {}", settings.interval(), settings.resyncOnStart());
      // Ocean's first poll runs immediately.
      context.getSelf().tell(Tick.INSTANCE);
      return new PollingTrigger(context, timers, supervisor, resyncRequests, settings, watermark);
    }));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Polled.class, this::onPolled)
        .onMessage(PollFailed.class, this::onPollFailed)
        .onMessage(Accepted.class, this::onAccepted)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(Describe.class, this::onDescribe)
        .build();
  }

  private Behavior<Command> onTick() {
    polls++;
    lastPoll = Instant.now();
    CompletionStage<Optional<ResyncRequest>> poll;
    try {
      poll = resyncRequests.get();
    } catch (RuntimeException e) {
      poll = CompletableFuture.failedFuture(e);
    }
    getContext().pipeToSelf(poll, (request, failure) -> failure == null ? new Polled(request) : new PollFailed(failure));
    return this;
  }

  private Behavior<Command> onPolled(Polled polled) {
    lastError = null;
    Optional<Instant> updatedAt = polled.request().map(ResyncRequest::updatedAt);
    boolean onStart = firstPoll && settings.resyncOnStart();
    boolean newer = updatedAt.isPresent() && (watermark.isEmpty() || updatedAt.get().isAfter(watermark.get()));
    firstPoll = false;
    if (onStart || newer) {
      updatedAt.ifPresent(at -> watermark = Optional.of(at));
      startResync(onStart && !newer ? "resync on start" : "resync request " + polled.request().get().id());
    } else {
      arm();
    }
    return this;
  }

  private Behavior<Command> onPollFailed(PollFailed failed) {
    failedPolls++;
    lastError = String.valueOf(failed.cause().getMessage());
    if (firstPoll && settings.resyncOnStart()) {
      // Port's resync request could not be read, but resync-on-start does not depend on it.
      firstPoll = false;
      getContext().getLog().warn("POLLING: reading the resync request failed ({}); resyncing on start anyway", lastError);
      startResync("resync on start");
    } else {
      getContext().getLog().warn("POLLING: reading the resync request failed ({}); retrying in {}", lastError,
          settings.interval());
      arm();
    }
    return this;
  }

  private void startResync(String why) {
    resyncs++;
    waitingForResync = true;
    getContext().getLog().info("POLLING: {}: asking for a resync", why);
    supervisor.tell(new StartResync("polling", WhenRunning.QUEUE, acceptedAdapter, finishedAdapter));
  }

  private Behavior<Command> onAccepted(Accepted msg) {
    getContext().getLog().info("POLLING: resync {} {}", msg.accepted().resyncId(), msg.accepted().disposition());
    if (msg.accepted().disposition() == Disposition.SKIPPED) {
      // Not expected for QUEUE; never wait for a resync that will not come.
      waitingForResync = false;
      arm();
    }
    return this;
  }

  private Behavior<Command> onFinished(Finished msg) {
    getContext().getLog().info("POLLING: resync {} {}; next poll in {}", msg.finished().resyncId(),
        msg.finished().outcome(), settings.interval());
    waitingForResync = false;
    arm();
    return this;
  }

  private void arm() {
    timers.startSingleTimer(Tick.INSTANCE, settings.interval());
  }

  private Behavior<Command> onDescribe(Describe describe) {
    var details = new LinkedHashMap<String, Object>();
    details.put("intervalSeconds", settings.interval().toSeconds());
    details.put("resyncOnStart", settings.resyncOnStart());
    details.put("watermark", watermark.map(Instant::toString).orElse(null));
    details.put("polls", polls);
    details.put("failedPolls", failedPolls);
    details.put("resyncsRequested", resyncs);
    details.put("lastPoll", lastPoll == null ? null : lastPoll.toString());
    details.put("lastError", lastError);
    details.put("waitingForResync", waitingForResync);
    describe.replyTo().tell(new TriggerInfo("POLLING", details));
    return this;
  }
}

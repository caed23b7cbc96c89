package dev.oceanj.runtime;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.actors.resync.ResyncProtocol.Status;
import dev.oceanj.core.sync.KindResult;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Every {@code ocean.resync.progress-interval} asks the supervisor for its status, prints one line per kind of a
 * running resync that has started and not ended (done so far, the pace since its last line and the average), and
 * keeps {@link OceanMetrics} current with the running and the last finished resync. A resync shorter than one
 * interval prints nothing: its summary says it all.
 *
 * <p>Polling {@code GetStatus} (rather than a subscription) keeps the supervisor's protocol unchanged, and a lost
 * answer only delays one line.
 */
public final class ProgressReporter extends AbstractBehavior<ProgressReporter.Command> {

  /** Messages of the reporter; all internal. */
  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Reported(Status status) implements Command {}

  private final ActorRef<ResyncProtocol.Command> supervisor;
  private final ActorRef<Status> statusAdapter;
  private final OceanMetrics metrics;
  private final Consumer<String> print;
  private final Duration interval;
  private final Clock clock;
  private final Map<Integer, ResyncSummary.Mark> marks = new HashMap<>();
  private String resyncId = "";

  private ProgressReporter(ActorContext<Command> context, ActorRef<ResyncProtocol.Command> supervisor,
      OceanMetrics metrics, Consumer<String> print, Duration interval, Clock clock) {
    super(context);
    this.supervisor = supervisor;
    this.metrics = metrics;
    this.print = print;
    this.interval = interval;
    this.clock = clock;
    this.statusAdapter = context.messageAdapter(Status.class, Reported::new);
  }

  /**
   * @param print where progress lines go (stdout for a ONCE run, the log otherwise)
   * @param interval time between two reports; positive
   */
  public static Behavior<Command> create(ActorRef<ResyncProtocol.Command> supervisor, OceanMetrics metrics,
      Consumer<String> print, Duration interval, Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      return new ProgressReporter(context, supervisor, metrics, print, interval, clock);
    }));
  }

  /** A line printer on {@code out}. */
  public static Consumer<String> printer(PrintStream out) {
    return out::println;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Reported.class, this::onReported)
        .build();
  }

  private Behavior<Command> onTick() {
    supervisor.tell(new ResyncProtocol.GetStatus(statusAdapter));
    return this;
  }

  private Behavior<Command> onReported(Reported reported) {
    reported.status().last().ifPresent(metrics::recordFinished);
    Optional<ResyncProgress> running = reported.status().running();
    if (running.isPresent()) {
      metrics.recordProgress(running.get());
      Instant now = clock.instant();
      ResyncProgress progress = running.get();
      if (!progress.resyncId().equals(resyncId)) {
        resyncId = progress.resyncId();
        marks.clear();
      }
      // Every kind that started and has not ended: one that did not move shows "0 entities/s now" (stalled, or
      // held by the rate limit). A finished kind was logged with its final counts when it ended.
      List<KindResult> active = progress.kinds().stream()
          .filter(k -> k.fetched() > 0 && !progress.finished().contains(k.index()))
          .toList();
      if (!active.isEmpty() && Duration.between(progress.started(), now).compareTo(interval) >= 0) {
        ResyncSummary.progressLines(new ResyncProgress(progress.resyncId(), progress.trigger(), progress.started(),
            active), now, Map.copyOf(marks)).forEach(print);
        active.forEach(k -> marks.put(k.index(),
            new ResyncSummary.Mark(k.upserted() + k.unchanged() + k.failedTotal(), now)));
      }
    }
    return this;
  }
}

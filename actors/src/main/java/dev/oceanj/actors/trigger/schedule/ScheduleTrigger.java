package dev.oceanj.actors.trigger.schedule;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.Disposition;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.TriggerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The scheduled resync ({@code ocean.scheduled-resync-interval}, Ocean's {@code OCEAN__SCHEDULED_RESYNC_INTERVAL}):
 * runs beside any connection mode and asks for a resync every interval, the first one interval after start
 * (Ocean's {@code wait_first=True}).
 *
 * <p>Ticks are at a fixed rate from the start, so {@link ResyncSchedule#next} (what the resync state reports
 * as {@code nextResync}) is exact. A tick that finds a resync running is {@code SKIP}ped, not queued: the
 * running resync is as fresh as the skipped one would have been. Ocean instead aborts the running resync.
 */
public final class ScheduleTrigger extends AbstractBehavior<ScheduleTrigger.Command> {

  /** Messages of the schedule trigger. */
  public sealed interface Command {}

  /** Asks for this trigger's facts for {@code /status} (the next tick among them). */
  public record Describe(ActorRef<TriggerInfo> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record Accepted(ResyncAccepted accepted) implements Command {}

  private final ActorRef<ResyncProtocol.Command> supervisor;
  private final ActorRef<ResyncAccepted> acceptedAdapter;
  private final ResyncSchedule schedule;
  private final Clock clock;
  private long ticks;
  private long skipped;

  private ScheduleTrigger(
      ActorContext<Command> context, ActorRef<ResyncProtocol.Command> supervisor, ResyncSchedule schedule, Clock clock) {
    super(context);
    this.supervisor = supervisor;
    this.schedule = schedule;
    this.clock = clock;
    this.acceptedAdapter = context.messageAdapter(ResyncAccepted.class, Accepted::new);
  }

  /**
   * @param supervisor the integration's supervisor
   * @param interval time between two scheduled resyncs; positive
   */
  public static Behavior<Command> create(ActorRef<ResyncProtocol.Command> supervisor, Duration interval) {
    return create(supervisor, interval, Clock.systemUTC());
  }

  static Behavior<Command> create(ActorRef<ResyncProtocol.Command> supervisor, Duration interval, Clock clock) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("ocean.scheduled-resync-interval must be positive, was " + interval);
    }
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerAtFixedRate(Tick.INSTANCE, interval, interval);
      ResyncSchedule schedule = new ResyncSchedule(clock.instant(), interval);
      context.getLog().info("SCHEDULE: a resync every {}, first at {}", interval, schedule.next(clock.instant()));
      return new ScheduleTrigger(context, supervisor, schedule, clock);
    }));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Accepted.class, this::onAccepted)
        .onMessage(Describe.class, this::onDescribe)
        .build();
  }

  private Behavior<Command> onTick() {
    ticks++;
    supervisor.tell(new StartResync("schedule", WhenRunning.SKIP, acceptedAdapter, null));
    return this;
  }

  private Behavior<Command> onAccepted(Accepted msg) {
    if (msg.accepted().disposition() == Disposition.SKIPPED) {
      skipped++;
      getContext().getLog().info("SCHEDULE: a resync is already running; this tick is skipped");
    } else {
      getContext().getLog().info("SCHEDULE: resync {} {}", msg.accepted().resyncId(), msg.accepted().disposition());
    }
    return this;
  }

  private Behavior<Command> onDescribe(Describe describe) {
    var details = new LinkedHashMap<String, Object>();
    details.put("intervalSeconds", schedule.interval().toSeconds());
    details.put("nextResync", schedule.next(clock.instant()).toString());
    details.put("ticks", ticks);
    details.put("skipped", skipped);
    describe.replyTo().tell(new TriggerInfo("SCHEDULE", details));
    return this;
  }
}

package dev.oceanj.actors.trigger.schedule;

import java.time.Duration;
import java.time.Instant;

/**
 * A periodic resync: first tick one interval after {@code initiatedAt}, then every interval. Gives the
 * {@code nextResync} that resync-state patches carry (ocean-reference.md §6.3: the first
 * {@code initiatedAt + k·interval} after now) and the interval in minutes (wire field {@code intervalInMinuets}).
 */
public record ResyncSchedule(Instant initiatedAt, Duration interval) {

  public ResyncSchedule {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
  }

  /** The first scheduled instant strictly after {@code now}. */
  public Instant next(Instant now) {
    if (now.isBefore(initiatedAt)) {
      return initiatedAt.plus(interval);
    }
    long elapsedNanos = Duration.between(initiatedAt, now).toNanos();
    long periods = elapsedNanos / interval.toNanos() + 1;
    return initiatedAt.plus(interval.multipliedBy(periods));
  }

  /** The interval in whole minutes, at least 1 (Port stores minutes). */
  public int intervalInMinutes() {
    return (int) Math.max(1, interval.toMinutes());
  }
}

package dev.oceanj.cluster.fencing;

import java.time.Duration;

/**
 * How the {@link ClusterDeleteFence} talks to Distributed Data.
 *
 * @param readTimeout how long a fence check waits for a majority of nodes to answer its read; no answer is a refusal
 * @param writeTimeout how long a claim waits for a majority of nodes to store it
 * @param claimRetry the pause before a claim that did not reach a majority is tried again (while the entity lives)
 * @param checkDeadline a check that took longer than this (by the monotonic clock) refuses even if the majority
 *     named this node: the process may have been paused (GC, {@code SIGSTOP}) after the majority answered, long
 *     enough for the survivors to move the instance. Keep it well below the failure detector's
 *     acceptable-heartbeat-pause plus the Split Brain Resolver's {@code stable-after}, the least time a takeover needs
 */
public record FencingSettings(Duration readTimeout, Duration writeTimeout, Duration claimRetry,
    Duration checkDeadline) {

  public FencingSettings {
    positive("read-timeout", readTimeout);
    positive("write-timeout", writeTimeout);
    positive("claim-retry", claimRetry);
    positive("check-deadline", checkDeadline);
  }

  /** Reads 3 s, writes 3 s, a failed claim again after 2 s, a check valid only if it took under 2 s. */
  public static FencingSettings defaults() {
    return new FencingSettings(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(2),
        Duration.ofSeconds(2));
  }

  /** A copy with another {@code checkDeadline}. */
  public FencingSettings withCheckDeadline(Duration deadline) {
    return new FencingSettings(readTimeout, writeTimeout, claimRetry, deadline);
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("fencing " + key + " must be a positive duration, was " + d);
    }
  }
}

package dev.oceanj.core.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Cluster mode's deletion fence ({@code ocean.cluster.fencing}): how the ownership epoch of an integration instance
 * is claimed and checked in Distributed Data before a resync deletes.
 *
 * @param readTimeout how long a fence check waits for a majority of nodes to answer its read; no answer is a refusal
 * @param writeTimeout how long a claim waits for a majority of nodes to store it
 * @param claimRetry the pause before a claim that did not reach a majority is tried again (while the entity lives)
 * @param checkDeadline how long a positive check vouches for this node, counted (by the monotonic clock) from when
 *     it began: a check answered later refuses, and a delete request it admitted is not written after it. The
 *     process may have been paused (GC, {@code SIGSTOP}) after the majority answered; a takeover needs at least the
 *     failure detector's acceptable-heartbeat-pause plus the Split Brain Resolver's {@code stable-after}, so this
 *     must stay well below {@code stable-after}
 * @param reuseWindow how long a positive check, counted from when it began, admits further delete requests at the
 *     Port transport without a new majority read (shorter than {@code checkDeadline}, so an admitted request keeps
 *     at least their difference to be written); zero: every request asks the majority
 */
public record FencingSettings(Duration readTimeout, Duration writeTimeout, Duration claimRetry,
    Duration checkDeadline, Duration reuseWindow) {

  public FencingSettings {
    positive("read-timeout", readTimeout);
    positive("write-timeout", writeTimeout);
    positive("claim-retry", claimRetry);
    positive("check-deadline", checkDeadline);
    if (reuseWindow == null || reuseWindow.isNegative()) {
      throw new IllegalArgumentException("ocean.cluster.fencing.reuse-window must not be negative, was " + reuseWindow);
    }
    if (reuseWindow.compareTo(checkDeadline) >= 0) {
      throw new IllegalArgumentException("ocean.cluster.fencing.reuse-window (" + reuseWindow.toMillis()
          + " ms) must be shorter than ocean.cluster.fencing.check-deadline (" + checkDeadline.toMillis() + " ms)");
    }
  }

  /**
   * Reads 3 s, writes 3 s, a failed claim again after 2 s, a positive check good for 2 s and reused for 1 s (the
   * values of {@code config/application.conf}).
   */
  public static FencingSettings defaults() {
    return new FencingSettings(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofSeconds(1));
  }

  /** A copy with another {@code checkDeadline} (and no reuse unless the reuse window is below it). */
  public FencingSettings withCheckDeadline(Duration deadline) {
    return new FencingSettings(readTimeout, writeTimeout, claimRetry, deadline,
        reuseWindow.compareTo(deadline) < 0 ? reuseWindow : Duration.ZERO);
  }

  /** A copy with another {@code reuseWindow}. */
  public FencingSettings withReuseWindow(Duration window) {
    return new FencingSettings(readTimeout, writeTimeout, claimRetry, checkDeadline, window);
  }

  static FencingSettings read(ConfigReader r, Duration stableAfter) {
    String f = "ocean.cluster.fencing.";
    FencingSettings d = defaults();
    Duration read = r.duration(f + "read-timeout", ChronoUnit.SECONDS, d.readTimeout());
    Duration write = r.duration(f + "write-timeout", ChronoUnit.SECONDS, d.writeTimeout());
    Duration retry = r.duration(f + "claim-retry", ChronoUnit.SECONDS, d.claimRetry());
    Duration deadline = r.duration(f + "check-deadline", ChronoUnit.SECONDS, d.checkDeadline());
    Duration reuse = r.duration(f + "reuse-window", ChronoUnit.SECONDS, d.reuseWindow());
    if (reuse.compareTo(deadline) >= 0) {
      r.problem(f + "reuse-window", "must be shorter than ocean.cluster.fencing.check-deadline (" + deadline.toMillis()
          + " ms), was " + reuse.toMillis() + " ms");
      reuse = Duration.ZERO;
    }
    if (deadline.compareTo(stableAfter) >= 0) {
      // A takeover can happen stable-after (plus the failure detector's pause) after this node was last heard.
      r.problem(f + "check-deadline", "must be shorter than ocean.cluster.stable-after (" + stableAfter.toMillis()
          + " ms), the least time in which another node can take an instance over; was " + deadline.toMillis() + " ms");
      deadline = d.checkDeadline();
      reuse = d.reuseWindow();
    }
    return new FencingSettings(read, write, retry, deadline, reuse);
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("ocean.cluster.fencing." + key + " must be a positive duration, was " + d);
    }
  }
}

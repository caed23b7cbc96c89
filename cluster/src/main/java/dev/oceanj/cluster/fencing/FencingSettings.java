package dev.oceanj.cluster.fencing;

import java.time.Duration;

/**
 * How the {@link ClusterDeleteFence} talks to Distributed Data.
 *
 * @param readTimeout how long a fence check waits for a majority of nodes to answer its read; no answer is a refusal
 * @param writeTimeout how long a claim waits for a majority of nodes to store it
 * @param claimRetry the pause before a claim that did not reach a majority is tried again (while the entity lives)
 */
public record FencingSettings(Duration readTimeout, Duration writeTimeout, Duration claimRetry) {

  public FencingSettings {
    positive("read-timeout", readTimeout);
    positive("write-timeout", writeTimeout);
    positive("claim-retry", claimRetry);
  }

  /** Reads 3 s, writes 3 s, a failed claim again after 2 s. */
  public static FencingSettings defaults() {
    return new FencingSettings(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(2));
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("fencing " + key + " must be a positive duration, was " + d);
    }
  }
}

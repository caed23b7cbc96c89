package dev.oceanj.spi;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Values computed once per resync and shared by its kinds, e.g. a parent listing several resources fan out
 * from. Emptied when the resync ends (completed, failed or aborted). Bounded: at most
 * {@value #MAX_ENTRIES} entries, and at most {@value #MAX_WEIGHT_BYTES} bytes of weighed values; a value over
 * the bound is handed to the callers waiting for it but not kept, so later callers compute it again (and a
 * warning is logged once per key).
 *
 * <p>Thread-safe: kinds run concurrently. Concurrent callers of the same key share one computation. A
 * computation that fails is not kept: its callers see the failure, later callers compute again.
 *
 * @since 0.2
 */
public interface ResyncCache {

  /** The most entries one resync's cache keeps. */
  int MAX_ENTRIES = 10_000;

  /** The most bytes of weighed values one resync's cache keeps. */
  long MAX_WEIGHT_BYTES = 64L * 1024 * 1024;

  /**
   * The value of {@code key}, computing it with {@code compute} when this resync has none yet. The value counts
   * as small (weight 0 bytes; it still takes one of the {@value #MAX_ENTRIES} entries).
   */
  default <V> CompletionStage<V> computeIfAbsent(String key, Supplier<? extends CompletionStage<V>> compute) {
    return computeIfAbsent(key, compute, v -> 0);
  }

  /**
   * As {@link #computeIfAbsent(String, Supplier)}, weighing the value with {@code bytes} (an estimate of its
   * memory in bytes) against the cache's byte bound once it is computed.
   */
  <V> CompletionStage<V> computeIfAbsent(String key, Supplier<? extends CompletionStage<V>> compute,
      ToLongFunction<? super V> bytes);
}

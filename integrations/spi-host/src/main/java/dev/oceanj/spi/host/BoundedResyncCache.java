package dev.oceanj.spi.host;

import dev.oceanj.spi.ResyncCache;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/** One resync's {@link ResyncCache}: shared computations, bounded by entries and weighed bytes. */
final class BoundedResyncCache implements ResyncCache {

  private static final System.Logger LOG = System.getLogger(BoundedResyncCache.class.getName());

  private final ConcurrentHashMap<String, CompletableFuture<Object>> entries = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final AtomicLong bytes = new AtomicLong();
  private final int maxEntries;
  private final long maxBytes;
  private volatile boolean closed;

  BoundedResyncCache(int maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V> CompletionStage<V> computeIfAbsent(String key, Supplier<? extends CompletionStage<V>> compute,
      ToLongFunction<? super V> weigher) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(compute, "compute");
    Objects.requireNonNull(weigher, "bytes");
    CompletableFuture<Object> existing = entries.get(key);
    if (existing != null) {
      return (CompletionStage<V>) existing.copy();
    }
    if (closed || entries.size() >= maxEntries) {
      warnOnce(key, "the cache of this resync is full (" + maxEntries + " entries)");
      return compute.get();
    }
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> raced = entries.putIfAbsent(key, mine);
    if (raced != null) {
      return (CompletionStage<V>) raced.copy();
    }
    CompletionStage<V> computed;
    try {
      computed = Objects.requireNonNull(compute.get(), "the computation returned a null stage");
    } catch (RuntimeException e) {
      entries.remove(key, mine);
      mine.completeExceptionally(e);
      return (CompletionStage<V>) mine.copy();
    }
    computed.whenComplete((value, error) -> {
      if (error != null) {
        entries.remove(key, mine);
      } else {
        long weight = Math.max(0, weigher.applyAsLong(value));
        if (bytes.addAndGet(weight) > maxBytes) {
          bytes.addAndGet(-weight);
          entries.remove(key, mine);
          warnOnce(key, "its value (" + weight + " bytes) would pass the cache's bound of " + maxBytes + " bytes");
        }
      }
      if (error != null) {
        mine.completeExceptionally(error);
      } else {
        mine.complete(value);
      }
    });
    return (CompletionStage<V>) mine.copy();
  }

  /** Empties the cache; later calls compute without keeping anything. */
  void close() {
    closed = true;
    entries.clear();
    bytes.set(0);
  }

  int size() {
    return entries.size();
  }

  private void warnOnce(String key, String why) {
    if (warned.add(key)) {
      LOG.log(System.Logger.Level.WARNING, "Resync cache: not keeping '" + key + "': " + why + "; later users compute it again");
    }
  }
}

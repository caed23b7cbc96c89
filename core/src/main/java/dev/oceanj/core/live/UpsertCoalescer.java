package dev.oceanj.core.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.EntityWrites;
import dev.oceanj.core.port.PortClient.EntityOutcome;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.port.PortLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gathers the upserts of concurrently processed live events into Port bulk requests (≤ 20 entities of one
 * blueprint), so a burst of events costs one request per 20 entities instead of one per event. An upsert waits
 * at most {@code linger} for company. Each caller gets its own entity's outcome. Two upserts of the same entity
 * never share a request: the second waits for the next one, which keeps their order.
 */
final class UpsertCoalescer implements AutoCloseable {

  private final EntityWrites port;
  private final long lingerNanos;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "oceanj-live-upserts");
    t.setDaemon(true);
    return t;
  });
  private final Map<List<Object>, Batch> open = new HashMap<>();

  UpsertCoalescer(EntityWrites port, Duration linger) {
    this.port = port;
    this.lingerNanos = linger.toNanos();
  }

  private static final class Batch {
    final String blueprint;
    final UpsertOptions options;
    final List<ObjectNode> entities = new ArrayList<>();
    final List<CompletableFuture<EntityOutcome>> waiters = new ArrayList<>();
    final Set<String> identifiers = new HashSet<>();

    Batch(String blueprint, UpsertOptions options) {
      this.blueprint = blueprint;
      this.options = options;
    }
  }

  CompletableFuture<EntityOutcome> upsert(String blueprint, ObjectNode entity, String identifier,
      UpsertOptions options) {
    CompletableFuture<EntityOutcome> result = new CompletableFuture<>();
    List<Object> key = List.of(blueprint, options);
    Batch full = null;
    Batch toSend = null;
    synchronized (open) {
      Batch b = open.get(key);
      if (b != null && identifier != null && b.identifiers.contains(identifier)) {
        open.remove(key);
        full = b;
        b = null;
      }
      if (b == null) {
        b = new Batch(blueprint, options);
        open.put(key, b);
        Batch scheduled = b;
        timer.schedule(() -> flush(key, scheduled), lingerNanos, TimeUnit.NANOSECONDS);
      }
      b.entities.add(entity);
      b.waiters.add(result);
      if (identifier != null) {
        b.identifiers.add(identifier);
      }
      if (b.entities.size() >= PortLimits.MAX_UPSERT_ENTITIES) {
        open.remove(key);
        toSend = b;
      }
    }
    if (full != null) {
      send(full);
    }
    if (toSend != null) {
      send(toSend);
    }
    return result;
  }

  private void flush(List<Object> key, Batch b) {
    synchronized (open) {
      if (open.get(key) != b) {
        return;
      }
      open.remove(key);
    }
    send(b);
  }

  private void send(Batch b) {
    port.bulkUpsert(b.blueprint, b.entities, b.options).whenComplete((result, error) -> {
      for (int i = 0; i < b.waiters.size(); i++) {
        if (error != null) {
          b.waiters.get(i).completeExceptionally(error);
        } else if (i < result.outcomes().size()) {
          b.waiters.get(i).complete(result.outcomes().get(i));
        } else {
          b.waiters.get(i).completeExceptionally(new IllegalStateException("Port returned no outcome for entity "
              + i + " of a bulk upsert to " + b.blueprint));
        }
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

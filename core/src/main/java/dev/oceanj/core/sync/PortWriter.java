package dev.oceanj.core.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.Failures;
import dev.oceanj.core.port.BulkPacker;
import dev.oceanj.core.port.BulkPacker.Batch;
import dev.oceanj.core.port.DeleteGuard;
import dev.oceanj.core.port.DeleteRefusedException;
import dev.oceanj.core.port.EntityWrites;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClient.BulkUpsertResult;
import dev.oceanj.core.port.PortClient.EntityOutcome;
import dev.oceanj.core.port.PortClient.PortError;
import dev.oceanj.core.port.PortClient.SerializedEntity;
import dev.oceanj.core.port.PortClient.EntityRef;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.port.PortLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one write stage to Port, for resyncs ({@link #upserts}, the write end of {@link ResyncPipeline};
 * {@link #deletes}, the bulk deletes of {@link Reconciler}) and live events ({@link #upsert} and {@link #delete},
 * used by {@code core.live.LiveEventWriter}):
 *
 * <ul>
 *   <li>groups entities per blueprint into bulk upserts within Port's limits ({@link #LIMITS}, measured on the
 *       serialized bytes with {@link BulkPacker}); entities are serialized once and their bytes go to the client
 *       untouched, one request per batch;
 *   <li>bounds the requests in flight: a resync's kind has at most {@code upsert-concurrency}; live events wait at
 *       most {@link #LIVE_LINGER} for company, so concurrent events share a request;
 *   <li>writes through the client's org-wide write limiter with its priority: a resync writer uses the client as
 *       given, a live-event writer its {@link EntityWrites#forLiveEvents()} view;
 *   <li>is where the skip-unchanged {@link DigestStore} learns about writes: a resync write records the entity's
 *       digest (or drops it when Port refused the entity), a live-event write or delete drops it through
 *       {@link LiveWrites}, so the next resync writes the entity again.
 * </ul>
 *
 * <p>Thread-safe; a live-event writer is shared by every event of an integration.
 */
public final class PortWriter {

  /** Port's limits on one bulk upsert: the only place the write stage reads them. */
  public static final BulkPacker.Limits LIMITS = BulkPacker.Limits.PORT;

  /** How long a live-event upsert waits for others: a few milliseconds turn concurrent events into bulk requests. */
  public static final Duration LIVE_LINGER = Duration.ofMillis(3);

  private static final Logger log = LoggerFactory.getLogger(PortWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EntityWrites client;
  private final LiveWrites liveWrites;
  private final Executor linger;
  private final BulkPacker<LiveKey, LiveEntity> lingering = new BulkPacker<>(LIMITS, LiveEntity::bytes);

  private PortWriter(EntityWrites client, LiveWrites liveWrites, Duration linger) {
    this.client = client;
    this.liveWrites = liveWrites;
    // The delay thread is the JDK's shared one; flushing only hands a request to the client, so it runs there.
    this.linger = CompletableFuture.delayedExecutor(linger.toNanos(), TimeUnit.NANOSECONDS, Runnable::run);
  }

  /** The writer of resyncs: the client's own (resync) share of the write budget. */
  public static PortWriter forResync(EntityWrites client) {
    return new PortWriter(client, null, LIVE_LINGER);
  }

  /**
   * The writer of live events: the client's live-event share of the write budget.
   *
   * @param written told of every entity written or deleted (whatever Port answered)
   */
  public static PortWriter forLiveEvents(EntityWrites client, LiveWrites written) {
    return forLiveEvents(client, written, LIVE_LINGER);
  }

  static PortWriter forLiveEvents(EntityWrites client, LiveWrites written, Duration linger) {
    return new PortWriter(client.forLiveEvents(), written, linger);
  }

  // ---- resyncs ----------------------------------------------------------------------------------------------

  /**
   * What became of one entity of a resync: written ({@code outcome.ok()}), refused ({@code failure} says why), or
   * neither: its search identifier matched no entity ({@code outcome} not ok, no failure).
   */
  record Written(String blueprint, PreparedEntity entity, EntityOutcome outcome, String failure) {}

  /**
   * The write end of a resync's kind: entities in, per-blueprint bulk upserts ({@code upsert-batch-max-length} /
   * {@code -size-bytes}, within {@link #LIMITS}) with at most {@code upsert-concurrency} in flight, each request's
   * entities out once Port answered, their digests already recorded in {@code run}'s store.
   */
  Flow<PreparedEntity, List<Written>, NotUsed> upserts(ResyncRun run, ResyncSettings settings) {
    BulkPacker.Limits limits = new BulkPacker.Limits(Math.min(LIMITS.entities(), settings.upsertBatchMaxLength()),
        (int) Math.min(LIMITS.bytes(), settings.upsertBatchMaxSizeBytes()));
    return Flow.<PreparedEntity>create()
        .statefulMap(
            () -> new BulkPacker<String, PreparedEntity>(limits, PreparedEntity::bytes),
            (packer, e) -> Pair.create(packer, packer.add(e.blueprint(), e)),
            packer -> Optional.of(packer.flush()))
        .mapConcat(batches -> batches)
        .mapAsyncUnordered(settings.upsertConcurrency(), batch -> write(run, batch.key(), batch.items()));
  }

  private CompletionStage<List<Written>> write(ResyncRun run, String blueprint, List<PreparedEntity> batch) {
    return send(blueprint, batch, run.upsertOptions()).handle((result, error) -> {
      List<Written> out = new ArrayList<>(batch.size());
      if (error != null) {
        String message = ResyncPipeline.describe(error);
        log.warn("Bulk upsert of {} {} entities failed: {}", batch.size(), blueprint, message);
        batch.forEach(e -> out.add(refused(run, blueprint, e, null, message)));
        return out;
      }
      long acknowledged = System.currentTimeMillis();
      boolean[] answered = new boolean[batch.size()];
      for (EntityOutcome o : result.outcomes()) {
        if (o.index() < 0 || o.index() >= answered.length || answered[o.index()]) {
          continue;
        }
        answered[o.index()] = true;
        PreparedEntity e = batch.get(o.index());
        if (o.ok()) {
          if (e.identifier() != null) {
            // Port stamped updatedAt before it answered: now bounds it, which the drift check relies on.
            run.digests().ifPresent(d -> d.put(e.key(), e.digest(), acknowledged));
          }
          out.add(new Written(blueprint, e, o, null));
        } else if (e.identifier() == null && "unknown".equals(o.identifier())) {
          out.add(new Written(blueprint, e, o, null)); // the search identifier matched nothing
        } else {
          PortError pe = o.error().get();
          out.add(refused(run, blueprint, e, o, pe.error() + ": " + pe.message()));
        }
      }
      for (int i = 0; i < answered.length; i++) {
        if (!answered[i]) {
          out.add(refused(run, blueprint, batch.get(i), null, "Port did not report this entity"));
        }
      }
      return out;
    });
  }

  private static Written refused(ResyncRun run, String blueprint, PreparedEntity e, EntityOutcome o, String message) {
    if (e.identifier() != null) {
      run.digests().ifPresent(d -> d.remove(e.key()));
    }
    return new Written(blueprint, e, o, message);
  }

  /**
   * The delete end of a resync's reconciliation: stale entities in, grouped per blueprint into bulk deletes of at
   * most {@code delete-batch-size} identifiers (never more than Port's {@value PortLimits#MAX_DELETE_IDENTIFIERS}),
   * at most {@code upsert-concurrency} requests in flight through the client's write limiter, none started once
   * {@code cancelled} answers true, each started only once {@code mayDelete} (asked anew per request) completes with
   * true: a false or failed answer skips it. Out: per request, how many entities Port reports deleted (they leave
   * {@code run}'s digest store); a failed or skipped request counts 0 and a failure's message joins {@code errors}
   * (a sample). Each request also asks {@code guard} at the last moment, in the client's transport; a request it
   * refused counts 0 and is no error here (the guard was told).
   */
  Flow<EntityRef, Long, NotUsed> deletes(ResyncRun run, ResyncSettings settings, boolean deleteDependents,
      BooleanSupplier cancelled, Supplier<CompletionStage<Boolean>> mayDelete, DeleteGuard guard, List<String> errors) {
    int batchSize = Math.min(settings.deleteBatchSize(), PortLimits.MAX_DELETE_IDENTIFIERS);
    return Flow.<EntityRef>create()
        .statefulMap(
            () -> new LinkedHashMap<String, List<String>>(),
            (groups, ref) -> {
              List<String> ids = groups.computeIfAbsent(ref.blueprint(), k -> new ArrayList<>());
              ids.add(ref.identifier());
              List<Pair<String, List<String>>> full = List.of();
              if (ids.size() >= batchSize) {
                full = List.of(Pair.create(ref.blueprint(), List.copyOf(ids)));
                groups.remove(ref.blueprint());
              }
              return Pair.create(groups, full);
            },
            groups -> {
              List<Pair<String, List<String>>> rest = new ArrayList<>();
              groups.forEach((bp, ids) -> rest.add(Pair.create(bp, List.copyOf(ids))));
              return Optional.of(rest);
            })
        .mapConcat(l -> l)
        .takeWhile(batch -> !cancelled.getAsBoolean())
        .mapAsyncUnordered(settings.upsertConcurrency(), batch -> mayDelete.get()
            .handle((allowed, error) -> error == null && Boolean.TRUE.equals(allowed) && !cancelled.getAsBoolean())
            .thenCompose(allowed -> allowed
                ? delete(run, batch.first(), batch.second(), deleteDependents, guard, errors)
                : CompletableFuture.completedFuture(0L)));
  }

  private CompletionStage<Long> delete(ResyncRun run, String blueprint, List<String> identifiers,
      boolean deleteDependents, DeleteGuard guard, List<String> errors) {
    CompletionStage<List<String>> sent;
    try {
      sent = client.bulkDelete(blueprint, identifiers, deleteDependents, guard);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle((deleted, error) -> {
      if (error != null && Failures.unwrap(error) instanceof DeleteRefusedException) {
        return 0L;
      }
      if (error != null) {
        String msg = "deleting " + identifiers.size() + " " + blueprint + " entities failed: "
            + ResyncPipeline.describe(error);
        log.warn(msg);
        if (errors.size() < KindCounters.SAMPLE) {
          errors.add(msg);
        }
        return 0L;
      }
      run.digests().ifPresent(d -> deleted.forEach(id -> d.remove(KeyHash.key(blueprint, id))));
      return (long) deleted.size();
    });
  }

  // ---- live events ------------------------------------------------------------------------------------------

  private record LiveKey(String blueprint, UpsertOptions options) {}

  private record LiveEntity(PreparedEntity entity, CompletableFuture<EntityOutcome> result) {
    int bytes() {
      return entity.bytes();
    }
  }

  /**
   * Upserts one entity of a live event, in a bulk request shared with the upserts of {@code blueprint} that
   * arrive within {@link #LIVE_LINGER}; completes with its own outcome. Two upserts of the same entity never share a
   * request: the second waits for the next one, which keeps their order.
   *
   * @param identifier null when the identifier is a search query
   */
  public CompletableFuture<EntityOutcome> upsert(String blueprint, ObjectNode entity, String identifier,
      UpsertOptions options) {
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(entity);
    } catch (JsonProcessingException e) {
      remember(blueprint, identifier);
      return CompletableFuture.completedFuture(new EntityOutcome(0, identifier, false,
          Optional.of(new PortError(400, "invalid_entity", "entity cannot be serialized: " + e.getOriginalMessage()))));
    }
    LiveEntity item = new LiveEntity(new PreparedEntity(blueprint, identifier, 0, entity, json, 0),
        new CompletableFuture<>());
    LiveKey key = new LiveKey(blueprint, options);
    List<Batch<LiveKey, LiveEntity>> ready = new ArrayList<>(2);
    long opened;
    synchronized (lingering) {
      if (identifier != null && lingering.openBatchHolds(key, o -> identifier.equals(o.entity().identifier()))) {
        ready.add(lingering.take(key));
      }
      long before = lingering.openBatch(key);
      ready.addAll(lingering.add(key, item));
      opened = lingering.openBatch(key);
      if (opened == before) {
        opened = -1;
      }
    }
    if (opened != -1) {
      long batch = opened;
      linger.execute(() -> flush(key, batch));
    }
    ready.forEach(this::send);
    return item.result();
  }

  /**
   * Deletes one entity of a live event (no batching: the live path deletes exactly what an event names);
   * completes {@code false} when it did not exist.
   */
  public CompletionStage<Boolean> delete(String blueprint, String identifier, boolean deleteDependents) {
    return client.deleteEntity(blueprint, identifier, deleteDependents)
        .whenComplete((deleted, error) -> remember(blueprint, identifier));
  }

  private void flush(LiveKey key, long batch) {
    Batch<LiveKey, LiveEntity> b;
    synchronized (lingering) {
      if (lingering.openBatch(key) != batch) {
        return; // already sent, full or pushed out by a second upsert of one of its entities
      }
      b = lingering.take(key);
    }
    send(b);
  }

  private void send(Batch<LiveKey, LiveEntity> b) {
    List<LiveEntity> items = b.items();
    List<PreparedEntity> entities = new ArrayList<>(items.size());
    items.forEach(i -> entities.add(i.entity()));
    send(b.key().blueprint(), entities, b.key().options()).whenComplete((result, error) -> {
      for (int i = 0; i < items.size(); i++) {
        LiveEntity item = items.get(i);
        remember(b.key().blueprint(), item.entity().identifier());
        if (error != null) {
          item.result().completeExceptionally(error);
        } else if (i < result.outcomes().size()) {
          item.result().complete(result.outcomes().get(i));
        } else {
          item.result().completeExceptionally(new IllegalStateException("Port returned no outcome for entity "
              + i + " of a bulk upsert to " + b.key().blueprint()));
        }
      }
    });
  }

  private void remember(String blueprint, String identifier) {
    if (identifier != null && liveWrites != null) {
      liveWrites.written(blueprint, identifier);
    }
  }

  // ---- both -------------------------------------------------------------------------------------------------

  /** One bulk upsert of entities packed within the limits: their serialized bytes, untouched. */
  private CompletionStage<BulkUpsertResult> send(String blueprint, List<PreparedEntity> batch, UpsertOptions options) {
    List<SerializedEntity> entities = new ArrayList<>(batch.size());
    batch.forEach(e -> entities.add(new SerializedEntity(e.entity(), e.json())));
    try {
      return client.bulkUpsertSerialized(blueprint, entities, options);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}

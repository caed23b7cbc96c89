package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.PortClient.BulkUpsertResult;
import dev.oceanj.core.port.PortClient.SerializedEntity;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Port client's role that writes entities: bulk and single upserts and deletes, each through the
 * organisation-wide write limiter. What the resync's write stage, the failed-entity retry and the live-event
 * writer use.
 */
public interface EntityWrites {

  /**
   * This role for live events: its writes may use the share of the org-wide write budget that resyncs leave
   * free. The default (for clients without a limiter) is this client itself.
   */
  default EntityWrites forLiveEvents() {
    return this;
  }

  /**
   * Bulk-upserts entities of one blueprint. Per-entity outcomes come back by index, one per entity, in order; a
   * partial failure (HTTP 207) completes normally. Requests hold at most 20 entities and 1 MiB (from the real
   * serialized bytes), so a longer list goes out as several requests; a 413 is cured by splitting the batch, and an
   * entity too large on its own is reported without being sent. A request Port refuses as a whole with a 4xx
   * (unknown blueprint, 422…) gives each of its entities that error; a failure retries did not cure (5xx,
   * connection) fails the stage, though other requests of the same call may have landed (upserts are idempotent).
   */
  CompletionStage<BulkUpsertResult> bulkUpsert(String blueprint, List<ObjectNode> entities, UpsertOptions options);

  /**
   * {@link #bulkUpsert} of entities the caller has already serialized (the resync digests those bytes): a client
   * that sends bytes sends these instead of serializing each entity again. {@code json} must be the serialization
   * of {@code entity}.
   */
  default CompletionStage<BulkUpsertResult> bulkUpsertSerialized(String blueprint, List<SerializedEntity> entities,
      UpsertOptions options) {
    return bulkUpsert(blueprint, entities.stream().map(SerializedEntity::entity).toList(), options);
  }

  /** Upserts one entity; completes with the entity Port returned. */
  CompletionStage<ObjectNode> upsertEntity(String blueprint, ObjectNode entity, UpsertOptions options);

  /** Deletes one entity; completes {@code false} when it did not exist. */
  CompletionStage<Boolean> deleteEntity(String blueprint, String identifier, boolean deleteDependents);

  /** Deletes up to 100 entities of one blueprint; completes with the identifiers Port reports deleted. */
  CompletionStage<List<String>> bulkDelete(String blueprint, List<String> identifiers, boolean deleteDependents);

  /**
   * {@link #bulkDelete(String, List, boolean)}, each request asking {@code guard} at the last moment before it is
   * written (see {@link DeleteGuard}); a refused request is not sent and the stage fails with
   * {@link DeleteRefusedException}. The default, for clients with no transport of their own (test doubles), asks
   * the guard once, right before it delegates.
   */
  default CompletionStage<List<String>> bulkDelete(String blueprint, List<String> identifiers, boolean deleteDependents,
      DeleteGuard guard) {
    if (guard == DeleteGuard.NONE) {
      return bulkDelete(blueprint, identifiers, deleteDependents);
    }
    return guard.admit().thenCompose(admission -> {
      Optional<String> refusal = admission.refusal().or(() -> admission.lateAt(System.nanoTime()))
          .or(guard::lastLook);
      if (refusal.isPresent()) {
        guard.refused(refusal.get());
        return CompletableFuture.failedFuture(new DeleteRefusedException(refusal.get()));
      }
      return bulkDelete(blueprint, identifiers, deleteDependents);
    });
  }
}

package dev.oceanj.core.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.core.mapping.MapResult;
import dev.oceanj.core.port.EntityWrites;
import dev.oceanj.core.port.PortClient.EntityOutcome;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.sync.LiveWrites;
import dev.oceanj.core.sync.MappingPlan;
import dev.oceanj.core.sync.PortWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Applies what a live-event processor returned for one kind: the raw objects go through every resource of the
 * mapping with that kind (selector, {@code itemsToParse}, jq), exactly as resync items do, and the entities are
 * written through the write stage the resync uses ({@link PortWriter#forLiveEvents}: bulk requests shared by
 * concurrent events, the live-event share of the org-wide write budget, the skip-unchanged store told).
 *
 * <p>Deletions delete exactly the entities the deleted objects map to, one by one, and never one that the same
 * result also upserts; deleting an absent entity is a no-op, so a replayed event changes nothing. Objects the
 * selector filters out are left alone (Ocean deletes them; oceanj takes the cautious path and never deletes
 * on a selector's say-so).
 */
public final class LiveEventWriter {

  /** What one application wrote. */
  public record Applied(int upserted, int deleted, int filteredOut) {}

  private final PortWriter writer;

  /** @param port the integration's client; its live-event view is used for every write */
  public LiveEventWriter(EntityWrites port) {
    this(port, new LiveWrites());
  }

  /**
   * @param port the integration's client; its live-event view is used for every write
   * @param written told of every entity written or deleted (whatever Port answered), so that the next resync
   *     writes it again rather than skip it as unchanged
   */
  public LiveEventWriter(EntityWrites port, LiveWrites written) {
    this.writer = PortWriter.forLiveEvents(port, written);
  }

  /**
   * Maps and writes. Fails (so the event is retried, then dead-lettered) when an item cannot be mapped or Port
   * refuses an entity, with {@link PortRefused} when Port's refusals are all {@link #permanent} (not retried);
   * writes already made are repeated harmlessly by a retry.
   */
  public CompletionStage<Applied> apply(MappingPlan plan, String kind, List<JsonNode> upserted, List<JsonNode> deleted) {
    Map<String, List<ObjectNode>> toUpsert = new LinkedHashMap<>();
    Map<ObjectNode, String> identifiers = new java.util.IdentityHashMap<>();
    Set<String> upsertKeys = new LinkedHashSet<>();
    Set<List<String>> toDelete = new LinkedHashSet<>();
    int[] filtered = {0};
    List<String> errors = new ArrayList<>();
    for (CompiledResource r : plan.resources()) {
      if (!r.kind().equals(kind)) {
        continue;
      }
      for (JsonNode raw : upserted) {
        r.expandItems(raw, item -> {
          MapResult o = r.map(item);
          if (o instanceof MapResult.Mapped m) {
            toUpsert.computeIfAbsent(m.blueprint(), b -> new ArrayList<>()).add(m.entity());
            identifiers.put(m.entity(), m.identifier());
            upsertKeys.add(m.blueprint() + "\u0000" + m.identifier());
          } else if (o instanceof MapResult.SelectorError f) {
            errors.add("kind " + kind + " resource " + r.index() + ": " + f.message());
          } else {
            filtered[0]++;
          }
        });
      }
      for (JsonNode raw : deleted) {
        r.expandItems(raw, item -> {
          MapResult o = r.map(item);
          if (o instanceof MapResult.Mapped m && m.identifier() != null) {
            toDelete.add(List.of(m.blueprint(), m.identifier()));
          } else if (o instanceof MapResult.SelectorError f) {
            errors.add("kind " + kind + " resource " + r.index() + ": " + f.message());
          }
        });
      }
    }
    if (!errors.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("mapping failed: " + String.join("; ", errors)));
    }
    toDelete.removeIf(ref -> upsertKeys.contains(ref.get(0) + "\u0000" + ref.get(1)));
    UpsertOptions options = new UpsertOptions(plan.merge(), plan.createMissingRelatedEntities(), false);
    List<CompletableFuture<EntityOutcome>> writes = new ArrayList<>();
    List<String> blueprints = new ArrayList<>();
    toUpsert.forEach((blueprint, entities) -> {
      for (ObjectNode entity : entities) {
        String identifier = identifiers.get(entity);
        writes.add(writer.upsert(blueprint, entity, identifier, options));
        blueprints.add(blueprint);
      }
    });
    CompletableFuture<Integer> written = CompletableFuture.allOf(writes.toArray(new CompletableFuture[0]))
        .thenApply(v -> checked(blueprints, writes));
    // Deletes go after the upserts: an entity may be referenced by one just written.
    return written.thenCompose(count -> {
      List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
      for (List<String> ref : toDelete) {
        deletes.add(writer.delete(ref.get(0), ref.get(1), plan.deleteDependentEntities()).toCompletableFuture());
      }
      return CompletableFuture.allOf(deletes.toArray(new CompletableFuture[0]))
          .thenApply(v -> new Applied(count, (int) deletes.stream().filter(CompletableFuture::join).count(),
              filtered[0]));
    });
  }

  private static int checked(List<String> blueprints, List<CompletableFuture<EntityOutcome>> outcomes) {
    List<String> failures = new ArrayList<>();
    boolean allPermanent = true;
    for (int i = 0; i < outcomes.size(); i++) {
      EntityOutcome o = outcomes.get(i).join();
      if (o.error().isPresent()) {
        var e = o.error().get();
        failures.add(o.identifier() + ": " + e.statusCode() + " " + e.error() + " " + e.message());
        allPermanent &= permanent(e.statusCode());
      }
    }
    if (!failures.isEmpty()) {
      String message = "Port refused " + failures.size() + " entit" + (failures.size() == 1 ? "y" : "ies")
          + " of blueprint(s) " + new LinkedHashSet<>(blueprints) + ": " + String.join("; ", failures);
      throw allPermanent ? new PortRefused(message) : new IllegalStateException(message);
    }
    return outcomes.size();
  }

  /**
   * Whether Port's answer {@code status} is final: a 4xx other than 408 (timeout) and 429 (rate limit) says the
   * request itself is wrong, so sending it again gives the same answer.
   */
  public static boolean permanent(int status) {
    return status >= 400 && status < 500 && status != 408 && status != 429;
  }

  /** Port refused every failed entity for good ({@link #permanent}); retrying the event cannot help. */
  public static final class PortRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PortRefused(String message) {
      super(message);
    }
  }
}

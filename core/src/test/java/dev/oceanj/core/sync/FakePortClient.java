package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.PortApiException;
import dev.oceanj.core.port.PortClient.BulkUpsertResult;
import dev.oceanj.core.port.PortClient.DatasourceQuery;
import dev.oceanj.core.port.PortClient.EntityOutcome;
import dev.oceanj.core.port.PortClient.EntityPage;
import dev.oceanj.core.port.PortClient.EntityRef;
import dev.oceanj.core.port.PortClient.PortError;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.port.ResyncPort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** An in-memory Port for unit tests of one stage: entities with their update time, listing pages, call counts. */
final class FakePortClient implements ResyncPort {

  record Stored(ObjectNode entity, Instant updatedAt) {}

  final Map<String, TreeMap<String, Stored>> entities = new ConcurrentHashMap<>();
  final List<List<ObjectNode>> upsertBatches = java.util.Collections.synchronizedList(new ArrayList<>());
  final List<List<String>> deleteBatches = java.util.Collections.synchronizedList(new ArrayList<>());
  final Map<String, List<JsonNode>> examples = new ConcurrentHashMap<>();
  final AtomicInteger listingCalls = new AtomicInteger();
  volatile Predicate<ObjectNode> reject = e -> false;
  volatile boolean failBulk;
  volatile boolean failListing;
  volatile int pageSize = 3;

  @Override
  public PortIdentity identity() {
    return new PortIdentity("fake", "1.0", "it");
  }

  void put(String bp, String id) {
    ObjectNode e = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("identifier", id);
    entities.computeIfAbsent(bp, k -> new TreeMap<>()).put(id, new Stored(e, Instant.now().minusSeconds(60)));
  }

  synchronized int count() {
    return entities.values().stream().mapToInt(Map::size).sum();
  }

  synchronized boolean has(String bp, String id) {
    return entities.getOrDefault(bp, new TreeMap<>()).containsKey(id);
  }

  @Override
  public synchronized CompletionStage<BulkUpsertResult> bulkUpsert(String bp, List<ObjectNode> batch,
      UpsertOptions options) {
    if (batch.size() > 20) {
      throw new AssertionError("batch of " + batch.size());
    }
    upsertBatches.add(List.copyOf(batch));
    if (failBulk) {
      return CompletableFuture.failedFuture(new PortApiException("POST", "/v1/blueprints/" + bp + "/entities/bulk",
          503, "unavailable", null, null));
    }
    List<EntityOutcome> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      ObjectNode e = batch.get(i);
      String id = e.path("identifier").asText();
      if (reject.test(e)) {
        out.add(new EntityOutcome(i, id, false, Optional.of(new PortError(422, "invalid_entity", "bad " + id))));
      } else {
        boolean created = !has(bp, id);
        entities.computeIfAbsent(bp, k -> new TreeMap<>()).put(id, new Stored(e.deepCopy(), Instant.now()));
        out.add(new EntityOutcome(i, id, created, Optional.empty()));
      }
    }
    return CompletableFuture.completedFuture(new BulkUpsertResult(out));
  }

  @Override
  public synchronized CompletionStage<ObjectNode> upsertEntity(String bp, ObjectNode entity, UpsertOptions options) {
    if (reject.test(entity)) {
      return CompletableFuture.failedFuture(new PortApiException("POST", "/v1/blueprints/" + bp + "/entities", 404,
          "not_found", null, null));
    }
    entities.computeIfAbsent(bp, k -> new TreeMap<>())
        .put(entity.path("identifier").asText(), new Stored(entity.deepCopy(), Instant.now()));
    return CompletableFuture.completedFuture(entity);
  }

  @Override
  public synchronized CompletionStage<List<String>> bulkDelete(String bp, List<String> ids, boolean dependents) {
    if (ids.size() > 100) {
      throw new AssertionError("delete batch of " + ids.size());
    }
    deleteBatches.add(List.copyOf(ids));
    List<String> deleted = new ArrayList<>();
    for (String id : ids) {
      if (entities.getOrDefault(bp, new TreeMap<>()).remove(id) != null) {
        deleted.add(id);
      }
    }
    return CompletableFuture.completedFuture(deleted);
  }

  @Override
  public synchronized CompletionStage<EntityPage> datasourceEntities(DatasourceQuery q, Optional<String> cursor) {
    listingCalls.incrementAndGet();
    if (failListing) {
      return CompletableFuture.failedFuture(new PortApiException("POST", "/v1/blueprints/entities/datasource-entities",
          500, "boom", null, null));
    }
    List<EntityRef> all = new ArrayList<>();
    new TreeMap<>(entities).forEach((bp, m) -> m.forEach((id, s) -> {
      if (q.before().isEmpty() || s.updatedAt().isBefore(q.before().get())) {
        all.add(new EntityRef(bp, id));
      }
    }));
    int from = cursor.map(Integer::parseInt).orElse(0);
    int to = Math.min(all.size(), from + Math.min(q.limit(), pageSize));
    Optional<String> next = to < all.size() ? Optional.of(String.valueOf(to)) : Optional.empty();
    return CompletableFuture.completedFuture(new EntityPage(List.copyOf(all.subList(from, to)), next));
  }

  @Override
  public CompletionStage<Void> sendRawDataExamples(String kind, List<JsonNode> ex) {
    examples.put(kind, ex);
    return CompletableFuture.completedFuture(null);
  }

  // ---- not used by the engine's stage tests ----
  private static <T> CompletionStage<T> unsupported() {
    return CompletableFuture.failedFuture(new UnsupportedOperationException());
  }

  @Override public CompletionStage<Optional<ObjectNode>> getEntity(String b, String i) { return unsupported(); }
  @Override public CompletionStage<Boolean> deleteEntity(String b, String i, boolean d) { return unsupported(); }
  @Override public CompletionStage<List<ObjectNode>> searchEntities(JsonNode q, List<String> i) { return unsupported(); }
}

package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.port.EntityWrites;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.sync.ResyncRun.FailedEntity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Ocean's second chance for rejected entities when {@code createMissingRelatedEntities} is off: once every
 * kind is done, they are upserted again one by one with relation targets first, so an entity that failed
 * only because its target did not exist yet lands now. Edges match relation values against identifiers of
 * the failed set, blueprint ignored (as Ocean does); a cycle falls back to the original order.
 */
public final class FailedEntityRetry {

  private FailedEntityRetry() {}

  /** How the retry went: entities that landed, those still rejected, a sample of Port's messages. */
  public record Result(long succeeded, long failed, Map<String, String> failures) {}

  /** The entities in retry order: targets before the entities that reference them. */
  static List<FailedEntity> order(List<FailedEntity> failed) {
    int n = failed.size();
    Map<String, List<Integer>> byId = new HashMap<>();
    for (int i = 0; i < n; i++) {
      JsonNode id = failed.get(i).entity().get("identifier");
      if (id != null && id.isTextual()) {
        byId.computeIfAbsent(id.textValue(), k -> new ArrayList<>()).add(i);
      }
    }
    List<List<Integer>> dependents = new ArrayList<>(n);
    int[] indegree = new int[n];
    for (int i = 0; i < n; i++) {
      dependents.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      JsonNode relations = failed.get(i).entity().get("relations");
      if (relations == null || !relations.isObject()) {
        continue;
      }
      List<String> targets = new ArrayList<>();
      relations.forEach(v -> {
        if (v.isTextual()) {
          targets.add(v.textValue());
        } else if (v.isArray()) {
          v.forEach(e -> { if (e.isTextual()) targets.add(e.textValue()); });
        }
      });
      for (String t : targets) {
        for (int target : byId.getOrDefault(t, List.of())) {
          if (target != i) {
            dependents.get(target).add(i);
            indegree[i]++;
          }
        }
      }
    }
    ArrayDeque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      if (indegree[i] == 0) {
        ready.add(i);
      }
    }
    List<FailedEntity> out = new ArrayList<>(n);
    boolean[] done = new boolean[n];
    while (!ready.isEmpty()) {
      int i = ready.poll();
      done[i] = true;
      out.add(failed.get(i));
      for (int d : dependents.get(i)) {
        if (--indegree[d] == 0) {
          ready.add(d);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (!done[i]) {
        out.add(failed.get(i)); // part of a cycle: Ocean retries these unordered
      }
    }
    return out;
  }

  /** Upserts {@code failed} again, one at a time, in relation order. */
  public static CompletionStage<Result> retry(EntityWrites client, List<FailedEntity> failed, UpsertOptions options) {
    List<FailedEntity> ordered = order(failed);
    long[] ok = new long[1];
    Map<String, String> failures = new LinkedHashMap<>();
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (FailedEntity e : ordered) {
      chain = chain.thenCompose(v -> client.upsertEntity(e.blueprint(), e.entity(), options).handle((r, err) -> {
        synchronized (failures) {
          if (err == null) {
            ok[0]++;
          } else {
            failures.put(String.valueOf(e.entity().path("identifier").asText("<search identifier>")),
                ResyncPipeline.describe(err));
          }
        }
        return null;
      }));
    }
    return chain.thenApply(v -> {
      synchronized (failures) {
        Map<String, String> sample = new LinkedHashMap<>();
        failures.entrySet().stream().limit(KindCounters.SAMPLE).forEach(en -> sample.put(en.getKey(), en.getValue()));
        return new Result(ok[0], failures.size(), sample);
      }
    });
  }
}

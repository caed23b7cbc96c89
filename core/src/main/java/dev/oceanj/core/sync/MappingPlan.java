package dev.oceanj.core.sync;

import dev.oceanj.core.mapping.CompiledResource;
import java.util.List;

/**
 * A compiled mapping (port app config): its resources in order and the options that apply to all of them.
 *
 * @param resources resources in mapping order, compiled; what each makes of an item is a
 *     {@link dev.oceanj.core.mapping.MapResult}
 * @param merge {@code enableMergeEntity}
 * @param createMissingRelatedEntities {@code createMissingRelatedEntities}
 * @param deleteDependentEntities {@code deleteDependentEntities}
 * @param entityDeletionThreshold {@code entityDeletionThreshold}, 0..1
 */
public record MappingPlan(
    List<CompiledResource> resources,
    boolean merge,
    boolean createMissingRelatedEntities,
    boolean deleteDependentEntities,
    double entityDeletionThreshold) {

  public MappingPlan {
    resources = List.copyOf(resources);
    if (!(entityDeletionThreshold >= 0 && entityDeletionThreshold <= 1)) {
      throw new IllegalArgumentException("entityDeletionThreshold must be within 0..1, was " + entityDeletionThreshold);
    }
  }

  /** Turns the mapping JSON Port stores ({@code integration.config}) into a plan. */
  @FunctionalInterface
  public interface Compiler {
    /**
     * @throws IllegalArgumentException naming the resource and field when the mapping is invalid
     */
    MappingPlan compile(com.fasterxml.jackson.databind.JsonNode config);
  }
}

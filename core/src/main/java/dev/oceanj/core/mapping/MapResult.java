package dev.oceanj.core.mapping;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** What {@link CompiledResource#map} made of one item. */
public sealed interface MapResult {

  /** The shared instance for items the selector rejected. */
  FilteredOut FILTERED_OUT = new FilteredOut();

  /**
   * An entity to upsert.
   *
   * @param entity the body Port's (bulk) upsert receives: {@code identifier}, and {@code title}, {@code icon},
   *     {@code team}, {@code properties}, {@code relations} when the mapping has them; a field that failed or
   *     yielded nothing is {@code null}, as in Ocean; search queries are objects with their leaves evaluated.
   *     There is no {@code blueprint} key: the blueprint is the URL path. The objects the mapping builds are new
   *     for each item, but values taken from the item (e.g. the object {@code .department} yields) are the item's
   *     own nodes, not copies: treat the entity as read-only, or deep-copy before changing it.
   * @param blueprint the blueprint's identifier
   * @param identifier the identifier as text, or null when it is a search query (Port resolves it)
   * @param misconfigured field path (e.g. {@code properties.url}) to its expression, for every field that
   *     failed or yielded null; empty when none
   */
  record Mapped(ObjectNode entity, String blueprint, String identifier, Map<String, String> misconfigured)
      implements MapResult {
    /** Whether the identifier is a search query. */
    public boolean usesSearchIdentifier() {
      return identifier == null;
    }
  }

  /** The selector yielded {@code false}. */
  record FilteredOut() implements MapResult {}

  /**
   * The selector passed but the identifier or the blueprint is null, empty or otherwise falsy (Ocean skips
   * such items and counts them as "transformations failed due to empty, null or missing values").
   */
  record Dropped(String reason, Map<String, String> misconfigured) implements MapResult {}

  /** The selector raised an error or yielded something other than a boolean: an error for this item. */
  record SelectorError(String message) implements MapResult {}
}

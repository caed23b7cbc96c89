package dev.oceanj.core.mapping;

import java.util.Optional;

/**
 * One entry of {@code resources[]}.
 *
 * @param index position in {@code resources[]} (0-based); Ocean's metrics call a resource {@code kind-index}
 * @param kind the integration kind this resource maps
 * @param selectorQuery {@code selector.query}: jq that must yield a boolean
 * @param mappings {@code port.entity.mappings}
 * @param itemsToParse {@code port.itemsToParse}: jq yielding an array whose elements become the items
 * @param itemsToParseName {@code port.itemsToParseName}, default {@code "item"}
 * @param itemsToParseTopLevelTransform {@code port.itemsToParseTopLevelTransform}, default true: remove the
 *     source array from the parent before merging each element into it
 */
public record ResourceConfig(
    int index,
    String kind,
    String selectorQuery,
    EntityMappingConfig mappings,
    Optional<String> itemsToParse,
    String itemsToParseName,
    boolean itemsToParseTopLevelTransform) {

  /** Ocean's default {@code itemsToParseName}. */
  public static final String DEFAULT_ITEMS_TO_PARSE_NAME = "item";
}

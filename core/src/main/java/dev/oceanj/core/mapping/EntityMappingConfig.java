package dev.oceanj.core.mapping;

import java.util.Map;
import java.util.Optional;

/**
 * {@code port.entity.mappings} of one resource: every value is jq (see {@link MappingValue}).
 *
 * @param identifier a jq expression or a search query object (then Port resolves the entity)
 * @param title optional jq
 * @param blueprint jq, usually a quoted literal such as {@code '"service"'}
 * @param team optional jq (yielding a string or an array) or a search query
 * @param icon optional jq
 * @param properties property name to mapping value, in mapping order
 * @param relations relation name to jq or search query, in mapping order
 */
public record EntityMappingConfig(
    MappingValue identifier,
    Optional<String> title,
    String blueprint,
    Optional<MappingValue> team,
    Optional<String> icon,
    Map<String, MappingValue> properties,
    Map<String, MappingValue> relations) {

  public EntityMappingConfig {
    properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
    relations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(relations));
  }

  /** Whether the identifier is a search query (an object) rather than a jq expression. */
  public boolean usesSearchIdentifier() {
    return identifier instanceof MappingValue.Obj;
  }
}

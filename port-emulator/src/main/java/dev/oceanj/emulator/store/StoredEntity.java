package dev.oceanj.emulator.store;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One entity as the emulator keeps it: the indexed meta fields plus the entity's public JSON, already serialised,
 * so that listings can stream it without re-encoding.
 *
 * @param blueprint       the blueprint identifier
 * @param identifier      the entity identifier
 * @param datasource      the {@code $datasource} recorded from the writer's User-Agent
 * @param createdAt       creation time, epoch milliseconds (server clock)
 * @param updatedAt       last write time, epoch milliseconds (server clock)
 * @param relationTargets keys ({@link #key(String, String)}) of every entity this one relates to
 * @param json            the public entity JSON (UTF-8), as returned by {@code GET .../entities/{id}}
 */
public record StoredEntity(
    String blueprint,
    String identifier,
    String datasource,
    long createdAt,
    long updatedAt,
    List<String> relationTargets,
    byte[] json) {

  /** Separates blueprint and identifier in a key; it cannot occur in either (both are pattern-checked). */
  public static final char KEY_SEPARATOR = '\u0000';

  public StoredEntity {
    relationTargets = List.copyOf(relationTargets);
  }

  /** The store key of this entity. */
  public String key() {
    return key(blueprint, identifier);
  }

  /** The store key of an entity: blueprint and identifier joined by {@link #KEY_SEPARATOR}. */
  public static String key(String blueprint, String identifier) {
    return blueprint + KEY_SEPARATOR + identifier;
  }

  /** The blueprint part of a key made by {@link #key(String, String)}. */
  public static String blueprintOf(String key) {
    return key.substring(0, key.indexOf(KEY_SEPARATOR));
  }

  /** The identifier part of a key made by {@link #key(String, String)}. */
  public static String identifierOf(String key) {
    return key.substring(key.indexOf(KEY_SEPARATOR) + 1);
  }

  /** The entity JSON as a string, for tests and dumps. */
  public String jsonText() {
    return new String(json, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "StoredEntity[" + blueprint + "/" + identifier + ", datasource=" + datasource + ", updatedAt=" + updatedAt + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredEntity other
        && blueprint.equals(other.blueprint)
        && identifier.equals(other.identifier)
        && updatedAt == other.updatedAt
        && java.util.Arrays.equals(json, other.json);
  }

  @Override
  public int hashCode() {
    return key().hashCode() * 31 + Long.hashCode(updatedAt);
  }
}

package dev.oceanj.emulator.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where the emulator keeps Port's state. Two implementations share one contract: {@link MemoryStore} (the default)
 * and {@link H2Store} (file-backed; every write is committed to the file before the call returns, so an answer the
 * emulator has sent is never lost by a crash).
 *
 * <p>Documents are small JSON objects grouped by kind (blueprints, integrations, actions, pages, scorecards).
 * Entities are indexed by blueprint and identifier, and listed across blueprints in identifier order.
 *
 * <p>The store does not lock: callers serialise read-modify-write cycles on one entity themselves.
 */
public interface Store extends AutoCloseable {

  /** Kind of the blueprint documents. */
  String BLUEPRINTS = "blueprint";
  /** Kind of the integration documents. */
  String INTEGRATIONS = "integration";

  /** The document of a kind with this id, as JSON text. */
  Optional<String> document(String kind, String id);

  /** Every document of a kind, as JSON text, in id order. */
  List<String> documents(String kind);

  /** Creates or replaces a document. */
  void putDocument(String kind, String id, String json);

  /** Removes a document; returns whether it existed. */
  boolean deleteDocument(String kind, String id);

  /** The entity, or null. */
  StoredEntity entity(String blueprint, String identifier);

  /** Writes entities (create or replace) and deletes the given keys, as one durable step. */
  void write(Collection<StoredEntity> upserts, Collection<String> deleteKeys);

  /** The entities of one blueprint, in identifier order. */
  List<StoredEntity> entities(String blueprint);

  /** Number of entities of one blueprint. */
  long count(String blueprint);

  /** Number of entities of every blueprint. */
  long countAll();

  /**
   * Entities of every blueprint in (identifier, blueprint) order, starting strictly after {@code afterKey}
   * (an {@link #listingKey(StoredEntity)} or null), keeping those the filter accepts, until {@code limit} are found.
   * Returns the page and the listing key of the last entity examined when more may follow, else null.
   */
  Page scan(String afterKey, int limit, Predicate<StoredEntity> filter);

  /** Keys of the entities that hold a relation to this entity. */
  Collection<String> dependentsOf(String blueprint, String identifier);

  /** Forgets everything (documents and entities). */
  void clear();

  /** Whether writes reach a file (then request handling runs off the HTTP threads). */
  boolean durable();

  @Override
  void close();

  /** The listing order key: identifier first so that a listing across blueprints pages in identifier order. */
  static String listingKey(StoredEntity e) {
    return e.identifier() + StoredEntity.KEY_SEPARATOR + e.blueprint();
  }

  /**
   * One page of a {@link #scan}.
   *
   * @param entities the entities found
   * @param next     the key to continue after, or null when the listing is complete
   */
  record Page(List<StoredEntity> entities, String next) {}
}

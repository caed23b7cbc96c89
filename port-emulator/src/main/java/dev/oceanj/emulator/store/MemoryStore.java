package dev.oceanj.emulator.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The default store: concurrent maps only, sized for millions of entities. An entity costs its JSON bytes plus two
 * skip-list nodes (per blueprint, and the cross-blueprint listing in identifier order), one hash-map entry (per
 * blueprint, for look-ups by identifier) and, when it has relations, one entry per target in the reverse-relation
 * index used to find dependents.
 */
public class MemoryStore implements Store {

  private final Map<String, ConcurrentSkipListMap<String, String>> documents = new ConcurrentHashMap<>();
  private final Map<String, Entities> byBlueprint = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<String, StoredEntity> listing = new ConcurrentSkipListMap<>();
  private final Map<String, Set<String>> dependents = new ConcurrentHashMap<>();

  @Override
  public Optional<String> document(String kind, String id) {
    var docs = documents.get(kind);
    return docs == null ? Optional.empty() : Optional.ofNullable(docs.get(id));
  }

  @Override
  public List<String> documents(String kind) {
    var docs = documents.get(kind);
    return docs == null ? List.of() : List.copyOf(docs.values());
  }

  @Override
  public void putDocument(String kind, String id, String json) {
    documents.computeIfAbsent(kind, k -> new ConcurrentSkipListMap<>()).put(id, json);
  }

  @Override
  public boolean deleteDocument(String kind, String id) {
    var docs = documents.get(kind);
    return docs != null && docs.remove(id) != null;
  }

  /**
   * The entities of one blueprint: in identifier order for listings, and hashed for look-ups. Every write looks up
   * its entity and its relation targets; in the skip list each look-up compared ~15 identifiers, ~9% of the bulk
   * upsert's CPU in a profile of the benchmark's writes.
   */
  private static final class Entities {
    final ConcurrentSkipListMap<String, StoredEntity> ordered = new ConcurrentSkipListMap<>();
    final ConcurrentHashMap<String, StoredEntity> byId = new ConcurrentHashMap<>();

    StoredEntity put(StoredEntity e) {
      ordered.put(e.identifier(), e);
      return byId.put(e.identifier(), e);
    }

    StoredEntity remove(String identifier) {
      StoredEntity previous = byId.remove(identifier);
      ordered.remove(identifier);
      return previous;
    }
  }

  @Override
  public StoredEntity entity(String blueprint, String identifier) {
    var entities = byBlueprint.get(blueprint);
    return entities == null ? null : entities.byId.get(identifier);
  }

  @Override
  public void write(Collection<StoredEntity> upserts, Collection<String> deleteKeys) {
    applyInMemory(upserts, deleteKeys);
  }

  /** Applies a write to the maps; subclasses call it once the write is durable. */
  protected final void applyInMemory(Collection<StoredEntity> upserts, Collection<String> deleteKeys) {
    for (StoredEntity e : upserts) {
      StoredEntity previous = byBlueprint.computeIfAbsent(e.blueprint(), k -> new Entities()).put(e);
      listing.put(Store.listingKey(e), e);
      if (previous != null) {
        unindexRelations(previous);
      }
      String key = e.key();
      for (String target : e.relationTargets()) {
        dependents.computeIfAbsent(target, k -> ConcurrentHashMap.newKeySet()).add(key);
      }
    }
    for (String key : deleteKeys) {
      var entities = byBlueprint.get(StoredEntity.blueprintOf(key));
      StoredEntity previous = entities == null ? null : entities.remove(StoredEntity.identifierOf(key));
      if (previous != null) {
        listing.remove(Store.listingKey(previous));
        unindexRelations(previous);
      }
    }
  }

  private void unindexRelations(StoredEntity previous) {
    String key = previous.key();
    for (String target : previous.relationTargets()) {
      Set<String> sources = dependents.get(target);
      if (sources != null) {
        sources.remove(key);
        if (sources.isEmpty()) {
          dependents.remove(target, sources);
        }
      }
    }
  }

  @Override
  public List<StoredEntity> entities(String blueprint) {
    var entities = byBlueprint.get(blueprint);
    return entities == null ? List.of() : new ArrayList<>(entities.ordered.values());
  }

  @Override
  public long count(String blueprint) {
    var entities = byBlueprint.get(blueprint);
    return entities == null ? 0 : entities.byId.size();
  }

  @Override
  public long countAll() {
    return listing.size();
  }

  @Override
  public Page scan(String afterKey, int limit, Predicate<StoredEntity> filter) {
    var view = afterKey == null ? listing : listing.tailMap(afterKey, false);
    List<StoredEntity> found = new ArrayList<>(Math.min(limit, 1024));
    Iterator<Map.Entry<String, StoredEntity>> it = view.entrySet().iterator();
    String last = null;
    while (found.size() < limit && it.hasNext()) {
      var entry = it.next();
      last = entry.getKey();
      if (filter.test(entry.getValue())) {
        found.add(entry.getValue());
      }
    }
    return new Page(found, it.hasNext() ? last : null);
  }

  @Override
  public Collection<String> dependentsOf(String blueprint, String identifier) {
    Set<String> sources = dependents.get(StoredEntity.key(blueprint, identifier));
    return sources == null ? List.of() : List.copyOf(sources);
  }

  @Override
  public void clear() {
    documents.clear();
    byBlueprint.clear();
    listing.clear();
    dependents.clear();
  }

  @Override
  public boolean durable() {
    return false;
  }

  @Override
  public void close() {
    // Nothing to release: the maps go with the instance.
  }
}

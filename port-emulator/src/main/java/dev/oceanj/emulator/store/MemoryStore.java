package dev.oceanj.emulator.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The default store: concurrent maps only, sized for millions of entities. An entity costs its JSON bytes plus a
 * skip-list node and a hash-map entry in its blueprint's maps (ordered by identifier, and for look-ups) and, when it
 * has relations, one entry per target in the reverse-relation index used to find dependents. The cross-blueprint
 * listing merges the blueprints' ordered maps.
 */
public class MemoryStore implements Store {

  private final Map<String, ConcurrentSkipListMap<String, String>> documents = new ConcurrentHashMap<>();
  private final Map<String, Entities> byBlueprint = new ConcurrentHashMap<>();
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
    long n = 0;
    for (Entities entities : byBlueprint.values()) {
      n += entities.byId.size();
    }
    return n;
  }

  /**
   * Merges the blueprints' ordered maps into {@link Store#listingKey} order, (identifier, blueprint): identifiers and
   * blueprint names cannot hold the key separator, which sorts before every other character. A map of every entity
   * by listing key did this too, but cost each write one more skip-list insertion (and a key string per entity).
   */
  @Override
  public Page scan(String afterKey, int limit, Predicate<StoredEntity> filter) {
    // "Strictly after afterKey" per blueprint: after a cursor "id<sep>bp", this blueprint's entities from id on when
    // its name sorts after bp, else those after id; after any other text, its entities from that text on.
    int sep = afterKey == null ? -1 : afterKey.indexOf(StoredEntity.KEY_SEPARATOR);
    String afterId = sep < 0 ? afterKey : afterKey.substring(0, sep);
    String afterBlueprint = sep < 0 ? null : afterKey.substring(sep + 1);
    PriorityQueue<Head> heads = new PriorityQueue<>();
    for (Map.Entry<String, Entities> e : byBlueprint.entrySet()) {
      ConcurrentSkipListMap<String, StoredEntity> ordered = e.getValue().ordered;
      Map<String, StoredEntity> view = afterKey == null ? ordered
          : ordered.tailMap(afterId, afterBlueprint == null || e.getKey().compareTo(afterBlueprint) > 0);
      Head head = new Head(view.values().iterator());
      if (head.advance()) {
        heads.add(head);
      }
    }
    List<StoredEntity> found = new ArrayList<>(Math.min(limit, 1024));
    StoredEntity last = null;
    // The head holding the next entity stays out of the queue while it stays ahead of the others: one blueprint
    // usually holds long runs of the listing, and then each entity costs one comparison instead of a queue update.
    Head head = heads.poll();
    while (head != null && found.size() < limit) {
      last = head.current;
      if (filter.test(last)) {
        found.add(last);
      }
      if (!head.advance()) {
        head = heads.poll();
      } else if (!heads.isEmpty() && head.compareTo(heads.peek()) > 0) {
        heads.add(head);
        head = heads.poll();
      }
    }
    // A head left holds an entity not yet examined: the listing goes on after the last one examined.
    return new Page(found, head == null ? null : Store.listingKey(last));
  }

  /** One blueprint's place in a {@link #scan}. */
  private static final class Head implements Comparable<Head> {
    private final Iterator<StoredEntity> rest;
    StoredEntity current;

    Head(Iterator<StoredEntity> rest) {
      this.rest = rest;
    }

    boolean advance() {
      current = rest.hasNext() ? rest.next() : null;
      return current != null;
    }

    @Override
    public int compareTo(Head o) {
      int byId = current.identifier().compareTo(o.current.identifier());
      return byId != 0 ? byId : current.blueprint().compareTo(o.current.blueprint());
    }
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

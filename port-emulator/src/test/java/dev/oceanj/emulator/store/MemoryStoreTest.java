package dev.oceanj.emulator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The cross-blueprint listing merges the blueprints' maps: pages must be what a single map of every entity by
 * {@link Store#listingKey} gives, for any cursor, limit and filter, also while entities are replaced and deleted.
 */
class MemoryStoreTest {

  private static final String[] BLUEPRINTS = {"a", "b", "bb", "service", "team"};

  private static StoredEntity entity(String bp, String id, String ds) {
    return new StoredEntity(bp, id, ds, 1, 1, List.of(), ("{\"identifier\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  /** The listing as one map of every entity by listing key: the reference the merge must match. */
  private static Store.Page reference(TreeMap<String, StoredEntity> all, String afterKey, int limit,
      Predicate<StoredEntity> filter) {
    var view = afterKey == null ? all : all.tailMap(afterKey, false);
    List<StoredEntity> found = new ArrayList<>();
    var it = view.entrySet().iterator();
    String last = null;
    while (found.size() < limit && it.hasNext()) {
      Map.Entry<String, StoredEntity> e = it.next();
      last = e.getKey();
      if (filter.test(e.getValue())) {
        found.add(e.getValue());
      }
    }
    return new Store.Page(found, it.hasNext() ? last : null);
  }

  @Test
  void scanMatchesOneMapOfEveryEntityByListingKey() {
    Random r = new Random(11);
    MemoryStore store = new MemoryStore();
    TreeMap<String, StoredEntity> all = new TreeMap<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      // Few distinct identifiers, so many are shared across blueprints; some are prefixes of others.
      String id = Integer.toString(r.nextInt(400), 7) + (r.nextInt(5) == 0 ? "" : "-x");
      String bp = BLUEPRINTS[r.nextInt(BLUEPRINTS.length)];
      StoredEntity e = entity(bp, id, r.nextBoolean() ? "mine" : "other");
      if (r.nextInt(10) == 0) {
        store.write(List.of(), List.of(e.key()));
        all.remove(Store.listingKey(e));
      } else {
        store.write(List.of(e), List.of());
        all.put(Store.listingKey(e), e);
        keys.add(Store.listingKey(e));
      }
    }
    assertEquals(all.size(), store.countAll());
    List<Predicate<StoredEntity>> filters = List.of(e -> true, e -> e.datasource().equals("mine"), e -> false);
    for (int n = 0; n < 3000; n++) {
      String after = switch (r.nextInt(6)) {
        case 0 -> null;
        case 1, 2 -> keys.get(r.nextInt(keys.size()));
        case 3 -> keys.get(r.nextInt(keys.size())).split("\u0000")[0] + StoredEntity.KEY_SEPARATOR
            + (r.nextBoolean() ? "" : "ba");
        case 4 -> Integer.toString(r.nextInt(400), 7);
        default -> "";
      };
      int limit = 1 + r.nextInt(r.nextBoolean() ? 5 : 400);
      Predicate<StoredEntity> filter = filters.get(r.nextInt(filters.size()));
      Store.Page expected = reference(all, after, limit, filter);
      Store.Page actual = store.scan(after, limit, filter);
      assertEquals(expected.entities(), actual.entities(), "after " + after + ", limit " + limit);
      assertEquals(expected.next(), actual.next(), "after " + after + ", limit " + limit);
    }
  }

  @Test
  void pagingVisitsEveryEntityOnceInOrder() {
    MemoryStore store = new MemoryStore();
    List<StoredEntity> written = new ArrayList<>();
    for (String bp : BLUEPRINTS) {
      for (int i = 0; i < 50; i++) {
        written.add(entity(bp, "id-" + i, "mine"));
      }
    }
    store.write(written, List.of());
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Store.Page page = store.scan(cursor, 7, e -> true);
      page.entities().forEach(e -> seen.add(Store.listingKey(e)));
      cursor = page.next();
    } while (cursor != null);
    assertEquals(written.stream().map(Store::listingKey).sorted().toList(), seen);
    Store.Page whole = store.scan(null, written.size(), e -> true);
    assertEquals(written.size(), whole.entities().size());
    assertNull(whole.next(), "an exactly full page at the end has no cursor");
  }
}

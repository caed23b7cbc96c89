package dev.oceanj.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.oceanj.core.port.BulkPacker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactStructuresTest {

  @Test
  void longSetHoldsEveryAddedHashAndNothingElse() {
    LongSet set = new LongSet(4);
    Set<Long> reference = new HashSet<>();
    Random r = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      long h = i % 1000 == 0 ? 0 : r.nextLong();
      assertEquals(reference.add(h), set.add(h));
    }
    assertEquals(reference.size(), set.size());
    for (long h : reference) {
      assertTrue(set.contains(h));
    }
    Random other = new Random(8);
    for (int i = 0; i < 10_000; i++) {
      long h = other.nextLong();
      assertEquals(reference.contains(h), set.contains(h));
    }
    long[] count = new long[1];
    set.forEach(h -> count[0]++);
    assertEquals(reference.size(), count[0]);
  }

  @Test
  void keyHashesDifferAcrossBlueprintAndIdentifierBoundaries() {
    assertTrue(KeyHash.key("ab", "c") != KeyHash.key("a", "bc"));
    assertTrue(KeyHash.key("a", "b") != KeyHash.key("b", "a"));
    Set<Long> hashes = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      hashes.add(KeyHash.key("fake-person", "person-" + i));
    }
    assertEquals(200_000, hashes.size());
  }

  @Test
  void digestStorePutGetRemoveSurvivesHeavyChurn() {
    DigestStore store = new DigestStore();
    java.util.Map<Long, Long> reference = new java.util.HashMap<>();
    Random r = new Random(3);
    long[] keys = new long[5000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = r.nextLong();
    }
    for (int step = 0; step < 100_000; step++) {
      long k = keys[r.nextInt(keys.length)];
      if (r.nextInt(3) == 0) {
        store.remove(k);
        reference.remove(k);
      } else {
        long d = r.nextLong() | 1;
        store.put(k, d);
        reference.put(k, d);
      }
    }
    assertEquals(reference.size(), store.size());
    for (long k : keys) {
      assertEquals(reference.containsKey(k) ? DigestStore.norm(reference.get(k)) : 0L, store.get(k), "key " + k);
    }
  }

  @Test
  void digestStoreRoundTripsThroughItsFileAndIgnoresAGarbledOne(@TempDir Path dir) throws Exception {
    DigestStore store = new DigestStore();
    for (long i = 0; i < 10_000; i++) {
      store.put(i * 31, i + 100);
    }
    Path file = dir.resolve("sub/digests.bin");
    store.save(file);
    DigestStore loaded = DigestStore.load(file);
    assertEquals(10_000, loaded.size());
    assertEquals(100, loaded.get(0));
    assertEquals(DigestStore.norm(9_999 + 100), loaded.get(9_999 * 31));
    assertEquals(0, loaded.get(7));

    Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    assertEquals(0, DigestStore.load(file).size());
    assertEquals(0, DigestStore.load(dir.resolve("missing.bin")).size());
  }

  @Test
  void digestStoreRetainKeepsOnlyWhatThePredicateAccepts() {
    DigestStore store = new DigestStore();
    Random r = new Random(11);
    long[] keys = new long[20_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = r.nextLong();
      store.put(keys[i], i * 4L + 4);
    }
    store.retain(k -> (k & 3) != 0);
    int kept = 0;
    for (int i = 0; i < keys.length; i++) {
      boolean keep = (keys[i] & 3) != 0;
      assertEquals(keep ? i * 4L + 4 : 0L, store.get(keys[i]), "key " + keys[i]);
      kept += keep ? 1 : 0;
    }
    assertEquals(kept, store.size());
  }

  @Test
  void onlyAnEntityMarkedPresentWithTheSameDigestCountsAsUnchanged() {
    DigestStore store = new DigestStore();
    store.put(42, 1000);
    assertTrue(store.unchanged(42, 1000), "just written, so present");
    store.clearPresence();
    assertFalse(store.unchanged(42, 1000), "Port may have lost it");
    assertTrue(store.markPresent(42));
    assertTrue(store.unchanged(42, 1000));
    assertFalse(store.unchanged(42, 1002), "another body");
    assertFalse(store.markPresent(43), "no digest, nothing to mark");
    assertFalse(store.unchanged(43, 0));
  }

  @Test
  void countPresentCountsOnlyKeysMarkedPresentSinceTheLastClear() {
    DigestStore store = new DigestStore();
    for (long k = 1; k <= 10; k++) {
      store.put(k, 100 + k);
    }
    store.put(0, 7); // the zero key lives outside the table
    assertEquals(11, store.countPresent(k -> true), "written, so present");
    store.clearPresence();
    assertEquals(0, store.countPresent(k -> true));
    store.markPresent(3);
    store.markPresent(4);
    store.markPresent(0);
    assertEquals(3, store.countPresent(k -> true));
    assertEquals(1, store.countPresent(k -> k == 4));
    store.put(12, 5);
    assertEquals(4, store.countPresent(k -> true), "a write marks its key present");
  }

  private static PreparedEntity entity(String bp, String id, int bytes) {
    return new PreparedEntity(bp, id, KeyHash.key(bp, id), JsonNodeFactory.instance.objectNode(), new byte[bytes], 1);
  }

  /** The write stage's packer as {@link PortWriter#upserts} uses it: per blueprint, on the serialized bytes. */
  private static BulkPacker<String, PreparedEntity> packer(int maxLength, long maxBytes) {
    return new BulkPacker<>(new BulkPacker.Limits(maxLength, maxBytes), PreparedEntity::bytes);
  }

  private static List<BulkPacker.Batch<String, PreparedEntity>> add(BulkPacker<String, PreparedEntity> b,
      PreparedEntity e) {
    return b.add(e.blueprint(), e);
  }

  @Test
  void batcherCutsAtTwentyEntitiesPerBlueprint() {
    BulkPacker<String, PreparedEntity> b = packer(20, 1024 * 1024);
    int emitted = 0;
    for (int i = 0; i < 45; i++) {
      for (BulkPacker.Batch<String, PreparedEntity> batch : add(b, entity(i % 2 == 0 ? "a" : "b", "e" + i, 100))) {
        assertEquals(20, batch.items().size());
        assertTrue(batch.items().stream().allMatch(e -> e.blueprint().equals(batch.key())));
        emitted += batch.items().size();
      }
    }
    List<BulkPacker.Batch<String, PreparedEntity>> rest = b.flush();
    for (BulkPacker.Batch<String, PreparedEntity> batch : rest) {
      emitted += batch.items().size();
    }
    assertEquals(45, emitted);
    assertEquals(2, rest.size());
  }

  @Test
  void batcherKeepsEveryBodyWithinTheByteLimit() {
    long limit = 10_000;
    BulkPacker<String, PreparedEntity> b = packer(20, limit);
    Random r = new Random(1);
    int emitted = 0;
    int batches = 0;
    for (int i = 0; i < 500; i++) {
      for (BulkPacker.Batch<String, PreparedEntity> batch : add(b, entity("a", "e" + i, 200 + r.nextInt(3000)))) {
        long body = BulkPacker.ENVELOPE_BYTES + batch.items().stream().mapToLong(PreparedEntity::bytes).sum()
            + batch.items().size() - 1;
        assertEquals(body, batch.bytes());
        assertTrue(body <= limit, "body " + body);
        emitted += batch.items().size();
        batches++;
      }
    }
    for (BulkPacker.Batch<String, PreparedEntity> batch : b.flush()) {
      assertTrue(batch.bytes() <= limit);
      emitted += batch.items().size();
    }
    assertEquals(500, emitted);
    assertTrue(batches > 500 / 20, "byte limit must cut before 20 entities: " + batches + " batches");
  }

  @Test
  void anEntityLargerThanTheLimitGoesAloneInsteadOfBlocking() {
    BulkPacker<String, PreparedEntity> b = packer(20, 10_000);
    assertTrue(add(b, entity("a", "small", 100)).isEmpty());
    List<BulkPacker.Batch<String, PreparedEntity>> out = add(b, entity("a", "huge", 50_000));
    assertEquals(2, out.size());
    assertEquals(List.of("small"), out.get(0).items().stream().map(PreparedEntity::identifier).toList());
    assertEquals(List.of("huge"), out.get(1).items().stream().map(PreparedEntity::identifier).toList());
  }

  @Test
  void anEntityUpdatedInPortAfterOurWriteLosesItsDigest(@TempDir Path dir) throws Exception {
    DigestStore store = new DigestStore();
    long ack = 1_000_000;
    store.put(1, 100, ack);
    store.put(2, 200, ack);
    store.put(3, 300, ack);
    store.clearPresence();
    assertEquals(DigestStore.Mark.KNOWN, store.markPresent(1, ack - 5), "our own write, stamped before the answer");
    assertEquals(DigestStore.Mark.KNOWN, store.markPresent(2, ack + DigestStore.CLOCK_TOLERANCE_MS),
        "within the clock tolerance");
    assertEquals(DigestStore.Mark.CHANGED_IN_PORT, store.markPresent(3, ack + DigestStore.CLOCK_TOLERANCE_MS + 1));
    assertTrue(store.unchanged(1, 100));
    assertFalse(store.unchanged(3, 300), "written again");
    assertEquals(3, store.countPresent(k -> true), "still ours and present");

    // From now on Port's updatedAt is what the store knows: any other value is a change, earlier or later.
    store.clearPresence();
    assertEquals(DigestStore.Mark.KNOWN, store.markPresent(1, ack - 5));
    assertEquals(DigestStore.Mark.CHANGED_IN_PORT, store.markPresent(2, ack + 1));
    assertEquals(DigestStore.Mark.KNOWN, store.markPresent(3, ack + 50_000), "no digest left to drop");
    assertEquals(DigestStore.Mark.UNRECORDED, store.markPresent(4, ack));

    // The times survive the file: a crash after a save keeps what the check needs.
    store.put(5, 500, ack);
    Path file = dir.resolve("digests.bin");
    store.save(file);
    DigestStore loaded = DigestStore.load(file);
    loaded.clearPresence();
    assertEquals(DigestStore.Mark.KNOWN, loaded.markPresent(1, ack - 5));
    assertEquals(DigestStore.Mark.CHANGED_IN_PORT, loaded.markPresent(5, ack + 60_000));
    assertTrue(loaded.unchanged(1, 100));
    assertFalse(loaded.unchanged(5, 500));
  }

  @Test
  void liveWritesDropDigestsAtOnceOrWhenTheStoreArrives() {
    LiveWrites writes = new LiveWrites();
    writes.written("person", "early");
    DigestStore store = new DigestStore();
    store.put(KeyHash.key("person", "early"), 1);
    store.put(KeyHash.key("person", "late"), 2);
    store.put(KeyHash.key("person", "kept"), 3);
    writes.attach(store);
    writes.written("person", "late");
    assertFalse(store.unchanged(KeyHash.key("person", "early"), 1));
    assertFalse(store.unchanged(KeyHash.key("person", "late"), 2));
    assertTrue(store.unchanged(KeyHash.key("person", "kept"), 3));
    assertTrue(store.markPresent(KeyHash.key("person", "late")), "the key stays known: still ours");
  }
}

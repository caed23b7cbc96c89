package dev.oceanj.core.sync;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this integration last wrote to Port: entity key hash → digest of the entity body it sent, for
 * skip-unchanged.
 *
 * <p>Why a local digest store rather than Ocean's search-and-compare (one {@code /entities/search} per 50
 * entities, i.e. 20,000 requests and the whole catalog downloaded again at a million entities): the digest
 * costs no request at all, and its one blind spot, an entity that Port lost or someone deleted, is closed by
 * checking every skip against the owned-entities listing fetched at resync start (200 requests at a million
 * entities). An entity is skipped only when it is in that listing <em>and</em> its digest equals what we
 * wrote last time, so the store can make the runtime write more, never leave an entity missing. Its other
 * blind spot is deliberate: a field edited by hand in Port's UI stays edited until the source changes it.
 *
 * <p>Memory: two primitive arrays, 16 bytes per slot, about 32 MiB at a million entities. File format
 * (under {@code ocean.data-dir}): magic, count, then (key, digest) pairs; written to a temporary file and
 * moved into place, so a crash leaves the previous store. An unreadable file is ignored (everything is
 * written again), never trusted.
 */
public final class DigestStore {

  private static final Logger log = LoggerFactory.getLogger(DigestStore.class);
  private static final long MAGIC = 0x4F4A44494745_5431L; // "OJDIGET1"

  private long[] keys;
  private long[] values;
  private int size;
  private boolean hasZero;
  private long zeroValue;

  public DigestStore() {
    this(1024);
  }

  private DigestStore(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 3 / 2) - 1) << 1;
    keys = new long[cap];
    values = new long[cap];
  }

  /** The digest last written for {@code key}, or 0 when none is known (0 is never a stored digest). */
  public synchronized long get(long key) {
    if (key == 0) {
      return hasZero ? zeroValue : 0;
    }
    int mask = keys.length - 1;
    for (int i = (int) KeyHash.fmix(key) & mask; ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == 0) {
        return 0;
      }
    }
  }

  /** Records that {@code digest} was written for {@code key}. */
  public synchronized void put(long key, long digest) {
    long d = digest == 0 ? 1 : digest;
    if (key == 0) {
      if (!hasZero) {
        size++;
      }
      hasZero = true;
      zeroValue = d;
      return;
    }
    if ((size + 1) * 3L > keys.length * 2L) {
      resize(keys.length * 2);
    }
    if (insert(keys, values, key, d)) {
      size++;
    }
  }

  /** Forgets {@code key} (its entity was deleted, or Port rejected a write). */
  public synchronized void remove(long key) {
    if (key == 0) {
      if (hasZero) {
        size--;
      }
      hasZero = false;
      return;
    }
    int mask = keys.length - 1;
    int i = (int) KeyHash.fmix(key) & mask;
    while (keys[i] != key) {
      if (keys[i] == 0) {
        return;
      }
      i = (i + 1) & mask;
    }
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    int hole = i;
    for (int j = (hole + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
      int home = (int) KeyHash.fmix(keys[j]) & mask;
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    keys[hole] = 0;
    values[hole] = 0;
    size--;
  }

  public synchronized int size() {
    return size;
  }

  /** Drops every entry whose key {@code keep} rejects, so the store follows the catalog instead of growing. */
  public synchronized void retain(LongPredicate keep) {
    long[] oldKeys = keys;
    long[] oldValues = values;
    int count = 0;
    for (long k : oldKeys) {
      if (k != 0 && keep.test(k)) {
        count++;
      }
    }
    int cap = Integer.highestOneBit(Math.max(16, count * 3 / 2) - 1) << 1;
    keys = new long[cap];
    values = new long[cap];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0 && keep.test(oldKeys[i])) {
        insert(keys, values, oldKeys[i], oldValues[i]);
        size++;
      }
    }
    if (hasZero && keep.test(0)) {
      size++;
    } else {
      hasZero = false;
    }
  }

  /** Loads {@code file}; a missing or unreadable file gives an empty store (safe: everything is written). */
  public static DigestStore load(Path file) {
    if (!Files.isRegularFile(file)) {
      return new DigestStore();
    }
    try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (in.readLong() != MAGIC) {
        throw new IOException("not a digest store");
      }
      int n = in.readInt();
      if (n < 0) {
        throw new IOException("negative count");
      }
      DigestStore store = new DigestStore(n);
      for (int i = 0; i < n; i++) {
        store.put(in.readLong(), in.readLong());
      }
      return store;
    } catch (IOException e) {
      log.warn("Ignoring the skip-unchanged store {} ({}); every entity will be written this time", file,
          e.getMessage());
      return new DigestStore();
    }
  }

  /** Writes the store to {@code file} atomically (temporary file, then move). */
  public synchronized void save(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
        out.writeLong(MAGIC);
        out.writeInt(size);
        if (hasZero) {
          out.writeLong(0);
          out.writeLong(zeroValue);
        }
        for (int i = 0; i < keys.length; i++) {
          if (keys[i] != 0) {
            out.writeLong(keys[i]);
            out.writeLong(values[i]);
          }
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static boolean insert(long[] ks, long[] vs, long key, long value) {
    int mask = ks.length - 1;
    for (int i = (int) KeyHash.fmix(key) & mask; ; i = (i + 1) & mask) {
      if (ks[i] == key) {
        vs[i] = value;
        return false;
      }
      if (ks[i] == 0) {
        ks[i] = key;
        vs[i] = value;
        return true;
      }
    }
  }

  private void resize(int cap) {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[cap];
    values = new long[cap];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        insert(keys, values, oldKeys[i], oldValues[i]);
      }
    }
  }
}

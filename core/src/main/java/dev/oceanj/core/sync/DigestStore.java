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
 * wrote last time, so the store can make the runtime write more, never leave an entity missing.
 *
 * <p>Drift: someone else may change an entity after we wrote it (a live event, a user in Port's UI, another
 * integration, or our own resync killed before it saved the store). The same listing carries each entity's
 * {@code updatedAt}, and the store keeps, next to each digest, when it last knew the entity: the time Port
 * acknowledged our write (our clock), replaced at the next listing by the {@code updatedAt} Port reports for
 * it. An entity whose {@code updatedAt} is later than our acknowledged write (by more than
 * {@link #CLOCK_TOLERANCE_MS}, for the clocks of two machines) or differs from the one adopted earlier was
 * changed by someone else: {@link #markPresent(long, long)} drops its digest, so the resync writes it again.
 * That is also what makes the store crash-safe: whatever a killed resync wrote after the last save carries a
 * later {@code updatedAt} than the saved store knows, so the next resync writes it again. The live-event
 * path also drops the digests of what it wrote at once ({@link LiveWrites}), which does not depend on clocks.
 * What the check cannot see: a change within the tolerance after our own write of the same entity.
 *
 * <p>The lowest bit of each stored digest says whether the entity was in that listing: marking the store
 * from the listing costs no memory of its own, where a separate set of the owned keys would cost another
 * 16 MiB at a million entities.
 *
 * <p>Memory: three primitive arrays, 24 bytes per slot, about 48 MiB at a million entities. File format
 * (under {@code ocean.data-dir}): magic, count, then (key, digest, time) triples; written to a temporary file
 * and moved into place, so a crash leaves the previous store. An unreadable file (or one of the older format
 * without times) is ignored (everything is written again), never trusted.
 */
public final class DigestStore {

  private static final Logger log = LoggerFactory.getLogger(DigestStore.class);
  private static final long MAGIC = 0x4F4A44494745_5432L; // "OJDIGET2"

  /**
   * How much later than our acknowledged write Port's {@code updatedAt} of that write may be and still count
   * as ours: Port stamps a write before it answers, so on one clock the bound is 0; this covers the difference
   * between our clock and Port's.
   */
  public static final long CLOCK_TOLERANCE_MS = 2_000;

  /** What {@link #markPresent(long, long)} found. */
  public enum Mark {
    /** The store knows no digest for the key. */
    UNRECORDED,
    /** Known and, as far as Port's {@code updatedAt} tells, as we last wrote it. */
    KNOWN,
    /** Known, but changed in Port since we wrote it: its digest is dropped, so the resync writes it again. */
    CHANGED_IN_PORT
  }

  private long[] keys;
  private long[] values;
  /**
   * Per slot, when the store last knew the entity: {@code ackMillis << 1 | 1} after our write (Port's
   * {@code updatedAt} not yet seen), {@code updatedAtMillis << 1} once a listing reported it, 0 when unknown.
   */
  private long[] times;
  private int size;
  private boolean hasZero;
  private long zeroValue;
  private long zeroTime;

  public DigestStore() {
    this(1024);
  }

  private DigestStore(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 3 / 2) - 1) << 1;
    keys = new long[cap];
    values = new long[cap];
    times = new long[cap];
  }

  /** The digest last written for {@code key} as stored ({@link #norm}), or 0 when none is known. */
  public synchronized long get(long key) {
    long v = find(key);
    return v & ~1L;
  }

  /** A digest as the store keeps it: the lowest bit is the presence flag, and 0 means "none". */
  static long norm(long digest) {
    long d = digest & ~1L;
    return d == 0 ? 2 : d;
  }

  /**
   * Whether {@code key} was last written with {@code digest} <em>and</em> is marked present in Port by
   * {@link #markPresent} since the last {@link #clearPresence}: the one condition under which a resync may skip
   * writing it.
   */
  public synchronized boolean unchanged(long key, long digest) {
    long v = find(key);
    return (v & 1L) == 1L && (v & ~1L) == norm(digest);
  }

  /**
   * How many keys are marked present (by {@link #markPresent} or {@link #put} since the last
   * {@link #clearPresence}) and pass {@code filter}. With {@code filter} "not seen in this resync" it answers
   * whether anything Port held at resync start went unseen, without a second listing.
   */
  public synchronized long countPresent(LongPredicate filter) {
    long n = hasZero && (zeroValue & 1L) == 1L && filter.test(0) ? 1 : 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0 && (values[i] & 1L) == 1L && filter.test(keys[i])) {
        n++;
      }
    }
    return n;
  }

  /** Forgets which entities Port holds (before marking them from a fresh listing). */
  public synchronized void clearPresence() {
    for (int i = 0; i < keys.length; i++) {
      values[i] &= ~1L;
    }
    zeroValue &= ~1L;
  }

  /** Marks {@code key} as present in Port; answers false when the store knows no digest for it. */
  public synchronized boolean markPresent(long key) {
    return markPresent(key, 0) != Mark.UNRECORDED;
  }

  /**
   * Marks {@code key} as present in Port, last updated there at {@code updatedAtMillis} (0 when the listing
   * did not say), and drops its digest when that shows someone else changed the entity since we wrote it.
   */
  public synchronized Mark markPresent(long key, long updatedAtMillis) {
    if (key == 0) {
      if (!hasZero) {
        return Mark.UNRECORDED;
      }
      zeroValue |= 1L;
      long[] vt = {zeroValue, zeroTime};
      Mark m = check(vt, updatedAtMillis);
      zeroValue = vt[0];
      zeroTime = vt[1];
      return m;
    }
    int mask = keys.length - 1;
    for (int i = (int) KeyHash.fmix(key) & mask; ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        values[i] |= 1L;
        long[] vt = {values[i], times[i]};
        Mark m = check(vt, updatedAtMillis);
        values[i] = vt[0];
        times[i] = vt[1];
        return m;
      }
      if (k == 0) {
        return Mark.UNRECORDED;
      }
    }
  }

  /** The drift check on one (value, time) pair, updated in place. */
  private static Mark check(long[] vt, long updatedAt) {
    if (updatedAt <= 0 || (vt[0] & ~1L) == 0) {
      return Mark.KNOWN; // nothing to compare, or no digest to drop
    }
    long t = vt[1];
    boolean ours;
    if (t == 0) {
      ours = false;
    } else if ((t & 1L) == 1L) {
      ours = updatedAt <= (t >>> 1) + CLOCK_TOLERANCE_MS;
    } else {
      ours = updatedAt == t >>> 1;
    }
    if (ours) {
      vt[1] = updatedAt << 1;
      return Mark.KNOWN;
    }
    vt[0] = 1L;
    vt[1] = 0;
    return Mark.CHANGED_IN_PORT;
  }

  /**
   * Drops the digest of {@code key} but keeps the key (still ours, still present): someone else wrote the
   * entity, so the next resync writes it again.
   */
  public synchronized void invalidate(long key) {
    if (key == 0) {
      zeroValue &= 1L;
      zeroTime = 0;
      return;
    }
    int mask = keys.length - 1;
    for (int i = (int) KeyHash.fmix(key) & mask; ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        values[i] &= 1L;
        times[i] = 0;
        return;
      }
      if (k == 0) {
        return;
      }
    }
  }

  private long find(long key) {
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

  /** Records that Port acknowledged {@code digest} for {@code key} now; it is present in Port from now on. */
  public void put(long key, long digest) {
    put(key, digest, System.currentTimeMillis());
  }

  /** Records that Port acknowledged {@code digest} for {@code key} at {@code ackMillis} (our clock). */
  public synchronized void put(long key, long digest, long ackMillis) {
    store(key, norm(digest) | 1L, ackMillis << 1 | 1L);
  }

  private void store(long key, long value, long time) {
    if (key == 0) {
      if (!hasZero) {
        size++;
      }
      hasZero = true;
      zeroValue = value;
      zeroTime = time;
      return;
    }
    if ((size + 1) * 3L > keys.length * 2L) {
      resize(keys.length * 2);
    }
    if (insert(keys, values, times, key, value, time)) {
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
    removeAt(i);
  }

  /** Empties slot {@code i}; backward-shift deletion keeps every probe chain unbroken without tombstones. */
  private void removeAt(int i) {
    int mask = keys.length - 1;
    int hole = i;
    for (int j = (hole + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
      int home = (int) KeyHash.fmix(keys[j]) & mask;
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        times[hole] = times[j];
        hole = j;
      }
    }
    keys[hole] = 0;
    values[hole] = 0;
    times[hole] = 0;
    size--;
  }

  public synchronized int size() {
    return size;
  }

  /**
   * Drops every entry whose key {@code keep} rejects, so the store follows the catalog instead of growing. In
   * place: a rebuilt table would double the store's memory at the end of every resync.
   */
  public synchronized void retain(LongPredicate keep) {
    int i = 0;
    int visited = 0;
    // A removal may shift a later entry into slot i, so slot i is checked again before moving on; the bound
    // stops a scan that wraps around after shifts.
    while (i < keys.length && visited < keys.length * 2) {
      visited++;
      if (keys[i] != 0 && !keep.test(keys[i])) {
        removeAt(i);
      } else {
        i++;
      }
    }
    if (hasZero && !keep.test(0)) {
      hasZero = false;
      size--;
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
        store.store(in.readLong(), in.readLong(), in.readLong());
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
          out.writeLong(zeroTime);
        }
        for (int i = 0; i < keys.length; i++) {
          if (keys[i] != 0) {
            out.writeLong(keys[i]);
            out.writeLong(values[i]);
            out.writeLong(times[i]);
          }
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static boolean insert(long[] ks, long[] vs, long[] ts, long key, long value, long time) {
    int mask = ks.length - 1;
    for (int i = (int) KeyHash.fmix(key) & mask; ; i = (i + 1) & mask) {
      if (ks[i] == key) {
        vs[i] = value;
        ts[i] = time;
        return false;
      }
      if (ks[i] == 0) {
        ks[i] = key;
        vs[i] = value;
        ts[i] = time;
        return true;
      }
    }
  }

  private void resize(int cap) {
    long[] oldKeys = keys;
    long[] oldValues = values;
    long[] oldTimes = times;
    keys = new long[cap];
    values = new long[cap];
    times = new long[cap];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        insert(keys, values, times, oldKeys[i], oldValues[i], oldTimes[i]);
      }
    }
  }
}

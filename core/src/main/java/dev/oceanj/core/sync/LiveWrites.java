package dev.oceanj.core.sync;

/**
 * What the live-event path wrote, told to the resync's {@link DigestStore}: a live event changes an entity
 * behind the resync's back, so the next resync must not skip it even when its source maps it as before.
 *
 * <p>One per integration, told by the live-event {@link PortWriter} and attached by the resync supervisor. Before the supervisor
 * loads its store (the first resync) the keys wait here, at most {@link #MAX_PENDING}; beyond that every
 * digest is dropped when the store arrives (the next resync writes everything once).
 */
public final class LiveWrites {

  /** Keys kept while no store is attached; about 2 MiB. */
  static final int MAX_PENDING = 100_000;

  private DigestStore store;
  private LongSet pending = new LongSet();
  private boolean overflow;

  /** Records that the live-event path wrote (or deleted) the entity {@code (blueprint, identifier)}. */
  public void written(String blueprint, String identifier) {
    long key = KeyHash.key(blueprint, identifier);
    DigestStore s;
    synchronized (this) {
      s = store;
      if (s == null) {
        if (pending.size() < MAX_PENDING) {
          pending.add(key);
        } else {
          overflow = true;
        }
        return;
      }
    }
    s.invalidate(key);
  }

  /** From now on live writes go straight to {@code digests}; what waited is applied first. */
  public synchronized void attach(DigestStore digests) {
    if (store == digests) {
      return;
    }
    if (overflow) {
      digests.retain(k -> false);
    } else {
      pending.forEach(digests::invalidate);
    }
    pending = new LongSet();
    overflow = false;
    store = digests;
  }
}

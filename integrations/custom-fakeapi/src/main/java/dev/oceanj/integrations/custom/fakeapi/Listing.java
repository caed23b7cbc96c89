package dev.oceanj.integrations.custom.fakeapi;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * The indices a listing serves, in order: {@code 0 .. size-1} of the generated data minus the removed ones, or a
 * filtered selection of them. Unfiltered listings are virtual, so a million items take no memory.
 */
final class Listing {

  /** Receives the data index of each item of a page, in order. */
  interface IndexConsumer {
    void accept(long index) throws IOException;
  }

  private final long base;
  private final long[] removed;
  private final long[] selected;

  private Listing(long base, long[] removed, long[] selected) {
    this.base = base;
    this.removed = removed;
    this.selected = selected;
  }

  /** {@code 0 .. base-1} without the removed indices (ascending, any of them may lie beyond base). */
  static Listing of(long base, long[] removedAscending) {
    long[] inRange = Arrays.stream(removedAscending).filter(r -> r >= 0 && r < base).toArray();
    return new Listing(base, inRange, null);
  }

  /** This listing's indices that pass the filter; materialised, so meant for small listings. */
  Listing filter(LongPredicate keep) {
    long[] kept = new long[(int) Math.min(size(), 1 << 20)];
    int[] count = {0};
    try {
      forEach(0, size(), index -> {
        if (keep.test(index)) {
          if (count[0] == kept.length) {
            throw new IllegalStateException("a filtered listing is limited to " + kept.length + " items");
          }
          kept[count[0]++] = index;
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new Listing(base, new long[0], Arrays.copyOf(kept, count[0]));
  }

  long size() {
    return selected != null ? selected.length : base - removed.length;
  }

  /** Feeds the data index of every position {@code from .. to-1} (positions counted after removals and filters). */
  void forEach(long from, long to, IndexConsumer consumer) throws IOException {
    if (selected != null) {
      for (long k = from; k < to; k++) {
        consumer.accept(selected[(int) k]);
      }
      return;
    }
    long index = from;
    int next = 0;
    while (next < removed.length && removed[next] <= index) {
      index++;
      next++;
    }
    for (long k = from; k < to; index++) {
      if (next < removed.length && removed[next] == index) {
        next++;
        continue;
      }
      consumer.accept(index);
      k++;
    }
  }
}

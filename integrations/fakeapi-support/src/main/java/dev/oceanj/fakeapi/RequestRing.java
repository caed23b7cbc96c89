package dev.oceanj.fakeapi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * The latest entries a fake API logged, oldest first, at most {@code capacity} of them (0 keeps none): each entry gets
 * the next number from 1, older ones are dropped and counted. Thread-safe. A fake's own request log extends it with
 * its entry type.
 *
 * @param <E> an entry, which carries its number
 */
public class RequestRing<E> {

  private final int capacity;
  private final ToLongFunction<E> seqOf;
  private final ArrayDeque<E> entries = new ArrayDeque<>();
  private long seq;
  private long dropped;

  /** A ring keeping {@code capacity} entries; {@code seqOf} reads an entry's number. */
  public RequestRing(int capacity, ToLongFunction<E> seqOf) {
    if (capacity < 0) {
      throw new IllegalArgumentException("request-log-size must be >= 0, was " + capacity);
    }
    this.capacity = capacity;
    this.seqOf = seqOf;
  }

  /** Logs the entry {@code make} builds from the next number. */
  public final synchronized void add(LongFunction<E> make) {
    E entry = make.apply(++seq);
    if (capacity == 0) {
      dropped++;
      return;
    }
    if (entries.size() == capacity) {
      entries.removeFirst();
      dropped++;
    }
    entries.addLast(entry);
  }

  /** The kept entries numbered above {@code since}. */
  public final synchronized List<E> since(long since) {
    List<E> result = new ArrayList<>();
    for (E entry : entries) {
      if (seqOf.applyAsLong(entry) > since) {
        result.add(entry);
      }
    }
    return result;
  }

  /** Entries dropped so far (pushed out, cleared, or not kept at all). */
  public final synchronized long dropped() {
    return dropped;
  }

  /** The number of the latest entry (0 before the first). */
  public final synchronized long last() {
    return seq;
  }

  /** Drops every kept entry; numbering goes on. */
  public final synchronized void clear() {
    dropped += entries.size();
    entries.clear();
  }
}

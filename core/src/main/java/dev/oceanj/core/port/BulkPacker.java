package dev.oceanj.core.port;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The one packer of bulk upserts: groups items per key (a blueprint, with its upsert options) into batches within
 * Port's limits on one request ({@link Limits#PORT}), measured on the real serialized bytes plus the envelope
 * {@code {"entities":[…]}} (Ocean estimates from the first ten). An item larger than the limit on its own still
 * goes out alone: the client reports it without sending it.
 *
 * <p>Used by the write stage ({@code core.sync.PortWriter}: the resync's stream and the live events' linger) and by
 * {@link HttpPortClient#bulkUpsert} for callers that hand it a longer list. Not thread-safe.
 *
 * @param <K> what a batch shares (the blueprint, or the blueprint and the upsert options)
 * @param <T> an item
 */
public final class BulkPacker<K, T> {

  /** The body of a bulk upsert before the entities. */
  static final byte[] PREFIX = "{\"entities\":[".getBytes(StandardCharsets.UTF_8);
  /** The body of a bulk upsert after the entities. */
  static final byte[] SUFFIX = "]}".getBytes(StandardCharsets.UTF_8);
  /** {@code {"entities":[]}}: the body around the entities. */
  public static final int ENVELOPE_BYTES = PREFIX.length + SUFFIX.length;

  /**
   * The most one bulk upsert may hold.
   *
   * @param entities entities per request, 1..20
   * @param bytes request body bytes, envelope included, up to 1 MiB
   */
  public record Limits(int entities, long bytes) {

    /** Port's limits on one bulk upsert (port-api-limits.md §4.2). */
    public static final Limits PORT = new Limits(PortLimits.MAX_UPSERT_ENTITIES, PortLimits.MAX_BODY_BYTES);

    public Limits {
      if (entities < 1 || bytes <= ENVELOPE_BYTES) {
        throw new IllegalArgumentException("bulk upsert limits must allow one entity, were " + entities + " entities / "
            + bytes + " bytes");
      }
    }
  }

  /** Items of one key that go to Port in one request; {@code bytes} is the request body's size. */
  public record Batch<K, T>(K key, List<T> items, long bytes) {}

  private final Limits limits;
  private final ToIntFunction<T> size;
  private final Map<K, Open<T>> open = new LinkedHashMap<>();
  private long opened;

  /** @param size an item's serialized size in bytes */
  public BulkPacker(Limits limits, ToIntFunction<T> size) {
    this.limits = limits;
    this.size = size;
  }

  private static final class Open<T> {
    final long id;
    final List<T> items = new ArrayList<>();
    long bytes; // the items and their commas

    Open(long id) {
      this.id = id;
    }
  }

  /** Adds {@code item} to its key's open batch; answers the batches it completed (usually none, at most two). */
  public List<Batch<K, T>> add(K key, T item) {
    List<Batch<K, T>> out = List.of();
    int itemBytes = size.applyAsInt(item);
    Open<T> o = open.get(key);
    if (o != null && ENVELOPE_BYTES + o.bytes + 1 + itemBytes > limits.bytes()) {
      out = new ArrayList<>(2);
      out.add(close(key, o));
      o = null;
    }
    if (o == null) {
      o = new Open<>(++opened);
      open.put(key, o);
    }
    o.bytes += itemBytes + (o.items.isEmpty() ? 0 : 1);
    o.items.add(item);
    if (o.items.size() >= limits.entities() || ENVELOPE_BYTES + o.bytes >= limits.bytes()) {
      if (out.isEmpty()) {
        out = new ArrayList<>(1);
      }
      out.add(close(key, o));
    }
    return out;
  }

  /**
   * Which batch is open for {@code key}: a number no other batch of this packer had, or -1 when none is open. A
   * caller that lingers compares it later to know whether the batch it waited for is still open.
   */
  public long openBatch(K key) {
    Open<T> o = open.get(key);
    return o == null ? -1 : o.id;
  }

  /** Whether {@code key}'s open batch holds an item matching {@code test}. */
  public boolean openBatchHolds(K key, java.util.function.Predicate<T> test) {
    Open<T> o = open.get(key);
    return o != null && o.items.stream().anyMatch(test);
  }

  /** Closes and answers {@code key}'s open batch; null when none is open. */
  public Batch<K, T> take(K key) {
    Open<T> o = open.get(key);
    return o == null ? null : close(key, o);
  }

  /** Every open batch, at the end of a stream. */
  public List<Batch<K, T>> flush() {
    List<Batch<K, T>> out = new ArrayList<>(open.size());
    open.forEach((key, o) -> out.add(new Batch<>(key, o.items, ENVELOPE_BYTES + o.bytes)));
    open.clear();
    return out;
  }

  private Batch<K, T> close(K key, Open<T> o) {
    open.remove(key);
    return new Batch<>(key, o.items, ENVELOPE_BYTES + o.bytes);
  }

  /** Packs the items of one key, in order, into the batches {@link #add} and {@link #flush} make. */
  public static <T> List<List<T>> pack(List<T> items, Limits limits, ToIntFunction<T> size) {
    BulkPacker<Boolean, T> packer = new BulkPacker<>(limits, size);
    List<List<T>> out = new ArrayList<>();
    for (T item : items) {
      packer.add(Boolean.TRUE, item).forEach(b -> out.add(b.items()));
    }
    packer.flush().forEach(b -> out.add(b.items()));
    return out;
  }
}

package dev.oceanj.spi.live;

import dev.oceanj.spi.Incubating;
import java.util.List;

/**
 * What handling one event for one kind produced: raw objects to map and upsert, and raw objects to map and
 * delete. Both go through the kind's mapping, exactly as resync items do; a deleted object needs only the
 * fields the mapping's identifier (and blueprint) read, e.g. {@code {"id": 42}}.
 *
 * <p>Items are any Jackson-serialisable type, as for resyncs. An item in both lists is upserted, not deleted.
 *
 * @param upserted raw objects to upsert
 * @param deleted raw objects whose entities are deleted (absent entities are a no-op)
 * @since 0.1
 */
@Incubating
public record LiveEventResult(List<?> upserted, List<?> deleted) {

  public LiveEventResult {
    upserted = List.copyOf(upserted);
    deleted = List.copyOf(deleted);
  }

  /** Nothing to write. */
  public static LiveEventResult none() {
    return new LiveEventResult(List.of(), List.of());
  }

  /** Upserts {@code items}. */
  public static LiveEventResult upsert(List<?> items) {
    return new LiveEventResult(items, List.of());
  }

  /** Deletes the entities {@code items} map to. */
  public static LiveEventResult delete(List<?> items) {
    return new LiveEventResult(List.of(), items);
  }
}

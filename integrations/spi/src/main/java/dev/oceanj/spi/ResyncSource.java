package dev.oceanj.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a kind's raw objects come from during a full resync. The runtime adapts each shape to a
 * back-pressured stream: it asks for the next page or batch only when the pipeline has room, so an
 * integration never needs to hold a whole kind in memory.
 *
 * <p>Items are any Jackson-serialisable type (records are ideal); the runtime converts them to JSON for the
 * mapping. A failed stage or a thrown exception marks the kind's extraction as failed, which disables
 * deletion for the whole resync.
 *
 * @param <T> the item type
 * @since 0.1
 */
public sealed interface ResyncSource<T> {

  /** One call returns every object of the kind. For small kinds. */
  static <T> ResyncSource<T> single(Supplier<? extends CompletionStage<? extends List<T>>> fetch) {
    return new Single<>(fetch);
  }

  /**
   * A cursor-paged listing: called with {@code Optional.empty()} for the first page, then with each page's
   * {@link Page#next()} until a page has none. Calls are sequential, never concurrent.
   */
  static <T> ResyncSource<T> paged(Function<Optional<String>, ? extends CompletionStage<Page<T>>> fetchPage) {
    return new Paged<>(fetchPage);
  }

  /**
   * The general case: a fresh {@link Flow.Publisher} of batches per resync, subscribed once. It must honour
   * demand (one batch per requested element).
   */
  static <T> ResyncSource<T> fromPublisher(Supplier<? extends Flow.Publisher<List<T>>> publisher) {
    return new Published<>(publisher);
  }

  /** See {@link #single}. */
  record Single<T>(Supplier<? extends CompletionStage<? extends List<T>>> fetch) implements ResyncSource<T> {
    public Single {
      Objects.requireNonNull(fetch, "fetch");
    }
  }

  /** See {@link #paged}. */
  record Paged<T>(Function<Optional<String>, ? extends CompletionStage<Page<T>>> fetchPage)
      implements ResyncSource<T> {
    public Paged {
      Objects.requireNonNull(fetchPage, "fetchPage");
    }
  }

  /** See {@link #fromPublisher}. */
  record Published<T>(Supplier<? extends Flow.Publisher<List<T>>> publisher) implements ResyncSource<T> {
    public Published {
      Objects.requireNonNull(publisher, "publisher");
    }
  }
}

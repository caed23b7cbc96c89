package dev.oceanj.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a paged 3rd-party listing.
 *
 * @param items the page's objects, any Jackson-serialisable type; never null, may be empty
 * @param next the cursor of the next page, empty on the last page
 * @param <T> the item type
 * @since 0.1
 */
public record Page<T>(List<T> items, Optional<String> next) {
  public Page {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(next, "next");
  }

  /** The last page. */
  public static <T> Page<T> last(List<T> items) {
    return new Page<>(items, Optional.empty());
  }

  /** A page followed by the one at {@code next}. */
  public static <T> Page<T> of(List<T> items, String next) {
    return new Page<>(items, Optional.ofNullable(next));
  }
}

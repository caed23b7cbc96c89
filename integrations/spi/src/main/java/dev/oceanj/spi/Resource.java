package dev.oceanj.spi;

import java.util.Objects;

/**
 * The mapping resource a resync source serves: its kind, its position in {@code resources[]}, its selector
 * bound to the type the kind declared with {@link KindDefinition#resync(Class, java.util.function.Function)},
 * and the resync it belongs to. Several resources of the same kind each get their own.
 *
 * @param index the resource's position in the mapping's {@code resources[]}, from 0
 * @param kind the resource's {@code kind}, as written in the mapping
 * @param selector {@code resources[index].selector} bound to the declared type; never null
 * @param resync the running resync (its id and per-resync cache)
 * @param <S> the selector type
 * @since 0.2
 */
public record Resource<S>(int index, String kind, S selector, Resync resync) {
  public Resource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(resync, "resync");
  }

  /**
   * The top-level fields of raw objects this resource's mapping reads ({@link Resync.MappedResource#fields()}):
   * a source that parses its objects may skip the others. {@link RawFields#all()} when the mapping may read more,
   * or when the resync does not list this resource.
   *
   * @since 0.2
   */
  @Incubating
  public RawFields fields() {
    for (Resync.MappedResource r : resync.resources()) {
      if (r.index() == index) {
        return r.fields();
      }
    }
    return RawFields.all();
  }
}

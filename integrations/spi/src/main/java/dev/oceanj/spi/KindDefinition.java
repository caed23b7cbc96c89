package dev.oceanj.spi;

import java.util.function.Function;

/**
 * The declaration of one kind: where its raw objects come from during a resync.
 *
 * @since 0.1
 */
public interface KindDefinition {

  /**
   * Declares how to fetch every object of this kind for a full resync. Declaring a second source replaces the
   * first.
   *
   * @return this definition, for chaining
   */
  KindDefinition resync(ResyncSource<?> source);

  /**
   * Declares a source that sees the mapping resource it serves: for every resource of this kind in the mapping,
   * {@code source} is called once per resync with the resource's selector bound to {@code selectorType} (as
   * settings are bound: a record, snake_case keys reaching camelCase components, unknown keys ignored, the
   * compact constructor may reject a value with {@link IllegalArgumentException}).
   *
   * <p>Selectors are bound when the mapping loads, before any kind runs: a selector that does not bind fails
   * the resync with an error naming {@code resources[i].selector.<field>}, and nothing of that mapping is
   * applied. {@code source} is called by the runtime when the resource's kind starts, on a thread that must not
   * block: it should only build the source, which fetches nothing until the runtime pulls from it. An exception
   * it throws fails that resource's kind. Declaring a second source replaces the first.
   *
   * <pre>{@code
   * ocean.kind("issue").resync(IssueSelector.class, r -> ResyncSource.paged(c -> client.issues(r.selector(), c)));
   * }</pre>
   *
   * @param selectorType the selector's type, usually a record; the runtime also derives the selector's JSON
   *     schema from it
   * @return this definition, for chaining
   * @since 0.2
   */
  default <S> KindDefinition resync(Class<S> selectorType, Function<Resource<S>, ResyncSource<?>> source) {
    throw new UnsupportedOperationException("this host does not support selector-aware sources (SPI 0.2)");
  }
}

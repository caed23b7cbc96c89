package dev.oceanj.spi;

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
}

package dev.oceanj.core.mapping;

/**
 * {@code itemsToParse} could not expand a raw item: the expression raised an error or did not yield an array,
 * or the item is not an object. Ocean logs a warning and skips the item; the runtime counts it as an error of
 * the kind instead, so that a resync never deletes the entities that item would have produced.
 */
public final class ItemsToParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ItemsToParseException(String message, Throwable cause) {
    super(message, cause);
  }
}

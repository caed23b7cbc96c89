package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One resource of the mapping, as the resync pipeline uses it: expand raw objects ({@code itemsToParse}),
 * then select and map each item. Implementations are immutable and thread-safe: the pipeline calls them from
 * several CPU threads at once.
 */
public interface ResourceMapper {

  /** The resource's kind. */
  String kind();

  /** The resource's index in the mapping (a kind may appear twice). */
  int index();

  /** Emits the items of {@code raw}: {@code raw} itself, or each element of its {@code itemsToParse}. */
  void expandItems(JsonNode raw, Consumer<JsonNode> out);

  /** Applies the selector and the entity mapping to one item. */
  Outcome map(JsonNode item);

  /** The result of mapping one item. */
  sealed interface Outcome {}

  /**
   * An entity to write.
   *
   * @param identifier the identifier, or null when it is a search query that Port resolves
   * @param misconfigured mapping field path → expression, for fields that failed or yielded null
   */
  record Mapped(ObjectNode entity, String blueprint, String identifier, Map<String, String> misconfigured)
      implements Outcome {}

  /** The selector said false. */
  record FilteredOut() implements Outcome {}

  /** The mapping gave no identifier or blueprint; not an error (Ocean counts and skips these). */
  record Dropped(String reason, Map<String, String> misconfigured) implements Outcome {}

  /** The selector or mapping failed on this item: an error of the kind, which disables deletion. */
  record Failed(String message) implements Outcome {}
}

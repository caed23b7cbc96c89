package dev.oceanj.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The runtime's jq engine with Ocean's semantics (its single-quote rewrite, its {@code env} access rule), for
 * integrations whose configuration holds jq ({@code data_path}, {@code field}, templates). Thread-safe.
 *
 * @since 0.2
 */
public interface Jq {

  /**
   * Compiles {@code expression}. Compiled expressions are immutable and thread-safe; compile once, at
   * {@code define} or when a mapping loads, and apply many times.
   *
   * @throws IllegalArgumentException with jq's message when the expression does not compile
   */
  Expression compile(String expression);

  /**
   * A compiled jq expression.
   *
   * @since 0.2
   */
  interface Expression {

    /** The expression as written. */
    String source();

    /**
     * Ocean's semantics: the first output, or JSON null when there is none. Evaluation stops at the first
     * output, so a later error does not count.
     *
     * @throws IllegalArgumentException with jq's message when the evaluation fails before a first output
     */
    JsonNode first(JsonNode input);

    /**
     * Every output, in order.
     *
     * @throws IllegalArgumentException with jq's message when the evaluation fails
     */
    List<JsonNode> all(JsonNode input);
  }
}

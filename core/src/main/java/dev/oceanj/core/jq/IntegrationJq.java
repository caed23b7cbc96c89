package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.Jq;
import java.util.List;
import java.util.Objects;

/**
 * The runtime's jq engine as integrations see it ({@link Jq}): Ocean's rewrite and {@code env} rule, jq errors
 * as {@link IllegalArgumentException} with jq's message.
 */
public final class IntegrationJq implements Jq {

  private final JqEngine engine;

  public IntegrationJq(JqEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  @Override
  public Expression compile(String expression) {
    Objects.requireNonNull(expression, "expression");
    try {
      return new Compiled(engine.compile(expression));
    } catch (JqException e) {
      throw new IllegalArgumentException("jq expression '" + expression + "' does not compile: " + e.getMessage(), e);
    }
  }

  private record Compiled(JqProgram program) implements Expression {
    @Override
    public String source() {
      return program.source();
    }

    @Override
    public JsonNode first(JsonNode input) {
      try {
        return program.first(input);
      } catch (JqException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    @Override
    public List<JsonNode> all(JsonNode input) {
      try {
        return program.all(input);
      } catch (JqException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }
}

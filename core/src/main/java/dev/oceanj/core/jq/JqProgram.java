package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/** A compiled jq program. Immutable and thread-safe; every evaluation runs in its own child scope. */
public final class JqProgram {

  private final String source;
  private final JsonQuery query;
  private final Scope root;

  private final Map<String, JsonNode> variables;

  JqProgram(String source, JsonQuery query, Scope root, Map<String, JsonNode> variables) {
    this.source = source;
    this.query = query;
    this.root = root;
    this.variables = Map.copyOf(variables);
  }

  /** The expression as written in the mapping (before Ocean's rewrite). */
  public String source() {
    return source;
  }

  /** Emits every output of the program on {@code input}, in order. */
  public void apply(JsonNode input, Consumer<JsonNode> output) {
    try {
      Scope scope = Scope.newChildScope(root);
      variables.forEach(scope::setValue);
      query.apply(scope, input, output::accept);
    } catch (JsonQueryException e) {
      throw new JqException(JqErrors.message(e), e);
    } catch (StackOverflowError e) {
      throw new JqException("jq: error: program too deeply recursive", e);
    }
  }

  /** All outputs. */
  public List<JsonNode> all(JsonNode input) {
    List<JsonNode> out = new ArrayList<>();
    apply(input, out::add);
    return out;
  }

  /** Ocean's semantics: the first output, or JSON {@code null} when the program yields nothing. */
  public JsonNode first(JsonNode input) {
    List<JsonNode> out = new ArrayList<>(1);
    apply(input, v -> { if (out.isEmpty()) out.add(v); });
    return out.isEmpty() ? NullNode.getInstance() : out.get(0);
  }

  @Override
  public String toString() {
    return source;
  }
}

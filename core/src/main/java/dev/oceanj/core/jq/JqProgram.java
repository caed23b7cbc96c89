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
    } catch (JqException | Enough e) {
      throw e;
    } catch (RuntimeException e) {
      // A defect inside the evaluator must still fail only this program (Ocean nulls the field), not the caller.
      throw new JqException("jq: error: " + e, e);
    }
  }

  /** All outputs. */
  public List<JsonNode> all(JsonNode input) {
    List<JsonNode> out = new ArrayList<>();
    apply(input, out::add);
    return out;
  }

  /**
   * Ocean's semantics: the first output, or JSON {@code null} when the program yields nothing. Evaluation
   * stops at the first output, as Ocean's lazy {@code .first()} does, so a later error does not count.
   */
  public JsonNode first(JsonNode input) {
    JsonNode[] out = {null};
    try {
      apply(input, v -> {
        out[0] = v;
        throw Enough.INSTANCE;
      });
    } catch (Enough e) {
      return out[0];
    }
    return NullNode.getInstance();
  }

  /** Ends an evaluation once the caller has what it needs; carries no stack trace. */
  private static final class Enough extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Enough INSTANCE = new Enough();

    private Enough() {
      super(null, null, false, false);
    }
  }

  @Override
  public String toString() {
    return source;
  }
}

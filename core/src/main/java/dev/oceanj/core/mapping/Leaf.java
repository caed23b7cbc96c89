package dev.oceanj.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.jq.JqProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One compiled mapping expression with Ocean's "first output or null" semantics. Trivial programs (identity,
 * field/index paths such as {@code .a.b[0]}, string/boolean/null literals) are recognised at compile time and
 * evaluated natively; the fast path only answers when the answer is certain, and defers to jq otherwise
 * (indexing a number, a string, ...), so results and error messages are exactly jq's. Immutable, thread-safe.
 */
final class Leaf {

  private static final Pattern STRING_LITERAL = Pattern.compile("\"([^\"\\\\]*)\"");
  private static final Pattern PATH = Pattern.compile("(?:\\.[A-Za-z_][A-Za-z0-9_]*|\\.?\\[[0-9]{1,9}\\])+");
  private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_]*)|\\.?\\[([0-9]{1,9})\\]");

  private final String expression;
  private final JqProgram program;
  /** Constant result, or null. */
  private final JsonNode constant;
  /** Path segments (String field or Integer index), or null when not a path. Empty array: identity. */
  private final Object[] path;

  private Leaf(String expression, JqProgram program, JsonNode constant, Object[] path) {
    this.expression = expression;
    this.program = program;
    this.constant = constant;
    this.path = path;
  }

  /**
   * Compiles {@code expression} (Ocean's rewrite included).
   *
   * @throws dev.oceanj.core.jq.JqException when jq does not compile it
   */
  static Leaf compile(String expression, JqEngine jq) {
    JqProgram program = jq.compile(expression);
    String src = JqEngine.oceanRewrite(expression).strip();
    JsonNode constant = null;
    Object[] path = null;
    Matcher s = STRING_LITERAL.matcher(src);
    if (s.matches()) {
      constant = TextNode.valueOf(s.group(1));
    } else if (src.equals("true")) {
      constant = BooleanNode.TRUE;
    } else if (src.equals("false")) {
      constant = BooleanNode.FALSE;
    } else if (src.equals("null")) {
      constant = NullNode.getInstance();
    } else if (src.equals(".")) {
      path = new Object[0];
    } else if (PATH.matcher(src).matches() && src.startsWith(".")) {
      List<Object> segments = new ArrayList<>();
      Matcher m = SEGMENT.matcher(src);
      while (m.find()) {
        segments.add(m.group(1) != null ? m.group(1) : Integer.valueOf(m.group(2)));
      }
      path = segments.toArray();
    }
    return new Leaf(expression, program, constant, path);
  }

  /** The expression as written in the mapping. */
  String expression() {
    return expression;
  }

  /** The compiled jq program (what the fast path defers to). */
  JqProgram program() {
    return program;
  }

  /** Whether this leaf is evaluated natively. */
  boolean fast() {
    return constant != null || path != null;
  }

  /** The constant this leaf always yields, or null. */
  JsonNode constant() {
    return constant;
  }

  /** The field-name path when this leaf is {@code .a.b.c} (fields only), else null. */
  List<String> fieldPath() {
    if (path == null || path.length == 0) {
      return null;
    }
    List<String> names = new ArrayList<>(path.length);
    for (Object o : path) {
      if (!(o instanceof String)) {
        return null;
      }
      names.add((String) o);
    }
    return names;
  }

  /**
   * The first output of the expression on {@code input}, or JSON null when it yields nothing.
   *
   * @throws dev.oceanj.core.jq.JqException when jq raises an error
   */
  JsonNode first(JsonNode input) {
    if (constant != null) {
      return constant;
    }
    if (path != null) {
      JsonNode r = walk(input);
      if (r != null) {
        return r;
      }
    }
    return program.first(input);
  }

  /** The native answer, or null when jq must answer (the step would raise an error). */
  private JsonNode walk(JsonNode input) {
    JsonNode cur = input;
    for (Object segment : path) {
      if (cur.isNull()) {
        // jq: null.a and null[0] are null, and so is every further step.
        return cur;
      }
      JsonNode next;
      if (segment instanceof String) {
        if (!cur.isObject()) {
          return null;
        }
        next = cur.get((String) segment);
      } else {
        if (!cur.isArray()) {
          return null;
        }
        next = cur.get((Integer) segment);
      }
      cur = next == null ? NullNode.getInstance() : next;
    }
    return cur;
  }

  @Override
  public String toString() {
    return expression;
  }
}

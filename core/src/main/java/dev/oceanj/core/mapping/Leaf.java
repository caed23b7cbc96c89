package dev.oceanj.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
 * field/index paths such as {@code .a.b[0]}, string/boolean/null literals) and a few forms common in Ocean's
 * mappings built on paths ({@code P | tostring}, {@code P | map(Q)}, {@code if P != null then Q else null end})
 * are recognised at compile time and evaluated natively; the fast path only answers when the answer is certain,
 * and defers to jq otherwise (indexing a number, a string, {@code tostring} of a number, {@code map} over an
 * object...), so results and error messages are exactly jq's. Immutable, thread-safe.
 */
final class Leaf {

  private static final Pattern STRING_LITERAL = Pattern.compile("\"([^\"\\\\]*)\"");
  private static final Pattern PATH = Pattern.compile("(?:\\.[A-Za-z_][A-Za-z0-9_]*|\\.?\\[[0-9]{1,9}\\])+");
  private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_]*)|\\.?\\[([0-9]{1,9})\\]");
  private static final String P = "((?:\\.[A-Za-z_][A-Za-z0-9_]*|\\.?\\[[0-9]{1,9}\\])+)";
  /** {@code P | tostring}. */
  private static final Pattern TOSTRING = Pattern.compile(P + "\\s*\\|\\s*tostring");
  /** {@code P | map(Q)}. */
  private static final Pattern MAP = Pattern.compile(P + "\\s*\\|\\s*map\\(\\s*" + P + "\\s*\\)");
  /** {@code if P != null then Q else null end}. */
  private static final Pattern IF_NOT_NULL = Pattern.compile(
      "if\\s+" + P + "\\s*!=\\s*null\\s+then\\s+" + P + "\\s+else\\s+null\\s+end");

  private final String expression;
  private final JqProgram program;
  /** Constant result, or null. */
  private final JsonNode constant;
  /** Path segments (String field or Integer index), or null when not a path. Empty array: identity. */
  private final Object[] path;
  /** A native form built on paths, or null. */
  private final Form form;

  /** A native evaluation: the answer, or null when jq must answer. */
  @FunctionalInterface
  private interface Form {
    JsonNode eval(JsonNode input);
  }

  private Leaf(String expression, JqProgram program, JsonNode constant, Object[] path, Form form) {
    this.expression = expression;
    this.program = program;
    this.constant = constant;
    this.path = path;
    this.form = form;
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
    Form form = null;
    Matcher s = STRING_LITERAL.matcher(src);
    Matcher toString = TOSTRING.matcher(src);
    Matcher map = MAP.matcher(src);
    Matcher ifNotNull = IF_NOT_NULL.matcher(src);
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
      path = segments(src);
    } else if (toString.matches() && toString.group(1).startsWith(".")) {
      form = toString(segments(toString.group(1)));
    } else if (map.matches() && map.group(1).startsWith(".") && map.group(2).startsWith(".")) {
      form = map(segments(map.group(1)), segments(map.group(2)));
    } else if (ifNotNull.matches() && ifNotNull.group(1).startsWith(".") && ifNotNull.group(2).startsWith(".")) {
      form = ifNotNull(segments(ifNotNull.group(1)), segments(ifNotNull.group(2)));
    }
    return new Leaf(expression, program, constant, path, form);
  }

  private static Object[] segments(String src) {
    List<Object> segments = new ArrayList<>();
    Matcher m = SEGMENT.matcher(src);
    while (m.find()) {
      segments.add(m.group(1) != null ? m.group(1) : Integer.valueOf(m.group(2)));
    }
    return segments.toArray();
  }

  /** {@code P | tostring}: a string as it is, null, true and false spelled; jq formats numbers and the rest. */
  private static Form toString(Object[] p) {
    return input -> {
      JsonNode v = walk(p, input);
      if (v == null) {
        return null;
      }
      if (v.isTextual()) {
        return v;
      }
      if (v.isNull() || v.isBoolean()) {
        return TextNode.valueOf(v.isNull() ? "null" : v.asText());
      }
      return null;
    };
  }

  /** {@code P | map(Q)} over an array whose every element Q walks natively; jq for the rest (null raises). */
  private static Form map(Object[] p, Object[] q) {
    return input -> {
      JsonNode v = walk(p, input);
      if (v == null || !v.isArray()) {
        return null;
      }
      ArrayNode out = JsonNodeFactory.instance.arrayNode(v.size());
      for (JsonNode element : v) {
        JsonNode r = walk(q, element);
        if (r == null) {
          return null;
        }
        out.add(r);
      }
      return out;
    };
  }

  /** {@code if P != null then Q else null end}. */
  private static Form ifNotNull(Object[] p, Object[] q) {
    return input -> {
      JsonNode v = walk(p, input);
      if (v == null) {
        return null;
      }
      return v.isNull() ? v : walk(q, input);
    };
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
    return constant != null || path != null || form != null;
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
    if (path != null || form != null) {
      JsonNode r = path != null ? walk(path, input) : form.eval(input);
      if (r != null) {
        return r;
      }
    }
    return program.first(input);
  }

  /** The native answer of {@code path} on {@code input}, or null when jq must answer (a step would raise). */
  private static JsonNode walk(Object[] path, JsonNode input) {
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

package dev.oceanj.core.mapping;

import java.util.List;
import java.util.Map;

/**
 * One value of an entity mapping as written in the port-app-config: a jq expression, or an object / array whose
 * leaves are jq expressions (Port search queries such as {@code {combinator, rules: [{property, operator,
 * value}]}} are objects whose every leaf is jq, e.g. {@code property: '"$identifier"'}).
 */
public sealed interface MappingValue {

  /** A jq expression, as written (before Ocean's single-quote rewrite). */
  record Expr(String expression) implements MappingValue {}

  /** An object whose values are mapped recursively; key order is kept. */
  record Obj(Map<String, MappingValue> fields) implements MappingValue {
    public Obj {
      fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
  }

  /** An array whose elements are mapped recursively. */
  record Arr(List<MappingValue> elements) implements MappingValue {
    public Arr {
      elements = List.copyOf(elements);
    }
  }
}

package dev.oceanj.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the runtime needs of a resource's raw objects: the parts its mapping's jq expressions (selector,
 * {@code itemsToParse}, identifier, title, properties, relations, ...) can read, when every expression reads the raw
 * object only through static paths such as {@code .a.b} or {@code .a | map(.b)}; {@link #all()} otherwise. A source
 * that parses objects itself may skip the rest while parsing (e.g. with {@link dev.oceanj.spi.http.JsonItems}), so
 * no tree and no strings are built for it: the mapping gives the same entities. Fields the integration's own code
 * reads (to enrich objects, to page) must be added with {@link #with(String...)}. Objects handed over with more than
 * this are always fine.
 *
 * <p>A tree: each node says of the value at its path whether it is needed whole ({@link #isAll()}), or which of its
 * fields are ({@link #field(String)}, when it is an object) and what of each element ({@link #elements()}, when it is
 * an array). A value that is not of the shape its node describes is needed whole: an object whose node reads
 * elements, an array whose node names fields, a string, a number.
 *
 * <p>The first {@link #wholeFirst()} objects a source reads should be whole (the runtime sends the first raw objects
 * of each kind to Port as examples): {@link #nextWhole()} counts them down, so the root of a tree serves one resource
 * of one resync. Thread-safe.
 *
 * @since 0.2
 */
@Incubating
public final class RawFields {

  /** The path segment that stands for every element of an array, in {@link #paths}. */
  public static final String ELEMENTS = "[]";

  private static final RawFields ALL = new RawFields(null, null, 0, new AtomicLong());
  /** A value only needed to exist: an object with no field, an array whole, any other value as it is. */
  private static final RawFields PRESENT = new RawFields(Map.of(), null, 0, new AtomicLong());

  /** The fields read of an object, or null when the value is needed whole. */
  private final Map<String, RawFields> fields;
  /** What is read of each element of an array, or null when the node names no element. */
  private final RawFields elements;
  private final long wholeFirst;
  private final AtomicLong read;

  private RawFields(Map<String, RawFields> fields, RawFields elements, long wholeFirst, AtomicLong read) {
    this.fields = fields;
    this.elements = elements;
    this.wholeFirst = wholeFirst;
    this.read = read;
  }

  /** Everything: objects are read whole (the default, and what a resource whose mapping reads {@code .} gets). */
  public static RawFields all() {
    return ALL;
  }

  /**
   * Only the top-level fields {@code names}, each whole, after the first {@code wholeFirst} objects, which are read
   * whole.
   *
   * @throws IllegalArgumentException when {@code wholeFirst} is negative
   */
  public static RawFields only(Collection<String> names, long wholeFirst) {
    return paths(names.stream().map(List::of).toList(), List.of(), wholeFirst);
  }

  /**
   * The values at {@code whole} (paths of field names, {@link #ELEMENTS} for every element of an array), whole, and
   * the values at {@code present} only as far as their existence, type and truthiness go; after the first
   * {@code wholeFirst} objects, which are read whole. An empty path in {@code whole} is everything.
   *
   * @throws IllegalArgumentException when {@code wholeFirst} is negative
   */
  public static RawFields paths(Collection<List<String>> whole, Collection<List<String>> present, long wholeFirst) {
    if (wholeFirst < 0) {
      throw new IllegalArgumentException("wholeFirst must not be negative, was " + wholeFirst);
    }
    Node root = new Node();
    present.forEach(p -> root.add(p, 0, false));
    whole.forEach(p -> root.add(p, 0, true));
    return root.whole ? ALL : root.build(wholeFirst, new AtomicLong());
  }

  /** A tree under construction. */
  private static final class Node {
    boolean whole;
    final Map<String, Node> fields = new TreeMap<>();
    Node elements;

    void add(List<String> path, int i, boolean asWhole) {
      if (whole) {
        return;
      }
      if (i == path.size()) {
        if (asWhole) {
          whole = true;
          fields.clear();
          elements = null;
        }
        return;
      }
      String segment = Objects.requireNonNull(path.get(i), "path segment");
      Node child;
      if (segment.equals(ELEMENTS)) {
        child = elements == null ? (elements = new Node()) : elements;
      } else {
        child = fields.computeIfAbsent(segment, k -> new Node());
      }
      child.add(path, i + 1, asWhole);
    }

    RawFields build(long wholeFirst, AtomicLong read) {
      if (whole) {
        return ALL;
      }
      if (fields.isEmpty() && elements == null && wholeFirst == 0) {
        return PRESENT;
      }
      Map<String, RawFields> built = new LinkedHashMap<>();
      fields.forEach((name, node) -> built.put(name, node.build(0, new AtomicLong())));
      return new RawFields(Collections.unmodifiableMap(built), elements == null ? null
          : elements.build(0, new AtomicLong()), wholeFirst, read);
    }
  }

  /** Whether the value is needed whole. */
  public boolean isAll() {
    return fields == null;
  }

  /** The names of the fields read of an object, in name order; empty when {@link #isAll()}. */
  public Set<String> names() {
    return fields == null ? Set.of() : fields.keySet();
  }

  /** Whether field {@code name} of an object is read at all (always when {@link #isAll()}). */
  public boolean reads(String name) {
    return fields == null || fields.containsKey(name);
  }

  /** What is read of field {@code name} of an object: {@link #all()} when this node is; null when nothing. */
  public RawFields field(String name) {
    return fields == null ? ALL : fields.get(name);
  }

  /**
   * What is read of each element of an array: null when the node names no element (an array is then needed
   * whole, and an object is read by its fields); {@link #all()} when this node is.
   */
  public RawFields elements() {
    return fields == null ? ALL : elements;
  }

  /** How many objects are read whole before the others are projected. */
  public long wholeFirst() {
    return wholeFirst;
  }

  /**
   * These fields and the top-level fields {@code more}, whole (what the integration's own code reads of each
   * object); {@link #all()} stays all. The result shares this instance's count of objects read.
   */
  public RawFields with(String... more) {
    if (fields == null) {
      return this;
    }
    Map<String, RawFields> union = new TreeMap<>(fields);
    for (String name : Objects.requireNonNull(more, "more")) {
      union.put(name, ALL);
    }
    return new RawFields(Collections.unmodifiableMap(new LinkedHashMap<>(union)), elements, wholeFirst, read);
  }

  /**
   * Called once per object, in the order the source reads them: whether this object is to be read whole (always
   * when {@link #isAll()}; for the first {@link #wholeFirst()} objects otherwise).
   */
  public boolean nextWhole() {
    return fields == null || (read.get() < wholeFirst && read.getAndIncrement() < wholeFirst);
  }

  @Override
  public String toString() {
    if (fields == null) {
      return "all";
    }
    StringBuilder b = new StringBuilder("{");
    fields.forEach((name, node) -> b.append(b.length() > 1 ? ", " : "").append(name)
        .append(node.isAll() ? "" : ": " + node));
    if (elements != null) {
      b.append(b.length() > 1 ? ", " : "").append(ELEMENTS).append(elements.isAll() ? "" : ": " + elements);
    }
    return b.append('}').toString();
  }
}

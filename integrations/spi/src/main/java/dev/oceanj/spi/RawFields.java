package dev.oceanj.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which top-level fields of a resource's raw objects the runtime needs: the fields its mapping's jq expressions
 * can read (selector, {@code itemsToParse}, identifier, title, properties, relations, ...), when every expression
 * reads the raw object only through static paths such as {@code .a.b}; {@link #all()} otherwise. A source that
 * parses objects itself may skip the other top-level fields while parsing (e.g. with
 * {@link dev.oceanj.spi.http.JsonItems}), so no tree and no strings are built for them: the mapping gives the same
 * entities. Fields the integration's own code reads (to enrich objects, to page) must be added with
 * {@link #with(String...)}. Objects handed over with more fields than these are always fine.
 *
 * <p>The first {@link #wholeFirst()} objects a source reads should be whole (the runtime sends the first raw
 * objects of each kind to Port as examples): {@link #nextWhole()} counts them down, so one instance serves one
 * resource of one resync. Thread-safe.
 *
 * @since 0.2
 */
@Incubating
public final class RawFields {

  private static final RawFields ALL = new RawFields(null, 0);

  private final Set<String> names;
  private final long wholeFirst;
  private final AtomicLong read;

  private RawFields(Set<String> names, long wholeFirst) {
    this(names, wholeFirst, new AtomicLong());
  }

  private RawFields(Set<String> names, long wholeFirst, AtomicLong read) {
    this.names = names;
    this.wholeFirst = wholeFirst;
    this.read = read;
  }

  /** Every field: objects are read whole (the default, and what a resource whose mapping reads {@code .} gets). */
  public static RawFields all() {
    return ALL;
  }

  /**
   * Only {@code names}, after the first {@code wholeFirst} objects, which are read whole.
   *
   * @throws IllegalArgumentException when {@code wholeFirst} is negative
   */
  public static RawFields only(Collection<String> names, long wholeFirst) {
    if (wholeFirst < 0) {
      throw new IllegalArgumentException("wholeFirst must not be negative, was " + wholeFirst);
    }
    return new RawFields(Collections.unmodifiableSet(new TreeSet<>(names)), wholeFirst);
  }

  /** Whether objects are read whole. */
  public boolean isAll() {
    return names == null;
  }

  /** The fields needed, in name order; empty when {@link #isAll()}. */
  public Set<String> names() {
    return names == null ? Set.of() : names;
  }

  /** How many objects are read whole before the others are projected. */
  public long wholeFirst() {
    return wholeFirst;
  }

  /** Whether field {@code name} is needed (always when {@link #isAll()}). */
  public boolean reads(String name) {
    return names == null || names.contains(name);
  }

  /**
   * These fields and {@code more} (what the integration's own code reads of each object); {@link #all()} stays
   * all. The result shares this instance's count of objects read.
   */
  public RawFields with(String... more) {
    if (names == null) {
      return this;
    }
    Set<String> union = new TreeSet<>(names);
    Collections.addAll(union, Objects.requireNonNull(more, "more"));
    return new RawFields(Collections.unmodifiableSet(union), wholeFirst, read);
  }

  /**
   * Called once per object, in the order the source reads them: whether this object is to be read whole (always
   * when {@link #isAll()}; for the first {@link #wholeFirst()} objects otherwise).
   */
  public boolean nextWhole() {
    return names == null || (read.get() < wholeFirst && read.getAndIncrement() < wholeFirst);
  }

  @Override
  public String toString() {
    return names == null ? "RawFields[all]" : "RawFields" + names + " (first " + wholeFirst + " whole)";
  }
}

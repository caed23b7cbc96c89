package dev.oceanj.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One full resync, as integrations see it: handed to resync hooks and, through {@link Resource#resync()}, to
 * the sources of selector-aware kinds.
 *
 * @since 0.2
 */
public interface Resync {

  /** The resync's id, as the runtime logs it. */
  String id();

  /** Every resource of the mapping this resync runs, in mapping order. */
  List<MappedResource> resources();

  /** The cache shared by every kind of this resync; emptied when the resync ends. */
  ResyncCache cache();

  /**
   * One resource of the mapping as written: its position, kind and raw selector.
   *
   * @param index the position in {@code resources[]}, from 0
   * @param kind the resource's {@code kind}
   * @param selector {@code resources[index].selector}, an empty object when absent; a copy, free to read
   * @param fields the top-level fields of raw objects the resource's mapping reads ({@link RawFields#all()} when
   *     it may read more, or when the host does not say)
   * @since 0.2
   */
  record MappedResource(int index, String kind, ObjectNode selector, RawFields fields) {
    public MappedResource {
      Objects.requireNonNull(kind, "kind");
      selector = Objects.requireNonNull(selector, "selector").deepCopy();
      Objects.requireNonNull(fields, "fields");
    }

    /** A resource whose raw objects are read whole. */
    public MappedResource(int index, String kind, ObjectNode selector) {
      this(index, kind, selector, RawFields.all());
    }

    @Override
    public ObjectNode selector() {
      return selector.deepCopy();
    }
  }
}

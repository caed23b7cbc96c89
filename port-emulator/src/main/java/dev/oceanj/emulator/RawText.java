package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A string node that also keeps the UTF-8 bytes it was read from. {@link RawJson} makes one only for strings whose
 * bytes are exactly what Jackson writes for them: no escapes, no control characters, and only 1- to 3-byte UTF-8
 * sequences that are not surrogates (Jackson writes characters beyond the BMP as {@code \\uD83D\\uDE00} escapes, so
 * those strings are never raw). {@link EntityJson} then copies the bytes instead of encoding every character:
 * for the 1 KiB properties of the resync benchmark, that encoding was the emulator's largest single cost per entity.
 * To everything else (equality, {@code asText}, the node type, Jackson's own serialisation) it is a plain
 * {@link TextNode}.
 */
final class RawText extends TextNode {

  private static final long serialVersionUID = 1L;

  /** Shorter strings are encoded quickly enough; keeping their bytes would not pay for the extra object. */
  static final int MIN_LENGTH = 64;

  private final transient byte[] utf8;
  private final transient int offset;
  private final transient int length;

  /** {@code value} must be the decoding of {@code utf8[offset, offset + length)}, which must qualify as above. */
  RawText(String value, byte[] utf8, int offset, int length) {
    super(value);
    this.utf8 = utf8;
    this.offset = offset;
    this.length = length;
  }

  /** The UTF-8 bytes this string was read from (with {@link #offset} and {@link #length}); null only after Java
   *  deserialisation, which keeps the text but not the bytes. */
  byte[] utf8() {
    return utf8;
  }

  int offset() {
    return offset;
  }

  int length() {
    return length;
  }
}
